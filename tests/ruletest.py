"""Run one render-time rule over a tiny list, as the orchestration runs it, and say what it found.

`found(rule, items, spec)` plans the selected Deployments with the Argo Rollouts provider and runs
`rule` alone: over each target, or over all (its `TRAITS`), or (`existing=True`) over the Rollouts
already in the list. Each result comes back as `(severity, field, message)`.
"""

from __future__ import annotations

import copy
from types import ModuleType
from typing import Any

from krm_fn.inventory import Inventory
from krm_fn.provider_api import Context, Target
from krm_fn.providers.argo_rollouts import PROVIDER
from krm_fn.providers.argo_rollouts.existing import check_existing
from krm_fn.resource import Resource
from krm_fn.select import is_selected

Found = list[tuple[str, str | None, str]]

CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "rollouts.argoproj.io"},
    "spec": {
        "group": "argoproj.io",
        "names": {"kind": "Rollout", "plural": "rollouts"},
        "scope": "Namespaced",
        "versions": [{"name": "v1alpha1", "served": True, "storage": True}],
    },
}


def deployment(name: str = "web", namespace: str = "shop", **spec: Any) -> dict[str, Any]:
    """A Deployment of one container whose pods carry `app: <name>`; `spec` entries replace or add spec fields."""
    labels = {"app": name}
    body: dict[str, Any] = {
        "replicas": 2,
        "selector": {"matchLabels": dict(labels)},
        "template": {"metadata": {"labels": dict(labels)}, "spec": {"containers": [{"name": "app", "image": f"example.test/{name}:1"}]}},
    }
    body.update(spec)
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": namespace}, "spec": body}


def service(name: str = "web", app: str = "web", namespace: str = "shop") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"selector": {"app": app}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]},
    }


def rollout(name: str = "web", namespace: str = "shop", strategy: dict[str, Any] | None = None, **spec: Any) -> dict[str, Any]:
    """A Rollout already in the list: the Deployment of that name, as a Rollout with `strategy`."""
    made = deployment(name, namespace, **spec)
    made.update(apiVersion="argoproj.io/v1alpha1", kind="Rollout")
    made["spec"]["strategy"] = strategy or {"canary": {"steps": [{"setWeight": 25}, {"pause": {}}]}}
    return made


def found(rule: ModuleType, items: list[dict[str, Any]], spec: dict[str, Any] | None = None, *, existing: bool = False) -> Found:
    raw = {"enabled": True, **(spec or {})}
    config = PROVIDER.spec_model.model_validate(raw, context=PROVIDER.validation_context(raw))
    inventory = Inventory([Resource(copy.deepcopy(item)) for item in items])
    if existing:
        results = [r for r in check_existing(config, inventory, [rule], PROVIDER) if r.rule == rule.ID]
    else:
        selected = [Target(i, r) for i, r in enumerate(inventory.resources) if is_selected(r, config.selector)]
        targets = list(PROVIDER.plan(config, inventory, selected))
        contexts = [[target] for target in targets] if rule.TRAITS.per_target else [targets]
        results = [result for chosen in contexts for result in rule.check(Context(config, inventory, chosen, PROVIDER))]
    return [(result.severity, result.field, result.message) for result in results]
