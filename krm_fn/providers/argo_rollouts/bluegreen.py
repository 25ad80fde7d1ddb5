"""The blueGreen strategy: a new version comes up beside the old one behind a preview Service,
and the active Service switches to it on promotion (Argo's `strategy.blueGreen`).

For workloads that cannot serve two versions at once behind one Service. The safe default
waits: `autoPromotionEnabled: false`, so a new version stays on the preview Service until
`kubectl argo rollouts promote`. The active Service, when not named, is the one Service in
the list that selects the Deployment's pods; `previewService: generate` clones it.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from ...config.models import FieldError, Model
from ...inventory import Inventory
from ...resource import Resource
from .options import check_anti_affinity
from .services import GENERATE, StrategyPlan, clone_if_missing, generated_name


class BlueGreenOptions(Model):
    """Argo's blueGreen strategy, checked as the controller checks it (validation.go, blue-green)."""

    activeService: str | None = Field(
        None, description="the Service that sends traffic to the active version; default: the one selecting the pods"
    )
    previewService: str | None = Field(
        None, description=f'a Service for the new version before promotion, or "{GENERATE}": clone the active one as SERVICE-preview'
    )
    autoPromotionEnabled: bool = Field(
        False, description="false (the safe default): a new version waits for `kubectl argo rollouts promote`"
    )
    autoPromotionSeconds: int | None = Field(None, ge=0, description="with autoPromotionEnabled: seconds to wait before promoting")
    previewReplicaCount: int | None = Field(None, ge=0, description="pods of the new version before promotion; default: all")
    scaleDownDelaySeconds: int | None = Field(None, ge=0, description="seconds the old version stays after a promotion (default 30)")
    scaleDownDelayRevisionLimit: int | None = Field(
        None, ge=0, description="old versions kept up during the delay; at most revisionHistoryLimit"
    )
    abortScaleDownDelaySeconds: int | None = Field(None, ge=0, description="seconds before an aborted new version is scaled down")
    prePromotionAnalysis: dict[str, Any] | None = Field(None, description="analysis that must pass before the switch")
    postPromotionAnalysis: dict[str, Any] | None = Field(None, description="analysis after the switch; failing it switches back")
    antiAffinity: dict[str, Any] | None = Field(None, description="keep the two versions' pods apart: exactly one of preferred or required")
    activeMetadata: dict[str, Any] | None = Field(None, description="labels and annotations for the active pods")
    previewMetadata: dict[str, Any] | None = Field(None, description="labels and annotations for the preview pods")

    @model_validator(mode="after")
    def _controller_rules(self) -> BlueGreenOptions:
        if self.autoPromotionSeconds is not None and not self.autoPromotionEnabled:
            raise FieldError(
                ("autoPromotionSeconds",),
                "takes effect only with autoPromotionEnabled: true (the default, false, waits for a manual promote)",
            )
        if self.activeService == GENERATE:
            raise FieldError(
                ("activeService",), f"is a Service name, or unset for the one selecting the pods; {GENERATE} is for previewService"
            )
        if self.activeService and self.activeService == self.previewService:
            raise FieldError(("previewService",), "must differ from activeService: the controller needs two Services")
        if self.antiAffinity is not None:
            check_anti_affinity(self.antiAffinity)
        return self

    def to_argo(self) -> dict[str, Any]:
        # autoPromotionEnabled is written even at its default: Argo's own default is true.
        return self.model_dump(exclude_none=True)


def plan_blue_green(options: BlueGreenOptions, deployment: Resource, inventory: Inventory) -> StrategyPlan:
    """`strategy.blueGreen` for one Deployment; an active Service it cannot find is left unset for the rule to report."""
    block = options.to_argo()
    services = inventory.services_selecting(deployment.namespace, deployment.pod_labels)
    generated: list[Resource] = []
    if not options.activeService and len(services) == 1:
        block = {"activeService": services[0].name, **block}
    active = block.get("activeService")
    if options.previewService == GENERATE and active:
        block["previewService"] = generated_name(str(active), "preview")
        source = next((s for s in services if s.name == active), None)
        if source is not None:
            generated = clone_if_missing(inventory, source, block["previewService"])
    return StrategyPlan({"blueGreen": block}, services, generated)
