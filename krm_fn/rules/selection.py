"""selection: say when the selector picks nothing, or names a Deployment that is not there.

A typo in `selector.names` would otherwise render the chart unchanged, and the canary
the user asked for would silently never happen.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..results import Result, warning
from ..select import is_deployment, name_of
from . import Context

ID = "selection"


def check(ctx: Context) -> Iterator[Result]:
    if not ctx.targets:
        yield warning("no Deployment in the list matches the selector: nothing to convert", field="spec.selector", rule=ID)
    present = {name_of(item) for item in ctx.items if is_deployment(item)}
    for name in ctx.spec.selector.names:
        if name not in present:
            yield warning(f"lists {name!r}, but no Deployment of that name is in the list", field="spec.selector.names", rule=ID)
