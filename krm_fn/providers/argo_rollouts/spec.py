"""The Argo Rollouts provider's config: its spec model, and the checks that span steps and routing.

Validated like the controller validates a Rollout (pkg/apis/rollouts/validation), so that
a config it would refuse fails at render time, naming the field.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationInfo, WithJsonSchema, field_validator, model_validator

from ...config.models import FieldError, FromString, ProviderSpec
from .bluegreen import BlueGreenOptions
from .options import CanaryOptions
from .routing import EXPERIMENT_WEIGHT_ROUTERS, HEADER_ROUTERS, MIRROR_ROUTERS, managed_routes, routers
from .steps import STEP_KINDS, CanaryStep, default_steps
from .surges import never_replaces

_INT_OR_PERCENT = re.compile(r"^[0-9]+%?$")
_STRATEGY_FIELDS = {
    "canary": ("canarySteps", "maxSurge", "maxUnavailable", "canary", "leaderElection", "leaderElected"),
    "blueGreen": ("blueGreen",),
}
"""The fields each strategy reads (of those only one of them reads)."""
_NEEDS_ROUTING = "needs canary.trafficRouting (the controller rejects it without)"


def _int_or_percent(value: Any) -> int | str | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return value
    if isinstance(value, str) and _INT_OR_PERCENT.match(value):
        return str(value)
    raise ValueError(f'must be a non-negative integer or a percentage such as "25%" (got {value!r})')


IntOrPercent = Annotated[
    Any,
    AfterValidator(_int_or_percent),
    FromString(lambda text: int(text) if text.isdigit() else text),  # ConfigMap: "1" is one pod
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": "^[0-9]+%$"}, {"type": "null"}]}),
]


class ArgoRolloutsSpec(ProviderSpec):
    canarySteps: list[CanaryStep] = Field(
        default_factory=default_steps,
        description="Argo canary steps, each exactly one of " + ", ".join(STEP_KINDS) + "; default: 25%, then wait for promotion",
    )
    maxSurge: IntOrPercent = Field(
        None, description='pods (1) or percent ("25%"); default: the Deployment\'s rollingUpdate.maxSurge, else 1'
    )
    maxUnavailable: IntOrPercent = Field(
        None, description="pods or percent, never both zero; default: the Deployment's rollingUpdate.maxUnavailable, else 0"
    )
    migration: Literal["convert", "workloadRef"] = Field(
        "convert", description="convert: the Rollout replaces the Deployment; workloadRef: a Rollout drives the kept Deployment"
    )
    scaleDown: Literal["progressively", "onsuccess", "never"] = Field(
        "progressively", description="workloadRef only: how the Deployment is scaled down as the Rollout comes up"
    )
    canary: CanaryOptions = Field(default_factory=CanaryOptions, description="the rest of Argo's canary strategy, copied to every Rollout")
    leaderElection: Literal["handover", "keep", "error"] = Field(
        "handover",
        description="a leader-elected Deployment, whose canary would run the new version as a standby: handover replaces the"
        " steps with a plan in which the new version leads until promotion; keep runs the configured steps, with a warning;"
        " error refuses it",
    )
    leaderElected: dict[str, bool] = Field(
        default_factory=dict, description="Deployment names whose leader election the detection gets wrong: true (it has one) or false"
    )
    progressDeadlineAbort: bool = Field(
        True, description="abort an update whose new pods are not Ready within progressDeadlineSeconds, instead of waiting forever"
    )
    strategy: Literal["canary", "blueGreen"] = Field(
        "canary", description="canary: traffic or pods move step by step; blueGreen: a preview beside the active version, then a switch"
    )
    blueGreen: BlueGreenOptions = Field(default_factory=BlueGreenOptions, description="Argo's blueGreen strategy, for strategy: blueGreen")
    checkExisting: Literal["warning", "error", "off"] = Field(
        "warning", description="Rollouts already in the list pass through unchanged; what their problems become: warning, error, off"
    )

    @field_validator("canarySteps", "maxSurge", "maxUnavailable", "canary", "blueGreen", "leaderElection", "leaderElected", mode="before")
    @classmethod
    def _for_the_strategy(cls, value: Any, info: ValidationInfo) -> Any:
        """A field only the other strategy reads is a mistake worth naming (checked with the other fields)."""
        strategy = (info.context or {}).get("strategy", "canary")
        if info.field_name not in _STRATEGY_FIELDS.get(strategy, (info.field_name,)):
            raise ValueError(
                f"is for strategy: {'blueGreen' if strategy == 'canary' else 'canary'}, and this config says strategy: {strategy}"
            )
        return value

    @model_validator(mode="after")
    def _checks(self) -> ArgoRolloutsSpec:
        for i, step in enumerate(self.canarySteps):
            _routed_step(step, ("canarySteps", i), self.canary.trafficRouting)
        if never_replaces(self.maxSurge, self.maxUnavailable):
            raise FieldError(("maxUnavailable",), "maxSurge and maxUnavailable must not both be zero: no pod could ever be replaced")
        return self


def _routed_step(step: CanaryStep, loc: tuple[str | int, ...], routing: dict[str, Any] | None) -> None:
    """Steps that act on the traffic router need one, of a kind that can (validation.go, steps)."""
    present = routers(routing)
    for kind, able in (("setHeaderRoute", HEADER_ROUTERS), ("setMirrorRoute", MIRROR_ROUTERS), ("setCanaryScale", None)):
        block = getattr(step, kind)
        if block is None:
            continue
        if routing is None:
            raise FieldError((*loc, kind), _NEEDS_ROUTING)
        if able is None:
            continue
        if not present & set(able):
            raise FieldError((*loc, kind), f"needs one of the {', '.join(able)} traffic routers (the controller rejects it without)")
        if str(block.get("name")) not in managed_routes(routing):
            raise FieldError((*loc, kind, "name"), f"{block.get('name')!r} must be listed in canary.trafficRouting.managedRoutes")
    templates = (step.experiment or {}).get("templates")
    for k, template in enumerate(templates if isinstance(templates, list) else []):
        if isinstance(template, dict) and template.get("weight") is not None and not present & set(EXPERIMENT_WEIGHT_ROUTERS):
            where = (*loc, "experiment", "templates", k, "weight")
            raise FieldError(
                where, f"needs one of the {', '.join(EXPERIMENT_WEIGHT_ROUTERS)} traffic routers (the controller rejects it without)"
            )


def validation_context(raw_spec: object) -> dict[str, object]:
    """What field validators need of the rest of the spec: the strategy, and the highest canary
    weight, which `setWeight` is checked against (`maxTrafficWeight`, default 100)."""
    raw = raw_spec if isinstance(raw_spec, dict) else {}
    strategy = raw.get("strategy", "canary")
    # A strategy that is not a string is the Literal's to report; no field is then out of place.
    context: dict[str, object] = {"strategy": strategy if isinstance(strategy, str) else None}
    canary = raw.get("canary")
    routing = canary.get("trafficRouting") if isinstance(canary, dict) else None
    weight = routing.get("maxTrafficWeight") if isinstance(routing, dict) else None
    if isinstance(weight, int) and not isinstance(weight, bool) and weight > 0:
        context["maxTrafficWeight"] = weight
    return context
