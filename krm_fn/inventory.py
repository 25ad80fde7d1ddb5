"""The list, indexed once per run: by kind, by id, and Services by the pods they select.

Rules, the planning and the retargeting all ask the same questions of the list ("is there
a Rollout of this name?", "which Services select these pods?"); they ask this object,
so the list is walked once and every answer is a lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .labelselector import LabelSelector, service_selector
from .resource import Resource, ResourceId, parse_all

SERVICE = ("", "Service")
T = TypeVar("T")


class Inventory:
    def __init__(self, resources: list[Resource]) -> None:
        self.resources = resources
        self._by_kind: dict[tuple[str, str], list[Resource]] = {}
        for resource in self.resources:
            self._by_kind.setdefault((resource.group, resource.kind), []).append(resource)
        self._by_id: dict[ResourceId, Resource] | None = None
        self._services: dict[tuple[str, str, str], list[tuple[int, Resource, LabelSelector]]] | None = None
        self._derived: dict[str, Any] = {}

    def derived(self, key: str, make: Callable[[Inventory], T]) -> T:
        """What `make` derives from the list, made on the first ask of a run and kept (`key` names it)."""
        if key not in self._derived:
            self._derived[key] = make(self)
        found: T = self._derived[key]
        return found

    def of_kind(self, group: str, kind: str) -> list[Resource]:
        return self._by_kind.get((group, kind), [])

    def find(self, group: str, kind: str, namespace: str, name: str) -> Resource | None:
        if self._by_id is None:
            self._by_id = {resource.id: resource for resource in reversed(self.resources)}  # the first of duplicates wins
        return self._by_id.get(ResourceId(group, kind, namespace, name))

    def has(self, group: str, kind: str, namespace: str, name: str) -> bool:
        return self.find(group, kind, namespace, name) is not None

    def names(self, group: str, kind: str, namespace: str | None = None) -> set[str]:
        """Names of this kind (in `namespace`, unless None: in any namespace)."""
        return {r.name for r in self.of_kind(group, kind) if namespace is None or r.namespace == namespace}

    def services_selecting(self, namespace: str, pod_labels: Mapping[str, Any]) -> list[Resource]:
        """The Services in `namespace` whose selector selects pods with these labels, in list order.

        Indexed by one (key, value) pair of each Service's selector, so a query looks up
        each of the pod's labels instead of scanning every Service (quadratic on big lists).
        """
        if self._services is None:
            parse_all(self.of_kind(*SERVICE))
            self._services = {}
            for position, service in enumerate(self.of_kind(*SERVICE)):
                selector = service_selector(service.get("spec", "selector"))
                if selector is not None:
                    key, value = next(iter(selector.equalities()))
                    self._services.setdefault((service.namespace, key, value), []).append((position, service, selector))
        # Each Service is indexed under one pair only, so it is found at most once.
        found = [
            (position, service)
            for key, value in pod_labels.items()
            for position, service, selector in self._services.get((namespace, str(key), str(value)), [])
            if selector.matches(pod_labels)
        ]
        return [service for _, service in sorted(found, key=lambda pair: pair[0])]
