"""maxSurge and maxUnavailable: where each comes from, and when the two can never replace a pod."""

from __future__ import annotations

import re
from typing import Any, Protocol

from ...resource import Resource


class Configured(Protocol):
    """Where the configured values are read from (the config's spec)."""

    maxSurge: Any
    maxUnavailable: Any


SAFE_DEFAULTS = {"maxSurge": 1, "maxUnavailable": 0}
"""One extra pod at a time and never one fewer: the slowest, safest canary."""


_COUNT = re.compile(r"[0-9]+%?\Z")


def is_count(value: Any) -> bool:
    """A value the controller can scale: a number of pods, or a string of digits (with `%`, a percentage)."""
    if isinstance(value, int):
        return not isinstance(value, bool) and value >= 0
    return isinstance(value, str) and _COUNT.match(value) is not None


def is_zero(value: Any) -> bool:
    return value == 0 or (isinstance(value, str) and value.rstrip("%") == "0")


def never_replaces(max_surge: Any, max_unavailable: Any) -> bool:
    """Both zero: the controller could never replace a pod (it marks the Rollout InvalidSpec)."""
    return is_zero(max_surge) and is_zero(max_unavailable)


KUBERNETES_DEFAULT = "25%"
"""What a Deployment runs with for a `rollingUpdate` field it does not set."""


def surge_settings(configured: Configured, deployment: Resource, configured_at: str = "functionConfig spec") -> dict[str, tuple[Any, str]]:
    """`maxSurge` and `maxUnavailable`, each with where it came from (a field path, or "default").

    The configured value (the config's, or an existing Rollout's), else the Deployment's, else the safe default; but where the safe
    default would make both zero (a Deployment that sets only `maxSurge: 0`), the value the
    Deployment ran with, Kubernetes' 25%.
    """
    rolling = deployment.get_map("spec", "strategy", "rollingUpdate")
    found: dict[str, tuple[Any, str]] = {}
    for key in SAFE_DEFAULTS:
        value, carried = getattr(configured, key), rolling.get(key)
        if value is not None:
            found[key] = value, f"{configured_at}.{key}"
        elif carried is not None:
            found[key] = carried, f"spec.strategy.rollingUpdate.{key}"
    for key, safe in SAFE_DEFAULTS.items():
        if key not in found:
            other = next(found[k][0] for k in SAFE_DEFAULTS if k != key) if len(found) == 1 else None
            found[key] = (KUBERNETES_DEFAULT, "the Deployment's default") if never_replaces(safe, other) else (safe, "default")
    return {key: found[key] for key in SAFE_DEFAULTS}
