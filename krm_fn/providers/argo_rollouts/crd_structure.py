"""The Rollout CRD's structure (`krm_fn.structural`): the CRD's in the list, else the pinned release's.

The Rollouts meet the CRD in the list (applied with them) or, where the list has none,
the one installed beside: the pinned structure (`rollout-structure.json`) stands for it.
It is derived from the CRD of Argo Rollouts v1.10.2 (`manifests/crds/rollout-crd.yaml`,
the release `scripts/fetch-rollout-crd.sh` pins; v1.9.1's has the same structure), and a
test keeps it current (`UPDATE_GOLDEN=1 scripts/test.sh -k pinned_structure` derives it again).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from ... import structural
from ...fieldpath import Loc
from ...inventory import Inventory
from ...resource import Resource
from .api import ROLLOUT_CRD

PINNED = Path(__file__).with_name("rollout-structure.json")


def version_schema(crd: Resource, version: str) -> Any:
    """The `openAPIV3Schema` a CRD gives `version` (apiextensions v1; v1beta1's `spec.validation` too)."""
    for served in crd.get_list("spec", "versions"):
        if isinstance(served, dict) and served.get("name") == version and isinstance(served.get("schema"), dict):
            return served["schema"].get("openAPIV3Schema")
    return crd.get("spec", "validation", "openAPIV3Schema")


@functools.cache
def pinned_structure() -> structural.Structure:
    return json.loads(PINNED.read_text())["structure"]


def rollout_structure(inventory: Inventory) -> structural.Structure:
    """The structure of the first Rollout CRD in the list, else the pinned one."""
    for crd in inventory.of_kind("apiextensions.k8s.io", "CustomResourceDefinition"):
        if crd.name == ROLLOUT_CRD.name:
            # Without its descriptions: two thirds of the text, and nothing here reads them.
            return structural.structure_of(version_schema(crd.without("description"), ROLLOUT_CRD.version))
    return pinned_structure()


def without_refused_nulls(rollout: dict[str, Any], inventory: Inventory) -> tuple[dict[str, Any], list[Loc]]:
    """The Rollout without the nulls its CRD's schema refuses, and where they were.

    The schema is read only for a Rollout that holds a null, once a run.
    """
    if not structural.holds_null(rollout):
        return rollout, []
    kept, dropped = structural.without_refused_nulls(rollout, inventory.derived("rollout-structure", rollout_structure))
    return kept, dropped
