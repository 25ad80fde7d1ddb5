"""The seam between the function and a progressive-delivery controller: what a provider is.

A provider says which CRD its resources need, plans what each selected Deployment becomes,
checks the plan with its render-time rules, and converts: what replaces the Deployment or
joins it, and what stands for it where other objects referred to it. The orchestration (`krm_fn.process`)
knows nothing else of it. Providers are registered by name (`krm_fn.registry`); the ones
shipped live in `krm_fn.providers`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from . import registry
from .config.models import ProviderSpec
from .inventory import Inventory
from .resource import Resource, ResourceId
from .results import Result


@dataclass(frozen=True)
class CRD:
    """A CustomResourceDefinition the provider's resources need in the cluster."""

    name: str
    version: str
    source: str
    """Where to get it, for the message when it is missing."""


@dataclass(frozen=True)
class Kind:
    """A kind of object, by apiVersion and kind."""

    api_version: str
    kind: str

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]


@dataclass(frozen=True)
class Replacement:
    """What replaces a converted Deployment, in the words the fixes for what referred to it need
    (`krm_fn.references`): the reference finder's one source of provider-specific advice."""

    workload: Kind
    resource: str
    """The workload's resource, as RBAC rules and admission rules name it (`rollouts`)."""
    commands: Mapping[str, str]
    """A kubectl command on a Deployment (`rollout restart`, `scale`, ...; `*`: any other) -> the one to
    run instead, with `{name}` and `{namespace}` (` -n NS`, or nothing) to fill in; "" where there is none."""
    metrics: Mapping[str, str]
    """A kube-state-metrics Deployment metric -> the provider's metric that says the same."""
    metric_labels: str
    """The label matchers that pick the workload on the provider's metrics, with `{name}` and `{namespace}`."""
    reloader: str
    """What Stakater Reloader needs to act on the workload."""
    proportional_autoscaler: str
    """What the cluster-proportional-autoscaler's `--target` can do about the workload."""
    earlier: Callable[[Inventory], set[tuple[str, str]]]
    """The (namespace, name) of the Deployments an earlier run replaced, found in the list."""


@dataclass(frozen=True)
class Target:
    """A selected Deployment and its place in the list; a provider's plan extends it."""

    index: int
    deployment: Resource


SpecT = TypeVar("SpecT", bound=ProviderSpec)
TargetT = TypeVar("TargetT", bound=Target)
SpecT_co = TypeVar("SpecT_co", bound=ProviderSpec, covariant=True)
TargetT_co = TypeVar("TargetT_co", bound=Target, covariant=True)
SpecT_contra = TypeVar("SpecT_contra", bound=ProviderSpec, contravariant=True)
TargetT_contra = TypeVar("TargetT_contra", bound=Target, contravariant=True)


class Workloads(Protocol):
    """What a rule may ask of a provider: the kinds it makes and needs, and what an earlier run made."""

    crd: CRD
    workload: Kind
    """The kind of object that stands for a converted Deployment (messages name it)."""

    def converted(self, inventory: Inventory) -> list[Resource]:
        """What stands for the Deployments an earlier run converted (kpt converts files in place:
        every render after the first finds them); the selector is matched against them."""
        ...


@dataclass(frozen=True)
class Context(Generic[SpecT_co, TargetT_co]):
    """What a render-time rule sees: the config, the whole list, the planned targets, the provider."""

    spec: SpecT_co
    inventory: Inventory
    targets: Sequence[TargetT_co]
    provider: Workloads


@dataclass(frozen=True)
class Edit:
    """A change a conversion makes to another item of the list (one of its own new items, too)."""

    resource: ResourceId
    apply: Callable[[dict[str, Any]], None]
    """Makes the change in a copy of the item's data, copying what it changes on the way down."""


@dataclass
class Conversion:
    """What one Deployment becomes: the items at its place in the list (itself among them where the
    provider keeps it; as data, or Resources), the changes to other items, and the results that say so."""

    items: list[Any]
    results: list[Result] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)


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


class Rule(Protocol[SpecT_contra, TargetT_contra]):
    """A render-time check: a module with an `ID`, its `TRAITS`, and `check`; its docstring is its documentation."""

    ID: str
    TRAITS: Traits

    def check(self, ctx: Context[SpecT_contra, TargetT_contra]) -> Iterator[Result]: ...


class Provider(Workloads, Protocol[SpecT, TargetT]):
    name: str
    spec_model: type[SpecT]
    rules: Sequence[Rule[SpecT, TargetT]]

    def validation_context(self, raw_spec: object) -> dict[str, object]:
        """What the spec's field validators need to know of the rest of the raw spec."""
        ...

    def plan(self, spec: SpecT, inventory: Inventory, selected: Iterable[Target]) -> Iterator[TargetT]:
        """The targets to convert, one at a time (a Deployment converted by an earlier run is none)."""
        ...

    def convert(self, spec: SpecT, target: TargetT) -> Conversion: ...

    def replacement(self, spec: SpecT) -> Replacement | None:
        """What stands for a converted Deployment where other objects referred to it; None: the Deployment stays."""
        ...

    def check_existing(self, spec: SpecT, inventory: Inventory) -> list[Result]:
        """Problems of the provider's workloads already in the list."""
        ...


def load(name: object) -> Provider[Any, Any]:
    """The provider called `name` (the default one for a name the registry does not know)."""
    provider: Provider[Any, Any] = importlib.import_module(registry.module_of(name)).PROVIDER
    return provider
