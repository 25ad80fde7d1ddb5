"""The Argo Rollouts provider's config: its spec model, and the checks that span steps and routing.

Validated like the controller validates a Rollout (pkg/apis/rollouts/validation), so that
a config it would refuse fails at render time, naming the field.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, WithJsonSchema, model_validator

from ...config.models import Enabled, FieldError, FromString, Model, ProviderName, RequireCRD, Selector, SelectorField
from ..registry import DEFAULT_PROVIDER
from .canary import never_replaces
from .options import CanaryOptions
from .routing import EXPERIMENT_WEIGHT_ROUTERS, HEADER_ROUTERS, MIRROR_ROUTERS, managed_routes, routers
from .steps import STEP_KINDS, CanaryStep, default_steps

_INT_OR_PERCENT = re.compile(r"^[0-9]+%?$")
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


class ArgoRolloutsSpec(Model):
    enabled: Enabled = False
    provider: ProviderName = DEFAULT_PROVIDER
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
    selector: SelectorField = Field(default_factory=Selector)
    requireCRD: RequireCRD = True
    migration: Literal["convert", "workloadRef"] = Field(
        "convert", description="convert: the Rollout replaces the Deployment; workloadRef: a Rollout drives the kept Deployment"
    )
    scaleDown: Literal["progressively", "onsuccess", "never"] = Field(
        "progressively", description="workloadRef only: how the Deployment is scaled down as the Rollout comes up"
    )
    canary: CanaryOptions = Field(default_factory=CanaryOptions, description="the rest of Argo's canary strategy, copied to every Rollout")

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


def validation_context(raw_spec: Any) -> dict[str, Any]:
    """The highest canary weight, which `setWeight` is checked against (`maxTrafficWeight`, default 100)."""
    canary = raw_spec.get("canary") if isinstance(raw_spec, dict) else None
    routing = canary.get("trafficRouting") if isinstance(canary, dict) else None
    weight = routing.get("maxTrafficWeight") if isinstance(routing, dict) else None
    return {"maxTrafficWeight": weight} if isinstance(weight, int) and not isinstance(weight, bool) and weight > 0 else {}
