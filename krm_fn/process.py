"""Config -> plan -> check -> convert -> assemble: the whole run over a parsed list, no I/O."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import provider_api, rules
from .config.load import load_config, provider_name
from .config.models import ProviderSpec
from .inventory import Inventory
from .provider_api import Context, Conversion, Edit, Provider, Replacement, Rule, Target
from .references import handle as handle_references
from .resource import Resource, ResourceId
from .results import Result, has_errors, info, warning
from .select import is_selected

DISABLED = "spec.enabled is false: nothing converted, every item passed through unchanged"


@dataclass
class Checked:
    """A planned target, what its own checks found (each with its rule's place), and its conversion
    (None where a check found an error)."""

    target: Target
    found: list[tuple[int, Result]]
    conversion: Conversion | None


def run(items: list[Resource], fn_config: Any) -> tuple[list[Resource], list[Result]]:
    """The output items and the results. On any error the items come back unchanged."""
    provider = provider_api.load(provider_name(fn_config))
    spec, results = load_config(fn_config, provider)
    if spec is None:
        return items, results
    if not spec.enabled:
        return items, [info(DISABLED)]
    inventory = Inventory(items)
    checks: list[Rule[Any, Any]] = [*rules.RULES, *provider.rules]
    # One target at a time: planned, checked and converted, and its Deployment let go of, before
    # the next is planned; memory grows with the output's text, not with parsed Deployments.
    done = [
        convert(provider, spec, check(Context(spec, inventory, [target], provider), checks)) for target in plan(provider, spec, inventory)
    ]
    results, left = list_results(provider, spec, inventory, checks, done)
    if has_errors(results):
        return items, results
    kept = [checked for checked in done if checked.target.deployment.id not in left]
    return assemble(items, provider.replacement(spec), spec, inventory, kept, results)


def plan(provider: Provider[Any, Any], spec: ProviderSpec, inventory: Inventory) -> Iterator[Target]:
    """The provider's targets among the selected Deployments, one at a time."""
    selected = [Target(index, resource) for index, resource in enumerate(inventory.resources) if is_selected(resource, spec.selector)]
    return provider.plan(spec, inventory, selected)


def check(context: Context[Any, Any], checks: list[Rule[Any, Any]]) -> Checked:
    """What the rules that check one target at a time say of it."""
    found: list[tuple[int, Result]] = []
    generic = len(rules.RULES)
    for order, rule in enumerate(checks):
        # A Deployment with fields of the wrong type has its error; the provider's rules would
        # only repeat it in their own words.
        misshapen = any(result.rule == rules.shape.ID for _, result in found)
        if rule.TRAITS.per_target and (order < generic or not misshapen):
            found.extend((order, result) for result in rule.check(context))
    return Checked(context.targets[0], found, None)


def convert(provider: Provider[Any, Any], spec: ProviderSpec, checked: Checked) -> Checked:
    """The target converted where its checks found no error, its new items written as text."""
    target = checked.target
    if not has_errors([result for _, result in checked.found]):
        conversion = provider.convert(spec, target)
        conversion.items = [item if isinstance(item, Resource) else Resource(item, origin=target.deployment) for item in conversion.items]
        for item in conversion.items:
            item.document.settle()
        checked.conversion = conversion
    target.deployment.document.release()
    return checked


def list_results(
    provider: Provider[Any, Any], spec: ProviderSpec, inventory: Inventory, checks: list[Rule[Any, Any]], done: list[Checked]
) -> tuple[list[Result], set[ResourceId]]:
    """Every check's results, in the order of the rules, then of the targets, as if each rule ran over
    all; and the Deployments left as they are (`leave_unconvertible`)."""
    context = Context(spec, inventory, [checked.target for checked in done], provider)
    found = [(order, place, result) for place, checked in enumerate(done) for order, result in checked.found]
    for order, rule in enumerate(checks):
        if not rule.TRAITS.per_target:
            found.extend((order, -1, result) for result in rule.check(context))
    found.sort(key=lambda entry: entry[:2])
    results = [result for _, _, result in found]
    results.extend(provider.check_existing(spec, inventory))
    if spec.selector.names:
        return results, set()
    return leave_unconvertible(results, {rule.ID for rule in provider.rules if rule.TRAITS.unconvertible})


def leave_unconvertible(results: list[Result], rules: set[str]) -> tuple[list[Result], set[ResourceId]]:
    """A broad selection leaves a Deployment that cannot become the provider's workload as it is.

    Its errors from `rules` become warnings, and what other rules said of it goes: it is not
    converted. Any other error on it still stops the run (all or nothing). The results, and the
    ids of the Deployments left.
    """
    left = {r.resource.id for r in results if r.severity == "error" and r.rule in rules and r.resource}
    kept: list[Result] = []
    for result in results:
        about = result.resource.id if result.resource else None
        if about not in left or (result.severity == "error" and result.rule not in rules):
            kept.append(result)
        elif result.rule in rules and result.severity == "error":
            kept.append(warning(f"left as a Deployment: {result.message}", result.resource, result.field, result.rule))
    return kept, left


def edited(items: list[Resource], edits: list[Edit]) -> list[Resource]:
    """The items with the conversions' edits made (each edited item written anew from its data)."""
    by_item: dict[ResourceId, list[Edit]] = {}
    for edit in edits:
        by_item.setdefault(edit.resource, []).append(edit)
    if not by_item:
        return items
    output: list[Resource] = []
    for item in items:
        changes = by_item.get(item.id)
        if not changes:
            output.append(item)
            continue
        data = dict(item.obj)
        for edit in changes:
            edit.apply(data)
        output.append(Resource(data, origin=item))
    return output


def assemble(
    items: list[Resource],
    replacement: Replacement | None,
    spec: ProviderSpec,
    inventory: Inventory,
    done: list[Checked],
    results: list[Result],
) -> tuple[list[Resource], list[Result]]:
    """The output list: each converted Deployment's place taken by its conversion, and what referred
    to one pointed at what replaced it, or named (`krm_fn.references`)."""
    conversions = {checked.target.index: checked.conversion for checked in done if checked.conversion is not None}
    output: list[Resource] = []
    said = list(results)
    for index, item in enumerate(items):
        conversion = conversions.get(index)
        output.extend([item] if conversion is None else conversion.items)
        said.extend(conversion.results if conversion is not None else [])
    output = edited(output, [edit for conversion in conversions.values() for edit in conversion.edits])
    if replacement is None:
        return output, said
    names = {(checked.target.deployment.namespace, checked.target.deployment.name) for checked in done}
    output, found = handle_references(output, names, replacement, inventory, spec.references)
    return output, said + found
