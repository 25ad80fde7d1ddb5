"""selection: say when the selector picks nothing, or names a Deployment that is not there.

A typo in `selector.names` would otherwise render the chart unchanged, and the canary
the user asked for would silently never happen. A Rollout the selector matches counts as
converted already (kpt converts files in place, so every render after the first finds
Rollouts): that is an info, not a warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..results import Result, info, warning
from ..select import is_deployment, is_rollout, matches, name_of
from . import Context

ID = "selection"


def check(ctx: Context) -> Iterator[Result]:
    selector = ctx.spec.selector
    done = sorted({name_of(i) for i in ctx.items if is_rollout(i) and matches(i, selector)})
    if not ctx.targets:
        if done:
            yield info(f"nothing left to convert: already Rollouts: {', '.join(done)}", rule=ID)
        else:
            yield warning("no Deployment in the list matches the selector: nothing to convert", field="spec.selector", rule=ID)
    present = {name_of(item) for item in ctx.items if is_deployment(item)}
    for name in selector.names:
        if name not in present and name not in done:
            yield warning(f"lists {name!r}, but no Deployment of that name is in the list", field="spec.selector.names", rule=ID)
