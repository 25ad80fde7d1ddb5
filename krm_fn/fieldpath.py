"""A field's place in an object, as a tuple of keys and indexes, and as results write it."""

from __future__ import annotations

Loc = tuple[str | int, ...]


def format_path(loc: Loc) -> str:
    """`("spec", "canarySteps", 0, "setWeight")` -> `spec.canarySteps[0].setWeight`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
