"""What every shape of reference shares: what it is told (`Scope`) and what it finds (`Finding`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..fieldpath import Loc, format_path
from ..inventory import Inventory
from ..labelselector import LabelSelector
from ..provider_api import Replacement
from ..resource import Resource

_WORD = re.compile(r"[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?")
"""What a Deployment's name may be (a DNS subdomain), as a word of a text."""


@dataclass(frozen=True)
class Scope:
    """The Deployments gone (each as (namespace, name)), what replaced them, and the list before the run."""

    gone: frozenset[tuple[str, str]]
    replacement: Replacement
    inventory: Inventory

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(name for _, name in self.gone)

    def is_gone(self, namespace: str, name: str) -> bool:
        """Whether `name` in `namespace` is gone; an unset namespace ("", as helm template leaves one
        for kustomize or the install to set) is whichever the other side's is."""
        return (namespace, name) in self.gone or ("", name) in self.gone or (not namespace and name in self.names)

    def selects(self, selector: Any, gone: tuple[str, str]) -> bool:
        """Whether a label selector (absent: everything) selects the gone Deployment by its labels."""
        if not isinstance(selector, dict):
            return True
        deployment = self.deployment(*gone)
        return LabelSelector.from_label_selector(selector).matches(deployment.labels if deployment else {})

    def deployment(self, namespace: str, name: str) -> Resource | None:
        """The gone Deployment as the list had it (or, replaced by an earlier run, what replaced it)."""
        workload = self.replacement.workload
        return self.inventory.find("apps", "Deployment", namespace, name) or self.inventory.find(
            workload.group, workload.kind, namespace, name
        )

    def may_name(self, resource: Resource, marker: re.Pattern[str] | None = None) -> bool:
        """Whether the item's text holds `marker` (what every reference of a shape holds) and a word that
        is a gone Deployment's name (an item with no text of its own: True). Most items are never parsed
        to look for a reference."""
        text = resource.document.source
        if text is None:
            return True
        return (marker is None or marker.search(text) is not None) and not self.names.isdisjoint(_WORD.findall(text))


@dataclass(frozen=True)
class Finding:
    """A reference to gone Deployments: where it is, what it says, and what to do about it."""

    resource: Resource
    loc: Loc
    reference: str
    """The reference as written (`deploy/agents`, `kube_deployment_spec_replicas{deployment="agents"}`)."""
    covered: tuple[tuple[str, str], ...]
    """The (namespace, name) of each gone Deployment it refers to."""
    advice: str
    """What to change, for the warning."""
    change: str = ""
    """What `apply` changes, where the shape can retarget the reference exactly."""
    apply: Callable[[Any], None] | None = field(default=None, compare=False)
    """Makes the change in a copy of the item's data (changes are made from the last place to the first)."""

    @property
    def field(self) -> str:
        return format_path(self.loc)

    def about(self) -> str:
        names = list(dict.fromkeys(name for _, name in self.covered))
        namespaces = {namespace for namespace, _ in self.covered}
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        where = f" in namespace {namespaces.pop()}" if len(namespaces) == 1 and "" not in namespaces else ""
        return f"Deployment{'s' if len(names) > 1 else ''} {shown}{where}"


def added_beside(resource: Resource, loc: Loc, reference: str, covered: list[tuple[str, str]], added: Any, how: str) -> Finding:
    """A finding retargeted by inserting `added` (described by `how`) right after the entry at `loc`."""
    return Finding(resource, loc, reference, tuple(covered), f"add {how}", f"added {how}, after this one", insert_after(loc, added))


def insert_after(loc: Loc, value: Any) -> Callable[[Any], None]:
    """A change that inserts `value` into the list holding `loc`, right after it (`loc` ends with its index).

    Each mapping and list on the way down is copied, and nothing else: every part the change does not
    touch stays the very object it was, so the item's text is kept for it."""
    *path, index = loc

    def apply(data: Any) -> None:
        for key in path:
            data[key] = dict(data[key]) if isinstance(data[key], dict) else list(data[key])
            data = data[key]
        data.insert(int(index) + 1, value)

    return apply


def deployment_resources(rule: dict[str, Any], groups: frozenset[str]) -> list[str]:
    """The Deployment subresources ("" for the Deployment itself) an RBAC or admission rule names
    (`deployments`, `deployments/SUB`, or `*`) in one of `groups`."""
    if not isinstance(rule.get("apiGroups"), list) or not set(map(str, rule["apiGroups"])) & groups:
        return []
    found: list[str] = []
    for resource in rule.get("resources") or []:
        base, _, sub = str(resource).partition("/")
        if base in ("deployments", "*") and sub not in found:
            found.append(sub)
    return found


def covers(rule: Any, wanted: dict[str, Any], keys: tuple[str, ...]) -> bool:
    """Whether an RBAC or admission rule already holds all `wanted` holds: each of `keys` lists `*` or
    every wanted value, and its resourceNames (none: every name) hold the wanted ones."""
    if not isinstance(rule, dict):
        return False
    for key in keys:
        listed = rule.get(key) or []
        if "*" not in listed and not all(value in listed for value in wanted[key]):
            return False
    names = rule.get("resourceNames") or []
    return not names or set(wanted.get("resourceNames") or ()) <= set(names)
