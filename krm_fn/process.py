"""Config -> plan -> checks -> conversion -> results: the whole run over a parsed list, no I/O."""

from __future__ import annotations

from typing import Any

from . import rules
from .config.load import load_config
from .inventory import Inventory
from .providers import Context, Target, registry
from .results import Result, has_errors, info, warning
from .retarget import retarget
from .select import is_selected


def leave_unconvertible(targets: list[Target], results: list[Result], rules: set[str]) -> tuple[list[Any], list[Result]]:
    """A broad selection leaves a Deployment that cannot become the provider's workload as it is.

    Its errors from `rules` become warnings, and what other rules said of it goes: it is not
    converted. Any other error on it still stops the run (all or nothing).
    """
    left = {r.resource.id for r in results if r.severity == "error" and r.rule in rules and r.resource}
    if not left:
        return targets, results
    kept: list[Result] = []
    for result in results:
        about = result.resource.id if result.resource else None
        if about not in left or (result.severity == "error" and result.rule not in rules):
            kept.append(result)
        elif result.rule in rules and result.severity == "error":
            kept.append(warning(f"left as a Deployment: {result.message}", result.resource, result.field, result.rule))
    return [t for t in targets if t.deployment.id not in left], kept


def run(items: list[dict[str, Any]], fn_config: Any) -> tuple[list[dict[str, Any]], list[Result]]:
    """The output items and the results. On any error the items come back unchanged."""
    spec, results = load_config(fn_config)
    if spec is None:
        return items, results
    if not spec.enabled:
        return items, [info("spec.enabled is false: nothing converted, every item passed through unchanged")]
    provider = registry.load(spec.provider)
    inventory = Inventory(items)
    selected = [Target(i, r) for i, r in enumerate(inventory.resources) if is_selected(r, spec.selector)]
    targets, results = provider.plan(spec, inventory, selected)
    context = Context(spec, inventory, targets, provider)
    for generic in rules.RULES:
        results.extend(generic.check(context))
    # A Deployment with fields of the wrong type has its error; the provider's rules would
    # only repeat it in their own words.
    misshapen = {r.resource.id for r in results if r.rule == rules.shape.ID and r.resource}
    checked = Context(spec, inventory, [t for t in targets if t.deployment.id not in misshapen], provider)
    for rule in provider.rules:
        results.extend(rule.check(checked))
    results.extend(provider.check_existing(spec, inventory))
    if not spec.selector.names:
        targets, results = leave_unconvertible(targets, results, {rule.ID for rule in provider.rules if rule.UNCONVERTIBLE})
    if has_errors(results):
        return items, results
    by_index = {target.index: target for target in targets}
    output: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        target = by_index.get(index)
        if target is None:
            output.append(item)
            continue
        conversion = provider.convert(spec, target)
        output.extend(conversion.items)
        results.extend(conversion.results)
    converted = {(t.deployment.namespace, t.deployment.name) for t in targets}
    output, retargeted = retarget(output, converted, provider.workload, inventory)
    return output, results + retargeted
