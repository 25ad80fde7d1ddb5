"""leader-election: a canary of leader-elected controllers tests nothing of them, unless it hands the lease over.

A leader-elected controller works only in the pod that holds the lease (`leader.py` says what
counts as evidence). In a canary that weighs pods, the new version's pods join an election
the stable leader keeps winning: its controller code never runs before promotion, and the
pause watches a standby. So such a Deployment's canary gets, by default
(`leaderElection: handover`), a plan in which the new version leads: one canary pod first
(it starts and gets Ready as a standby), then every pod (the old leader goes and the lease
passes), then a pause (after the configured analysis steps) while the new version leads;
an abort there brings the old version back, and with it the lease. The warning names the
evidence and the plan. `keep` runs the configured steps, with a warning; `error` refuses the
Deployment (left as it is under a broad selection). A traffic router keeps the stable pods,
and the old leader, until promotion: there the configured steps run, with a warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from ....provider_api import Traits
from ....results import Result, error, warning
from ..canary import hands_over
from ..plan import ArgoContext

ID = "leader-election"
TRAITS = Traits(unconvertible=True)


def check(ctx: ArgoContext) -> Iterator[Result]:
    for target in ctx.targets:
        election, canary = target.election, target.canary
        if election is None or canary is None:
            continue
        said = f"leader-elected ({'; '.join(election.evidence)})"
        if hands_over(ctx.spec, election, canary):
            steps = ", ".join(f"setWeight {s['setWeight']}" if "setWeight" in s else next(iter(s)) for s in canary["steps"])
            yield warning(
                f"{said}: planned as a handover ({steps}): one canary pod starts and gets Ready as a standby, then every pod is"
                " new so the old leader goes and the lease passes, and the new version leads until you promote; an abort"
                " brings the old version back",
                target.deployment,
                "spec.strategy.canary.steps",
                ID,
            )
            continue
        standby = "its canary runs the new version as a standby the stable leader keeps the lease from"
        standby += ", so it tests nothing of its controllers"
        steps_field = "spec.strategy.canary.steps"
        if ctx.spec.leaderElection == "error":
            yield error(
                f"{said}: {standby} (leaderElection: handover would plan one in which it leads)", target.deployment, steps_field, ID
            )
        elif "trafficRouting" in canary:
            routed = f"{said}: {standby} until promotion: a traffic router keeps the stable pods, and the leader"
            yield warning(routed, target.deployment, None, ID)
        else:
            keep = f"{said}: {standby} (leaderElection: keep; handover would plan one in which it leads)"
            yield warning(keep, target.deployment, steps_field, ID)
