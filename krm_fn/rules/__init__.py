"""Render-time checks that hold for any provider; each provider adds its own (`providers/*/rules`).

Each module has an `ID`, a docstring that is its documentation, and `check(ctx)` yielding
results. They all run before the conversion: any error stops it, and nothing is converted.
"""

from __future__ import annotations

from . import selection, shape

RULES = [selection, shape]
"""In the order they run, before the provider's: `shape` guards the fields every rule reads."""
