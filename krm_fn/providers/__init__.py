"""The seam between the function and a progressive-delivery controller.

A provider says which CRD its resources need, plans what each selected Deployment becomes,
checks the plan with its render-time rules, and converts. The orchestration
(`krm_fn.process`) knows nothing else of it. A provider is a package here, registered by
name in `registry`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from ..inventory import Inventory
from ..resource import Resource
from ..results import Result


@dataclass(frozen=True)
class CRD:
    """A CustomResourceDefinition the provider's resources need in the cluster."""

    name: str
    version: str
    source: str
    """Where to get it, for the message when it is missing."""


@dataclass(frozen=True)
class Kind:
    """The kind of workload a provider makes (what autoscalers must target afterwards)."""

    api_version: str
    kind: str

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]


@dataclass(frozen=True)
class Target:
    """A selected Deployment, its place in the list, and what the provider plans for it."""

    index: int
    deployment: Resource


TargetT = TypeVar("TargetT", bound=Target)
SpecT = TypeVar("SpecT")


@dataclass(frozen=True)
class Context(Generic[SpecT, TargetT]):
    """What a render-time rule sees: the config, the whole list, the planned targets, the provider."""

    spec: SpecT
    inventory: Inventory
    targets: list[TargetT]
    provider: Provider


@dataclass
class Conversion:
    """What replaces one Deployment in the output (items as data, or Resources), and the results that say so."""

    items: list[Any]
    results: list[Result] = field(default_factory=list)


@dataclass(frozen=True)
class Traits:
    """How the orchestration runs a rule."""

    per_target: bool = True
    """It checks each target on its own (the targets are checked one at a time, each let go of
    after); else it checks the list once, with every target."""
    unconvertible: bool = False
    """Its errors say that a valid Deployment cannot become the provider's workload: one that no
    `selector.names` entry named is then left as a Deployment, with the error as a warning."""
    existing: bool = False
    """It also checks the provider's workloads already in the list (which are never changed)."""
    needs_template: bool = False
    """It reads the pod template (which a workload already in the list may take from elsewhere)."""


class Rule(Protocol):
    ID: str
    TRAITS: Traits

    def check(self, ctx: Any) -> Iterator[Result]: ...


class Provider(Protocol):
    name: str
    spec_model: type[BaseModel]
    crd: CRD
    workload: Kind
    rules: list[Rule]

    def validation_context(self, raw_spec: Any) -> dict[str, Any]:
        """What the spec's field validators need to know of the rest of the raw spec."""
        ...

    def plan(self, spec: Any, inventory: Inventory, selected: Iterable[Target]) -> Iterator[Any]:
        """The targets to convert (the provider's own Target subclass), one at a time."""
        ...

    def convert(self, spec: Any, target: Any) -> Conversion: ...

    def check_existing(self, spec: Any, inventory: Inventory) -> list[Result]:
        """Problems of the provider's workloads already in the list."""
        ...
