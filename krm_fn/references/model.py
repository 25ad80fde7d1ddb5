"""What every shape of reference shares: what it is told (`Scope`) and what it finds (`Finding`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..fieldpath import Loc, format_path
from ..inventory import Inventory
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
    namespace: str | None
    """Where the Deployments are; None: in more than one namespace."""
    names: tuple[str, ...]
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
        shown = ", ".join(self.names[:3]) + (f" and {len(self.names) - 3} more" if len(self.names) > 3 else "")
        where = f" in namespace {self.namespace}" if self.namespace else ""
        return f"Deployment{'s' if len(self.names) > 1 else ''} {shown}{where}"


def insert_after(loc: Loc, value: Any) -> Callable[[Any], None]:
    """A change that inserts `value` into the list holding `loc`, right after it (`loc` ends with its index)."""
    *path, index = loc

    def apply(data: Any) -> None:
        for key in path:
            data = data[key]
        data.insert(int(index) + 1, value)

    return apply
