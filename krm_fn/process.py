"""Config -> plan -> checks -> conversion -> results: the whole run over a parsed list, no I/O."""

from __future__ import annotations

from typing import Any

from . import rules
from .config.load import load_config
from .inventory import Inventory
from .providers import Context, Target, registry
from .resource import Resource
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


def run(items: list[Resource], fn_config: Any) -> tuple[list[Resource], list[Result]]:
    """The output items and the results. On any error the items come back unchanged.

    Targets are planned, checked and converted one at a time, and each is let go of before
    the next: memory grows with the output's text, not with parsed Deployments. The results
    come out in the order of the rules, then of the targets, as if each rule ran over all.
    """
    spec, results = load_config(fn_config)
    if spec is None:
        return items, results
    if not spec.enabled:
        return items, [info("spec.enabled is false: nothing converted, every item passed through unchanged")]
    provider = registry.load(spec.provider)
    inventory = Inventory(items)
    checks = [*((rule, True) for rule in rules.RULES), *((rule, False) for rule in provider.rules)]  # (rule, generic)
    found: list[tuple[int, int, Result]] = []  # (rule's place, target's place, result)
    selected = [Target(i, r) for i, r in enumerate(inventory.resources) if is_selected(r, spec.selector)]
    planned: list[Target] = []
    made: dict[int, tuple[list[Resource], list[Result]]] = {}
    for place, target in enumerate(provider.plan(spec, inventory, selected)):
        planned.append(Target(target.index, target.deployment))
        context = Context(spec, inventory, [target], provider)
        own: list[Result] = []
        for order, (rule, generic) in enumerate(checks):
            # A Deployment with fields of the wrong type has its error; the provider's rules
            # would only repeat it in their own words.
            misshapen = any(r.rule == rules.shape.ID for r in own)
            if rule.TRAITS.per_target and (generic or not misshapen):
                for result in rule.check(context):
                    own.append(result)
                    found.append((order, place, result))
        if not has_errors(own):
            conversion = provider.convert(spec, target)
            output = [item if isinstance(item, Resource) else Resource(item, origin=target.deployment) for item in conversion.items]
            for item in output:
                item.settle()
            made[target.index] = (output, conversion.results)
        target.deployment.release()
    context = Context(spec, inventory, planned, provider)
    for order, (rule, _) in enumerate(checks):
        if not rule.TRAITS.per_target:
            found.extend((order, -1, result) for result in rule.check(context))
    found.sort(key=lambda entry: entry[:2])
    results = [result for _, _, result in found]
    results.extend(provider.check_existing(spec, inventory))
    if not spec.selector.names:
        planned, results = leave_unconvertible(planned, results, {rule.ID for rule in provider.rules if rule.TRAITS.unconvertible})
    if has_errors(results):
        return items, results
    converted = {target.index for target in planned}
    output_items: list[Resource] = []
    for index, item in enumerate(items):
        if index in converted:
            output_items.extend(made[index][0])
            results.extend(made[index][1])
        else:
            output_items.append(item)
    names = {(t.deployment.namespace, t.deployment.name) for t in planned}
    output_items, retargeted = retarget(output_items, names, provider.workload, inventory)
    return output_items, results + retargeted
