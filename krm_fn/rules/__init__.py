"""Render-time checks that hold for any provider; each provider adds its own (`providers/*/rules`).

Each module has an `ID`, a docstring that is its documentation, and `check(ctx)` yielding
results. They all run before the conversion: any error stops it, and nothing is converted.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..config.models import ProviderSpec
from ..provider_api import Rule, Target
from . import selection, shape

RULES: Sequence[Rule[ProviderSpec, Target]] = [selection, shape]
"""In the order they run, before the provider's: `shape` guards the fields every rule reads."""
