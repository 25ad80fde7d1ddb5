"""What every provider's spec has, each field typed and documented once.

A provider's spec model (see `krm_fn.providers`) declares these fields beside its own, in
the order its documentation reads, with the defaults below (written at the declaration,
where type checkers see them); `Field(description=...)` is the single source of the JSON
Schema, `--help` and the README's configuration table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..providers.registry import PROVIDERS


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class FieldError(ValueError):
    """A check across fields that knows which field is wrong (pydantic would blame the whole model)."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


@dataclass(frozen=True)
class FromString:
    """How the ConfigMap form's string value becomes this field's value, where the type does not say."""

    read: Callable[[str], Any]


class Selector(Model):
    """Which Deployments to convert."""

    configmap_flatten: ClassVar[bool] = True  # ConfigMap keys selector.names, selector.namespaces, ...

    names: list[str] = Field(default_factory=list, description="Deployment names; one that matches no Deployment is a warning")
    namespaces: list[str] = Field(default_factory=list, description="namespaces the Deployments must be in")
    matchLabels: dict[str, str] = Field(default_factory=dict, description="labels the Deployments must carry")
    exclude: list[str] = Field(default_factory=list, description="Deployment names never converted, whatever else matches")


def _supported(name: str) -> str:
    if name not in PROVIDERS:
        raise ValueError(f"unsupported provider {name!r}; supported: {', '.join(PROVIDERS)}")
    return name


Enabled = Annotated[bool, Field(description="false: every item passes through unchanged, with an info result saying so")]
ProviderName = Annotated[
    str,
    AfterValidator(_supported),
    Field(description=f"what runs the Rollouts; supported: {', '.join(PROVIDERS)}"),
]
SelectorField = Annotated[
    Selector,
    Field(
        description="names, namespaces and matchLabels, ANDed; empty: every Deployment. Without names, a Deployment that"
        " cannot become the provider's workload (Recreate, say) is left as it is, with a warning"
    ),
]
RequireCRD = Annotated[
    bool,
    Field(description="the list must declare the provider's CRD; false where another application installs it"),
]


class CommonSpec(Protocol):
    """The fields the orchestration reads of any provider's spec."""

    enabled: bool
    provider: str
    selector: Selector
    requireCRD: bool
