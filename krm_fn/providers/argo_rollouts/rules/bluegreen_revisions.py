"""bluegreen-revisions: `scaleDownDelayRevisionLimit` may not exceed the Rollout's `revisionHistoryLimit`.

The controller keeps at most `revisionHistoryLimit` (default 10) old ReplicaSets, so it
marks a blueGreen Rollout that asks to keep more of them scaled up InvalidSpec.
"""

from __future__ import annotations

from collections.abc import Iterator

from ....provider_api import Traits
from ....results import Result, error
from ..plan import ArgoContext

ID = "bluegreen-revisions"
TRAITS = Traits(existing=True)
DEFAULT_REVISION_HISTORY_LIMIT = 10


def check(ctx: ArgoContext) -> Iterator[Result]:
    limit = ctx.spec.blueGreen.scaleDownDelayRevisionLimit
    if limit is None:
        return
    for target in ctx.targets:
        if target.blue_green is None:
            continue
        written = target.deployment.has("spec", "revisionHistoryLimit")
        history = target.deployment.get_int("spec", "revisionHistoryLimit") if written else DEFAULT_REVISION_HISTORY_LIMIT
        if history is not None and limit > history:
            shown = "" if written else " (the default)"
            yield error(
                f"blueGreen.scaleDownDelayRevisionLimit is {limit}, more than revisionHistoryLimit ({history}{shown}) keeps",
                target.deployment,
                "spec.revisionHistoryLimit",
                ID,
            )
