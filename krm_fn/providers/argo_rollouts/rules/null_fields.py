"""null-fields: a null the Rollout CRD's schema does not allow is left out of the Rollout.

Charts often render an empty value as null (`volumeMounts: null`). A Deployment takes it
as "not set". A Rollout is held to the CRD's schema instead: create and client-side apply
drop such a null before storing the Rollout, but server-side apply (Argo CD's
`ServerSideApply=true`, Helm 4) does not, and the API server refuses the whole Rollout
(`volumeMounts in body must be of type array: "null"`). So the Rollout is written without
it, as the create path stores it, with an info naming the field. The schema is the CRD's
in the list, else the pinned Argo Rollouts release's (`crd_structure`); a null in a field
it declares `nullable`, defaults, or leaves untyped (`volumes`, `resources.limits`) is
taken by both paths and kept. A Rollout already in the list that carries one is passed
through as it is, with an error (a warning under `checkExisting: warning`).
"""

from __future__ import annotations

from collections.abc import Iterator

from ....fieldpath import format_path
from ....provider_api import Traits
from ....results import Result, error, info
from ..plan import ArgoContext

ID = "null-fields"
TRAITS = Traits(existing=True)

_REFUSED = "null where the Rollout CRD's schema allows none"


def check(ctx: ArgoContext) -> Iterator[Result]:
    for target in ctx.targets:
        for loc in target.nulls:
            if target.existing:
                message = f"{_REFUSED}: server-side apply (Argo CD's ServerSideApply, Helm 4) refuses this Rollout; leave the field out"
                yield error(message, target.deployment, format_path(loc), ID)
            else:
                message = f"{_REFUSED}: left out of the Rollout, which server-side apply would refuse with it (create drops it too)"
                yield info(message, target.deployment, format_path(loc), ID)
