"""Config -> transform -> results: the whole run over a parsed ResourceList, no I/O."""

from __future__ import annotations

from typing import Any

from . import labelselector
from .config import GENERATE, Spec, load_config
from .convert import canary_service, canary_strategy, to_rollout, workload_ref_rollout
from .fields import get_map, pod_labels
from .results import Result, has_errors, info
from .retarget import retarget
from .rules import AFTER_RULES, RULES, After, Context, Target
from .select import is_rollout, is_selected, name_of, namespace_of


def run(items: list[dict[str, Any]], fn_config: Any) -> tuple[list[dict[str, Any]], list[Result]]:
    """The output items and the results. On any error the items come back unchanged."""
    spec, results = load_config(fn_config)
    if spec is None:
        return items, results
    if not spec.enabled:
        return items, [info("spec.enabled is false: nothing converted, every item passed through unchanged")]
    return convert_selected(items, spec)


def services_by_namespace(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        if item.get("kind") == "Service" and item.get("apiVersion") == "v1":
            found.setdefault(namespace_of(item), []).append(item)
    return found


def selecting_services(services: dict[str, list[dict[str, Any]]], deployment: dict[str, Any]) -> list[dict[str, Any]]:
    """The Services that select `deployment`'s pods (same namespace)."""
    labels = pod_labels(deployment)
    return [
        service
        for service in services.get(namespace_of(deployment), [])
        if labelselector.service_matches(get_map(service, "spec", "selector"), labels)
    ]


def workload_refs(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Deployments that a Rollout in the list already drives through `workloadRef`."""
    found = set()
    for item in items:
        ref = get_map(item, "spec").get("workloadRef") if is_rollout(item) else None
        if isinstance(ref, dict) and ref.get("kind") == "Deployment":
            found.add((namespace_of(item), str(ref.get("name"))))
    return found


def plan(items: list[dict[str, Any]], spec: Spec) -> list[Target]:
    # In workloadRef mode a Deployment already driven by a Rollout is done: a second run is a no-op.
    done = workload_refs(items) if spec.migration == "workloadRef" else set()
    # Only canaryService: generate needs the selecting Services (and matching them costs).
    services_in = services_by_namespace(items) if spec.canary.canaryService == GENERATE else {}
    names = {(ns, name_of(s)) for ns, found in services_in.items() for s in found}
    targets = []
    for index, item in enumerate(items):
        if not is_selected(item, spec.selector) or (namespace_of(item), name_of(item)) in done:
            continue
        services = selecting_services(services_in, item)
        canary = canary_strategy(spec, item, services)
        generated = []
        wanted = canary.get("canaryService")
        if spec.canary.canaryService == GENERATE and len(services) == 1 and (namespace_of(item), wanted) not in names:
            generated.append(canary_service(services[0]))
        targets.append(Target(index, item, canary, services, generated))
    return targets


def convert_selected(items: list[dict[str, Any]], spec: Spec) -> tuple[list[dict[str, Any]], list[Result]]:
    targets = plan(items, spec)
    results = [result for rule in RULES for result in rule(Context(spec, items, targets))]
    if has_errors(results):
        return items, results
    by_index = {target.index: target for target in targets}
    output: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        target = by_index.get(index)
        if target is None:
            output.append(item)
            continue
        if spec.migration == "workloadRef":
            output.extend([item, workload_ref_rollout(item, target.canary, spec.scaleDown)])
            how = f"a Rollout now drives it through workloadRef (scaleDown: {spec.scaleDown})"
        else:
            output.append(to_rollout(item, target.canary))
            how = "converted to an Argo Rollout"
        output.extend(target.generated)
        steps = len(target.canary["steps"])
        results.append(
            info(
                f"{how} (canary: {steps} step{'s' if steps != 1 else ''}, "
                f"maxSurge {target.canary['maxSurge']}, maxUnavailable {target.canary['maxUnavailable']})",
                item,
                rule="convert",
            )
        )
        for service in target.generated:
            results.append(info(f"added canary Service {name_of(service)}", service, rule="canary-service"))
    output, retargeted = retarget(output, {(namespace_of(t.deployment), name_of(t.deployment)) for t in targets})
    results.extend(retargeted)
    results.extend(result for rule in AFTER_RULES for result in rule(After(items, output, targets)))
    return output, results
