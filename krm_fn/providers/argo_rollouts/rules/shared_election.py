"""shared-election: two Deployments whose pods contend for one lease.

Pods of two Deployments that name the same Lease (by flag or env, `leader.py`) take part in one
election: one leader between them. During a canary of either, the lease can go to the other
Deployment's old pods, not to the new version (the agents chart's control plane and
controllers share `agents-controller-leader`). One warning a lease names them all (on the
first converted): convert them together and promote them together, or give each its own
lease name.
"""

from __future__ import annotations

from collections.abc import Iterator

from ....provider_api import Traits
from ....resource import parse_all
from ....results import Result, warning
from ..leader import lease
from ..plan import ArgoContext

ID = "shared-election"
TRAITS = Traits(per_target=False)


def check(ctx: ArgoContext) -> Iterator[Result]:
    leases = {t.election.lease for t in ctx.targets if t.election and t.election.lease}
    if not leases:
        return  # nothing to share: the other Deployments need not be read
    deployments = ctx.inventory.of_kind("apps", "Deployment")
    parse_all(deployments)
    by_lease: dict[tuple[str, str], list[str]] = {}
    for deployment in deployments:
        found = lease(deployment)
        if found in leases and ctx.spec.leaderElected.get(deployment.name) is not False:
            by_lease.setdefault(found, []).append(deployment.name)
    converted = {(t.deployment.namespace, t.deployment.name) for t in ctx.targets}
    said: set[tuple[str, str]] = set()
    for target in ctx.targets:
        deployment, shared = target.deployment, target.election.lease if target.election else None
        others = [name for name in by_lease.get(shared, []) if name != deployment.name] if shared else []
        if not others or shared is None or shared in said:
            continue
        said.add(shared)
        also = "all converted here" if all((deployment.namespace, o) in converted for o in others) else "not all converted here"
        yield warning(
            f"{' and '.join([deployment.name, *others])} contend for one lease, {shared[1]} in namespace {shared[0]} ({also}):"
            " during a canary the lease can go to the other Deployment's old pods instead of the new version; convert them"
            " together and promote them together, or give each its own lease name",
            deployment,
            None,
            ID,
        )
