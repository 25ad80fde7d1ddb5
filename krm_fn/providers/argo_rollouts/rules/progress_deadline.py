"""progress-deadline: `progressDeadlineSeconds` (default 600) must exceed `minReadySeconds`.

The controller checks this on Rollouts; a Deployment only defaults the deadline, so a
Deployment with a long `minReadySeconds` may be valid and still make an invalid Rollout.
Both are read as the cluster receives them (`0600` written plain is 384 seconds to kubectl).
"""

from __future__ import annotations

from collections.abc import Iterator

from ....provider_api import Traits
from ....results import Result, error
from ..plan import ArgoContext

ID = "progress-deadline"
TRAITS = Traits(existing=True)
DEFAULT_PROGRESS_DEADLINE = 600


def check(ctx: ArgoContext) -> Iterator[Result]:
    for target in ctx.targets:
        deployment = target.deployment
        min_ready = deployment.get_int("spec", "minReadySeconds") or 0
        written = deployment.has("spec", "progressDeadlineSeconds")
        deadline = deployment.get_int("spec", "progressDeadlineSeconds") if written else DEFAULT_PROGRESS_DEADLINE
        if deadline is not None and deadline <= min_ready:
            raw = deployment.get("spec", "progressDeadlineSeconds")
            shown = " (the default)" if not written else "" if isinstance(raw, int) else f" ({raw} as kubectl reads it)"
            yield error(
                f"progressDeadlineSeconds is {deadline}{shown}; it must be greater than minReadySeconds ({min_ready})",
                deployment,
                "spec.progressDeadlineSeconds",
                ID,
            )
