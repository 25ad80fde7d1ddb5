"""Provider names and the module of each. Nothing here imports a provider's code.

A run imports only the provider its config names (start-up pays for nothing else). A
provider outside this package (a test's, say) is an entry added to `PROVIDERS`.
"""

from __future__ import annotations

DEFAULT_PROVIDER = "argo-rollouts"
PROVIDERS = {DEFAULT_PROVIDER: "krm_fn.providers.argo_rollouts"}
"""Name -> the module whose `PROVIDER` is the provider."""


def module_of(name: object) -> str:
    """The module of the provider called `name`; the default one's for a name it does not know, or one
    that is not a string (the spec model reports it)."""
    return PROVIDERS.get(name if isinstance(name, str) else DEFAULT_PROVIDER, PROVIDERS[DEFAULT_PROVIDER])
