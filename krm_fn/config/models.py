"""The config's models: what every provider's spec has, and the pieces its own fields are made of.

A provider's spec model (see `krm_fn.provider_api`) subclasses `ProviderSpec`;
`Field(description=...)` is the single source of the JSON Schema, `--help` and the
configuration table in the docs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..registry import DEFAULT_PROVIDER, PROVIDERS


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


References = Literal["retarget", "warn", "off"]


def _supported(name: str) -> str:
    if name not in PROVIDERS:
        raise ValueError(f"unsupported provider {name!r}; supported: {', '.join(PROVIDERS)}")
    return name


class ProviderSpec(Model):
    """What every provider's spec has, and all the orchestration reads of it: a provider's spec
    model is a subclass that adds its own fields after these."""

    enabled: bool = Field(False, description="false: every item passes through unchanged, with an info result saying so")
    provider: Annotated[str, AfterValidator(_supported)] = Field(
        DEFAULT_PROVIDER, description=f"what runs the Rollouts; supported: {', '.join(PROVIDERS)}"
    )
    selector: Selector = Field(
        default_factory=Selector,
        description="names, namespaces and matchLabels, ANDed; empty: every Deployment. Without names, a Deployment that"
        " cannot become the provider's workload (Recreate, say) is left as it is, with a warning",
    )
    requireCRD: bool = Field(True, description="the list must declare the provider's CRD; false where another application installs it")
    references: References = Field(
        "retarget",
        description="what else refers to a converted Deployment (RBAC rules, admission policies, kubectl commands, alerts,"
        " Reloader; see the README): retarget the exact ones and warn of the rest; warn of all; or off (autoscalers are"
        " retargeted whatever this says)",
    )
