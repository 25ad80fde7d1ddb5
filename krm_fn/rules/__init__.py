"""Render-time checks: what the Argo Rollouts controller (or kpt/kustomize) would reject later.

Each module has an `ID`, a docstring that is its documentation, and `check(ctx)` yielding
results. `RULES` run before the conversion (any error stops it: nothing is converted);
`AFTER_RULES` compare the list before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..config import Spec
from ..results import Result


@dataclass(frozen=True)
class Target:
    """A Deployment chosen for conversion, its place in the list, and the canary it would get."""

    index: int
    deployment: dict[str, Any]
    canary: dict[str, Any]
    services: list[dict[str, Any]]
    """The Services in the list that select the Deployment's pods."""
    generated: list[dict[str, Any]]
    """New resources (a canary Service) the conversion adds beside the Rollout."""


@dataclass(frozen=True)
class Context:
    spec: Spec
    items: list[dict[str, Any]]
    targets: list[Target]


@dataclass(frozen=True)
class After:
    before: list[dict[str, Any]]
    after: list[dict[str, Any]]
    targets: list[Target]


from . import (  # noqa: E402 - the modules import Context/Target from here
    analysis_templates,
    dropped_fields,
    name_conflict,
    progress_deadline,
    recreate,
    rollout_crd,
    selection,
    selector,
    services,
    shape,
    surge,
    traffic_services,
)

BEFORE_MODULES = [
    selection,
    rollout_crd,
    name_conflict,
    shape,
    recreate,
    selector,
    progress_deadline,
    surge,
    traffic_services,
    analysis_templates,
    dropped_fields,
]
"""In the order they run; `shape` comes before the rules that read the fields it checks."""
AFTER_MODULES = [services]
RULE_MODULES = BEFORE_MODULES + AFTER_MODULES

RULES: list[Callable[[Context], Iterable[Result]]] = [module.check for module in BEFORE_MODULES]
AFTER_RULES: list[Callable[[After], Iterable[Result]]] = [module.check for module in AFTER_MODULES]
