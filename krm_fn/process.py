"""Config -> plan -> checks -> conversion -> results: the whole run over a parsed list, no I/O."""

from __future__ import annotations

from typing import Any

from . import rules
from .config.load import load_config
from .inventory import Inventory
from .providers import Context, Target, registry
from .results import Result, has_errors, info
from .retarget import retarget
from .select import is_selected


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
