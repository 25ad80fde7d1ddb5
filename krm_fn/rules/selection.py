"""selection: say when the selector picks nothing, or names a Deployment that is not there.

A typo in `selector.names` would otherwise render the chart unchanged, and the canary
the user asked for would silently never happen. What the provider says an earlier run
converted, where the selector matches it, counts as converted already (kpt converts files
in place, so every render after the first finds Rollouts): that is an info, not a warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..config.models import ProviderSpec
from ..provider_api import Context, Target, Traits
from ..results import Result, info, warning
from ..select import is_deployment, matches

ID = "selection"
TRAITS = Traits(per_target=False)


def check(ctx: Context[ProviderSpec, Target]) -> Iterator[Result]:
    selector = ctx.spec.selector
    workload = ctx.provider.workload
    done = sorted({r.name for r in ctx.provider.converted(ctx.inventory) if matches(r, selector)})
    if not ctx.targets:
        if done:
            yield info(f"nothing left to convert: already {workload.kind}s: {', '.join(done)}", rule=ID)
        else:
            yield warning("no Deployment in the list matches the selector: nothing to convert", field="spec.selector", rule=ID)
    present = {r.name for r in ctx.inventory.of_kind("apps", "Deployment") if is_deployment(r)}
    for name in selector.names:
        if name not in present and name not in done:
            yield warning(f"lists {name!r}, but no Deployment of that name is in the list", field="spec.selector.names", rule=ID)
