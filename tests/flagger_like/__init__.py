"""A test-only provider in the manner of Flagger: the Deployment stays, and a `Canary` beside it drives it.

It shows the seam (`krm_fn.provider_api`) carries a provider whose conversion keeps the
Deployment and adds an object beside it, whose autoscalers keep their target, and whose
earlier conversions are the Canaries in the list; it needs nothing outside this package
but an entry in `krm_fn.registry.PROVIDERS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from krm_fn.inventory import Inventory
from krm_fn.new_resources import metadata_from
from krm_fn.provider_api import CRD, Conversion, Provider, Replacement, Rule, Target
from krm_fn.resource import Resource
from krm_fn.results import Result, info

from .rules import RULES
from .spec import CANARY, FlaggerLikeSpec


class FlaggerLike:
    name = "flagger-like"
    spec_model = FlaggerLikeSpec
    crd = CRD("canaries.flagger.app", "v1beta1", "https://example.test/flagger/canary-crd.yaml")
    workload = CANARY
    rules: Sequence[Rule[FlaggerLikeSpec, Target]] = RULES

    def validation_context(self, raw_spec: object) -> dict[str, object]:
        return {}

    def converted(self, inventory: Inventory) -> list[Resource]:
        return inventory.of_kind(CANARY.group, CANARY.kind)

    def plan(self, spec: FlaggerLikeSpec, inventory: Inventory, selected: Iterable[Target]) -> Iterator[Target]:
        driven = {(canary.namespace, str(canary.get("spec", "targetRef", "name"))) for canary in self.converted(inventory)}
        return (target for target in selected if (target.deployment.namespace, target.deployment.name) not in driven)

    def convert(self, spec: FlaggerLikeSpec, target: Target) -> Conversion:
        deployment = target.deployment
        canary = {
            "apiVersion": CANARY.api_version,
            "kind": CANARY.kind,
            "metadata": metadata_from(deployment.obj, deployment.name, CANARY.kind),
            "spec": {
                "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment.name},
                "analysis": {"interval": "1m", "threshold": 5, "maxWeight": spec.maxWeight, "stepWeight": spec.stepWeight},
            },
        }
        # The Canary shares nothing with the Deployment's text: a Resource of its own, written anew.
        return Conversion(
            [deployment, Resource(canary)], [info(f"a Canary now drives it (up to {spec.maxWeight}%)", deployment, rule="convert")]
        )

    def replacement(self, spec: FlaggerLikeSpec) -> Replacement | None:
        return None  # the Deployment stays: its autoscalers, and all else that refers to it, still find it

    def check_existing(self, spec: FlaggerLikeSpec, inventory: Inventory) -> list[Result]:
        return []


PROVIDER: Provider[FlaggerLikeSpec, Target] = FlaggerLike()
