"""Reading nested fields of items that may have any shape: a wrong type reads as empty.

Items come from users; a `spec: 5` must give a readable error (the `shape` rule), never a
crash halfway through the list.
"""

from __future__ import annotations

from typing import Any


def get_map(obj: Any, *path: str) -> dict[str, Any]:
    """The mapping at `path` under `obj`, or {} if any step is missing or not a mapping."""
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj if isinstance(obj, dict) else {}


def get_list(obj: Any, *path: str) -> list[Any]:
    """The sequence at `path` under `obj`, or [] if any step is missing or of another type."""
    *head, last = path
    found = get_map(obj, *head).get(last)
    return found if isinstance(found, list) else []


def pod_labels(workload: dict[str, Any]) -> dict[str, Any]:
    """The pod template's labels of a Deployment-like workload (CronJobs: the job's pods)."""
    if workload.get("kind") == "CronJob":
        return get_map(workload, "spec", "jobTemplate", "spec", "template", "metadata", "labels")
    return get_map(workload, "spec", "template", "metadata", "labels")
