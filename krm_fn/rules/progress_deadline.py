"""progress-deadline: `progressDeadlineSeconds` (default 600) must exceed `minReadySeconds`.

The controller checks this on Rollouts; a Deployment only defaults the deadline, so a
Deployment with a long `minReadySeconds` may be valid and still make an invalid Rollout.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..fields import get_map
from ..results import Result, error
from . import Context

ID = "progress-deadline"
DEFAULT_PROGRESS_DEADLINE = 600


def check(ctx: Context) -> Iterator[Result]:
    for target in ctx.targets:
        spec = get_map(target.deployment, "spec")
        min_ready = spec.get("minReadySeconds") or 0
        deadline = spec.get("progressDeadlineSeconds", DEFAULT_PROGRESS_DEADLINE)
        if isinstance(min_ready, int) and isinstance(deadline, int) and deadline <= min_ready:
            shown = "" if "progressDeadlineSeconds" in spec else " (the default)"
            yield error(
                f"progressDeadlineSeconds is {deadline}{shown}; it must be greater than minReadySeconds ({min_ready})",
                target.deployment,
                "spec.progressDeadlineSeconds",
                ID,
            )
