"""The conversion itself: a Deployment (plain data) and its strategy block in, a Rollout (plain data) out."""

from __future__ import annotations

from typing import Any

from ...new_resources import metadata_from, stamped
from .api import ROLLOUT

CARRIED_FIELDS = (
    "replicas",
    "selector",
    "template",
    "minReadySeconds",
    "revisionHistoryLimit",
    "progressDeadlineSeconds",
    "paused",
)
"""Deployment spec fields that mean the same in a Rollout spec."""


def to_rollout(deployment: dict[str, Any], strategy: dict[str, Any], template: Any, abort: bool = False) -> dict[str, Any]:
    """The Rollout that replaces `deployment`, with `template` as its pod template, keys in the Deployment's order.

    Metadata is kept whole, internal annotations included: kpt matches output to input by
    them, and only then keeps the file, comments and key order. It gains the `converted-by`
    annotation. `status` is dropped.
    The Rollout shares subtrees with `deployment`, which it replaces; neither is mutated.
    It is planned before the checks run: a `spec` of the wrong type (the `shape` rule's to
    report) is carried as it is. `abort`: `progressDeadlineAbort` (see `_abort`).
    """
    rollout: dict[str, Any] = {}
    for key, value in deployment.items():
        if key == "apiVersion":
            rollout[key] = ROLLOUT.api_version
        elif key == "kind":
            rollout[key] = ROLLOUT.kind
        elif key == "spec" and isinstance(value, dict):
            rollout[key] = _rollout_spec(value, strategy, template, abort)
        elif key == "metadata":
            rollout[key] = stamped(value)
        elif key != "status":
            rollout[key] = value
    return rollout


def _rollout_spec(spec: dict[str, Any], strategy: dict[str, Any], template: Any, abort: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if key == "template":
            out[key] = template
        elif key in CARRIED_FIELDS:
            out[key] = value
        elif key == "strategy":
            out["strategy"] = strategy
    out.setdefault("strategy", strategy)
    return _abort(out, abort)


def _abort(spec: dict[str, Any], abort: bool) -> dict[str, Any]:
    """`progressDeadlineAbort: true` where asked: an update whose pods are not Ready within
    `progressDeadlineSeconds` is aborted (the old version back at full scale), where by default the
    controller only marks it degraded and waits, the canary holding its pods, forever."""
    return {**spec, "progressDeadlineAbort": True} if abort else spec


def workload_ref_rollout(deployment: dict[str, Any], strategy: dict[str, Any], scale_down: str, abort: bool = False) -> dict[str, Any]:
    """A new Rollout that runs `deployment`'s pod template and scales the Deployment down as it comes up.

    The Deployment stays in the list unchanged; the Rollout is a new resource, so it carries
    none of the Deployment's bookkeeping annotations.
    """
    source = deployment.get("spec")
    source = source if isinstance(source, dict) else {}
    spec: dict[str, Any] = {}
    for key in ("replicas", "selector", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"):
        if key in source:
            spec[key] = source[key]
    name = deployment["metadata"]["name"]
    spec["workloadRef"] = {"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "scaleDown": scale_down}
    spec["strategy"] = strategy
    spec = _abort(spec, abort)
    return {
        "apiVersion": ROLLOUT.api_version,
        "kind": ROLLOUT.kind,
        "metadata": stamped(metadata_from(deployment, name, ROLLOUT.kind)),
        "spec": spec,
    }


def dropped_fields(deployment_spec: dict[str, Any]) -> list[str]:
    """Spec fields a Rollout has no place for (other than `strategy`, which is replaced)."""
    return [key for key in deployment_spec if key not in CARRIED_FIELDS and key != "strategy"]
