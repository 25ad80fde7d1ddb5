"""shape: the fields a conversion reads must have the types Kubernetes gives them.

A Deployment whose `spec`, `selector`, `template`, `strategy` or labels are not mappings
(or whose `matchExpressions` are not a list of mappings) would be rejected by the API
server anyway; converting it would only move the problem into the Rollout.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..config.models import ProviderSpec
from ..provider_api import Context, Target, Traits
from ..results import Result, error

ID = "shape"
TRAITS = Traits()

_MAPPINGS = (
    ("spec",),
    ("spec", "selector"),
    ("spec", "selector", "matchLabels"),
    ("spec", "strategy"),
    ("spec", "strategy", "rollingUpdate"),
    ("spec", "template"),
    ("spec", "template", "metadata"),
    ("spec", "template", "metadata", "labels"),
    ("spec", "template", "spec"),
)


def _kind_of(value: Any) -> str:
    return "a list" if isinstance(value, list) else f"{type(value).__name__} {value!r:.40}"


def check(ctx: Context[ProviderSpec, Target]) -> Iterator[Result]:
    for target in ctx.targets:
        deployment = target.deployment
        wrong = next(
            (path for path in _MAPPINGS if deployment.get(*path) is not None and not isinstance(deployment.get(*path), dict)), None
        )
        if wrong is not None:
            yield error(f"must be a mapping, not {_kind_of(deployment.get(*wrong))}", deployment, ".".join(wrong), ID)
            continue
        expressions = deployment.get("spec", "selector", "matchExpressions")
        if expressions is not None and not (isinstance(expressions, list) and all(isinstance(e, dict) for e in expressions)):
            yield error("must be a list of {key, operator, values} mappings", deployment, "spec.selector.matchExpressions", ID)
