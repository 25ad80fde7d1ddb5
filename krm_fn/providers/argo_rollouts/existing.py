"""Rollouts already in the list (a chart's own, a hand-written one): checked, never changed.

They pass through as they came, but the controller will judge them after the apply as it
judges the ones the function makes, so the same checks run on them: their strategy through
the config models (as if the strategy were a config), their template and Services through
the rules marked `EXISTING`. `checkExisting` says what a problem becomes: a warning (the
default), an error (the run fails, all or nothing), or nothing (`off`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from ...config.errors import to_results
from ...fieldpath import Loc
from ...inventory import Inventory
from ...provider_api import Context, Rule, Workloads
from ...resource import Resource, parse_all
from ...results import Result, error, warning
from .api import ROLLOUT
from .bluegreen import BlueGreenOptions
from .crd_structure import without_refused_nulls
from .options import CanaryOptions
from .plan import ArgoTarget
from .spec import ArgoRolloutsSpec, validation_context
from .steps import CanaryStep
from .template import Accepted, accept

RULE = "existing-rollout"


def check_existing(
    spec: ArgoRolloutsSpec, inventory: Inventory, rules: Sequence[Rule[ArgoRolloutsSpec, ArgoTarget]], provider: Workloads
) -> list[Result]:
    if spec.checkExisting == "off":
        return []
    found: list[Result] = []
    rollouts = inventory.of_kind(ROLLOUT.group, ROLLOUT.kind)
    parse_all(rollouts)
    for index, rollout in enumerate(rollouts):
        own, problems = _strategy_as_config(rollout)
        found.extend(problems)
        if own is None:  # the rest is still checked, against the strategy's defaults
            blue_green = "blueGreen" in rollout.get_map("spec", "strategy")
            own = ArgoRolloutsSpec(enabled=True, strategy="blueGreen" if blue_green else "canary")
        view = _resolved(rollout, inventory)
        template = accept(view.get("spec", "template")) if view.has("spec", "template") else Accepted(None)
        services = inventory.services_selecting(rollout.namespace, view.pod_labels)
        _, nulls = without_refused_nulls(rollout.obj, inventory)
        strategy = rollout.get_map("spec", "strategy")
        target = ArgoTarget(index, view, strategy, services, [], template, rollout.obj, nulls, existing=True)
        context = Context(own, inventory, [target], provider)
        for rule in rules:
            if rule.TRAITS.existing and (template.template is not None or not rule.TRAITS.needs_template):
                found.extend(rule.check(context))
    if spec.checkExisting == "error":
        return found
    return [warning(r.message, r.resource, r.field, r.rule) if r.severity == "error" else r for r in found]


def _resolved(rollout: Resource, inventory: Inventory) -> Resource:
    """With `workloadRef`, the referenced Deployment's template, as the controller takes it; else the Rollout."""
    ref = rollout.get_map("spec", "workloadRef")
    if not ref:
        return rollout
    deployment = inventory.find("apps", "Deployment", rollout.namespace, str(ref.get("name")))
    if deployment is None or not deployment.has("spec", "template"):
        return Resource({**rollout.obj, "spec": {k: v for k, v in rollout.get_map("spec").items() if k != "template"}})
    return Resource({**rollout.obj, "spec": {**rollout.get_map("spec"), "template": deployment.get("spec", "template")}})


def _known(block: Any, model: type[BaseModel]) -> Any:
    """The fields the config models check (the CRD's schema covers the rest); not a mapping, as it is, for the model to say so."""
    return {k: v for k, v in block.items() if k in model.model_fields} if isinstance(block, dict) else block


def _strategy_as_config(rollout: Resource) -> tuple[ArgoRolloutsSpec | None, list[Result]]:
    strategy = rollout.get_map("spec", "strategy")
    canary, blue_green = strategy.get("canary"), strategy.get("blueGreen")
    for kind, block in (("canary", canary), ("blueGreen", blue_green)):
        if block is not None and not isinstance(block, dict):
            return None, [error(f"must be a mapping (got {block!r})", rollout, f"spec.strategy.{kind}", RULE)]
    if isinstance(blue_green, dict):
        # Argo's default promotes on its own; the config's default (false) is the function's safe choice.
        raw: dict[str, Any] = {"strategy": "blueGreen", "blueGreen": {"autoPromotionEnabled": True, **_known(blue_green, BlueGreenOptions)}}
    elif isinstance(canary, dict):
        steps = canary.get("steps") or []
        # Steps that are not a list are passed as they are, for the model to say so.
        raw = {
            "canarySteps": [_known(s, CanaryStep) for s in steps] if isinstance(steps, list) else steps,
            "canary": _known(canary, CanaryOptions),
        }
        raw.update({k: canary[k] for k in ("maxSurge", "maxUnavailable") if k in canary})
    else:
        return None, []  # the CRD's schema and the controller's "exactly one strategy" say the rest
    try:
        return ArgoRolloutsSpec.model_validate({"enabled": True, **raw}, context=validation_context(raw)), []
    except ValidationError as err:
        return None, [
            Result(r.severity, r.message, rollout, r.field, RULE)
            for r in to_results(err, rollout.obj, lambda loc: _rollout_field(loc, strategy))
        ]


def _rollout_field(loc: Loc, strategy: dict[str, Any]) -> Loc:
    """Where a config location is in the Rollout: `("canarySteps", 0)` -> `spec.strategy.canary.steps[0]`."""
    kind = "blueGreen" if "blueGreen" in strategy else "canary"
    head, *rest = loc
    if head == "canarySteps":
        return ("spec", "strategy", "canary", "steps", *rest)
    if head in ("canary", "blueGreen"):
        return ("spec", "strategy", kind, *rest)
    return ("spec", "strategy", kind, head, *rest)
