"""The conversion itself: a Deployment (plain data) and a Spec in, a Rollout (plain data) out."""

from __future__ import annotations

from typing import Any

from .config import Spec

ROLLOUT_API_VERSION = "argoproj.io/v1alpha1"
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

SAFE_DEFAULTS = {"maxSurge": 1, "maxUnavailable": 0}
"""One extra pod at a time and never one fewer: the slowest, safest canary."""


def rolling_update(deployment: dict[str, Any]) -> dict[str, Any]:
    strategy = (deployment.get("spec") or {}).get("strategy") or {}
    found = strategy.get("rollingUpdate") if isinstance(strategy, dict) else None
    return found if isinstance(found, dict) else {}


def surge_setting(spec: Spec, deployment: dict[str, Any], key: str) -> tuple[Any, str]:
    """The value for `maxSurge`/`maxUnavailable` and where it came from (a field path, or "default")."""
    configured = getattr(spec, key)
    if configured is not None:
        return configured, f"functionConfig spec.{key}"
    carried = rolling_update(deployment).get(key)
    if carried is not None:
        return carried, f"spec.strategy.rollingUpdate.{key}"
    return SAFE_DEFAULTS[key], "default"


def canary_strategy(spec: Spec, deployment: dict[str, Any]) -> dict[str, Any]:
    """`strategy.canary` for one Deployment: the configured steps and surge settings."""
    return {
        "maxSurge": surge_setting(spec, deployment, "maxSurge")[0],
        "maxUnavailable": surge_setting(spec, deployment, "maxUnavailable")[0],
        "steps": [step.to_argo() for step in spec.canarySteps],
    }


def to_rollout(deployment: dict[str, Any], canary: dict[str, Any]) -> dict[str, Any]:
    """The Rollout that replaces `deployment`, keys in the Deployment's order.

    Metadata is kept whole, internal annotations included: kpt matches output to input by
    them, and only then keeps the file, comments and key order. `status` is dropped.
    The Rollout shares subtrees with `deployment`, which it replaces; neither is mutated.
    """
    rollout: dict[str, Any] = {}
    for key, value in deployment.items():
        if key == "apiVersion":
            rollout[key] = ROLLOUT_API_VERSION
        elif key == "kind":
            rollout[key] = "Rollout"
        elif key == "spec":
            rollout[key] = _rollout_spec(value, canary)
        elif key != "status":
            rollout[key] = value
    return rollout


def _rollout_spec(spec: dict[str, Any], canary: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if key in CARRIED_FIELDS:
            out[key] = value
        elif key == "strategy":
            out["strategy"] = {"canary": canary}
    out.setdefault("strategy", {"canary": canary})
    return out


def dropped_fields(deployment: dict[str, Any]) -> list[str]:
    """Spec fields a Rollout has no place for (other than `strategy`, which is replaced)."""
    spec = deployment.get("spec") or {}
    return [key for key in spec if key not in CARRIED_FIELDS and key != "strategy"]
