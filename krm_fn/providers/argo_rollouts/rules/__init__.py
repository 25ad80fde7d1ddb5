"""The Argo Rollouts provider's render-time checks: what the controller would reject later.

The controller, not the API server, enforces these: an invalid Rollout applies fine and
then sits `InvalidSpec`. Each module has an `ID`, a docstring that is its documentation,
and `check(ctx)` yielding results.
"""

from __future__ import annotations

from collections.abc import Sequence

from ....provider_api import Rule
from ..plan import ArgoTarget
from ..spec import ArgoRolloutsSpec
from . import (
    analysis_templates,
    bluegreen_revisions,
    bluegreen_services,
    canary_steps,
    dropped_fields,
    leader_election,
    name_conflict,
    null_fields,
    pod_template,
    progress_deadline,
    readiness,
    recreate,
    rollout_crd,
    selector,
    shared_election,
    surge,
    traffic_services,
)

RULES: Sequence[Rule[ArgoRolloutsSpec, ArgoTarget]] = [
    rollout_crd,
    name_conflict,
    recreate,
    selector,
    pod_template,
    null_fields,
    readiness,
    leader_election,
    shared_election,
    progress_deadline,
    surge,
    traffic_services,
    bluegreen_services,
    bluegreen_revisions,
    analysis_templates,
    canary_steps,
    dropped_fields,
]
"""In the order they run."""
