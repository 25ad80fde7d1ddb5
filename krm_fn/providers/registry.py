"""Provider names and the module of each; nothing here imports a provider's code.

A run imports only the provider its config names (start-up pays for nothing else).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Provider

DEFAULT_PROVIDER = "argo-rollouts"
PROVIDERS = {"argo-rollouts": "krm_fn.providers.argo_rollouts"}


def load(name: object) -> Provider:
    """The provider called `name`; the default one for a name it does not know, or one that is not a string (its spec reports it)."""
    module = importlib.import_module(PROVIDERS.get(name if isinstance(name, str) else DEFAULT_PROVIDER, PROVIDERS[DEFAULT_PROVIDER]))
    provider: Provider = module.PROVIDER
    return provider
