"""What else in the list refers to a converted Deployment: found in one pass, and retargeted or named.

Autoscalers (`autoscalers`) are always pointed at what replaced it: left on a Deployment that is
gone, they scale nothing. Every other reference has a shape (`SHAPES`), a module with an `ID`, a
docstring that is its documentation, `reads` (a cheap look at an item: could it hold one?) and
`find`. A finding the shape can retarget exactly (RBAC rules, policy matches) carries the change;
`references: retarget` makes it and says so, `warn` only says what to change, as for every other
finding; `off` looks for none. A Deployment is gone when this run converted it, or an earlier
run did (what replaced it is in the list): the same references are found on every run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from ..config.models import References as Mode
from ..inventory import Inventory
from ..provider_api import Replacement
from ..resource import Resource
from ..results import Result, info, warning
from . import admission, autoscalers, gatekeeper, kyverno, promql, rbac, scripts, tool_annotations
from .model import Finding, Scope

RULE = "references"


class Shape(Protocol):
    ID: str

    def reads(self, resource: Resource, scope: Scope) -> bool: ...

    def find(self, resource: Resource, scope: Scope) -> Iterator[Finding]: ...


SHAPES: tuple[Shape, ...] = (rbac, kyverno, gatekeeper, admission, scripts, promql, tool_annotations)


def handle(
    items: list[Resource], converted: set[tuple[str, str]], replacement: Replacement, inventory: Inventory, mode: Mode
) -> tuple[list[Resource], list[Result]]:
    """The items with the references to gone Deployments retargeted (as `mode` says), and a result for each.

    `converted` holds the (namespace, name) of each Deployment this run converted; `inventory` is
    the list before the run.
    """
    items, results = autoscalers.retarget(items, converted, replacement.workload, inventory)
    if mode == "off":
        return items, results
    scope = Scope(frozenset(converted | replacement.earlier(inventory)), replacement, inventory)
    if not scope.gone:
        return items, results
    output: list[Resource] = []
    for item in items:
        findings: list[Finding] = [finding for shape in SHAPES if shape.reads(item, scope) for finding in shape.find(item, scope)]
        output.append(_retargeted(item, findings) if mode == "retarget" else item)
        results.extend(_result(finding, mode, replacement) for finding in findings)
    return output, results


def _retargeted(item: Resource, findings: list[Finding]) -> Resource:
    changes = [finding for finding in findings if finding.apply is not None]
    if not changes:
        return item
    data = dict(item.obj)
    # The last place first: each change inserts into a list, and the places before it hold.
    for finding in sorted(changes, key=lambda finding: [(isinstance(part, str), part) for part in finding.loc], reverse=True):
        assert finding.apply is not None
        finding.apply(data)
    return Resource(data, origin=item)


def _result(finding: Finding, mode: Mode, replacement: Replacement) -> Result:
    said = f"refers to {finding.about()} ({finding.reference}), now a {replacement.workload.kind}"
    if mode == "retarget" and finding.apply is not None:
        return info(f"{said}: {finding.change}", finding.resource, finding.field, RULE)
    return warning(f"{said}: {finding.advice}", finding.resource, finding.field, RULE)
