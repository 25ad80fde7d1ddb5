"""The functionConfig, validated into the spec of the provider it names.

Two forms: a typed `ProgressiveDelivery` (delivery.krm-fn.dev/v1alpha1) and a `ConfigMap`
of strings. Either way the spec model is the provider's (the caller loads the provider
`provider_name` names), and every problem is an error result naming the field as the
user wrote it.
"""

from __future__ import annotations

import functools
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field, ValidationError, create_model

from ..fieldpath import format_path
from ..results import Result, error
from . import configmap
from .errors import RULE, to_results
from .models import FieldError, Model, ProviderSpec

API_VERSION = "delivery.krm-fn.dev/v1alpha1"
KIND = "ProgressiveDelivery"
# As values for create_model (a typing form is not a type to mypy).
_API_VERSION_FIELD: Any = Literal["delivery.krm-fn.dev/v1alpha1"]
_KIND_FIELD: Any = Literal["ProgressiveDelivery"]


class SpecSource(Protocol):
    """What the config needs of a provider: its spec model, and what that model's validators need."""

    @property
    def spec_model(self) -> type[ProviderSpec]: ...

    def validation_context(self, raw_spec: object) -> dict[str, object]: ...


@functools.cache
def envelope(spec_model: type[BaseModel]) -> type[BaseModel]:
    """The typed functionConfig around a provider's spec model."""
    return create_model(
        KIND,
        __base__=Model,
        __doc__=f"The typed functionConfig ({API_VERSION}, kind {KIND}).",
        apiVersion=(_API_VERSION_FIELD, ...),
        kind=(_KIND_FIELD, ...),
        metadata=(dict[str, Any], Field(default_factory=dict)),
        spec=(spec_model, Field(default_factory=spec_model)),
    )


def provider_name(fn_config: Any) -> object:
    """The provider the functionConfig names, as written (None where it names none)."""
    if not isinstance(fn_config, dict):
        return None
    if fn_config.get("kind") == "ConfigMap" and fn_config.get("apiVersion") == "v1":
        data = fn_config.get("data")
        return data.get("provider") if isinstance(data, dict) else None
    spec = fn_config.get("spec")
    return spec.get("provider") if isinstance(spec, dict) else None


def load_config(fn_config: Any, provider: SpecSource) -> tuple[ProviderSpec | None, list[Result]]:
    """Validate the functionConfig into `provider`'s spec; a None spec means it is invalid and the results say why."""
    if fn_config is None:
        return provider.spec_model(), []
    if not isinstance(fn_config, dict):
        return None, [error("functionConfig must be a mapping", rule=RULE)]
    api_version, kind = fn_config.get("apiVersion"), fn_config.get("kind")
    if kind == "ConfigMap" and api_version == "v1":
        return _from_configmap(fn_config, provider)
    if kind == KIND:
        try:
            typed = envelope(provider.spec_model).model_validate(fn_config, context=provider.validation_context(fn_config.get("spec")))
        except ValidationError as err:
            return None, to_results(err, fn_config)
        validated: ProviderSpec = typed.spec  # type: ignore[attr-defined]
        return validated, []
    expected = f"expected {KIND} ({API_VERSION}) or ConfigMap (v1)"
    return None, [error(f"functionConfig is {api_version}/{kind}: {expected}", fn_config, rule=RULE)]


def _from_configmap(fn_config: dict[str, Any], provider: SpecSource) -> tuple[ProviderSpec | None, list[Result]]:
    data = fn_config.get("data") or {}
    if not isinstance(data, dict):
        return None, [error("functionConfig ConfigMap data must be a mapping", fn_config, "data", RULE)]
    model = provider.spec_model
    try:
        raw = configmap.to_spec(data, model)
        spec = model.model_validate(raw, context=provider.validation_context(raw))
    except FieldError as cause:
        return None, [error(str(cause), fn_config, format_path(("data", *cause.loc)), RULE)]
    except ValidationError as err:
        return None, to_results(err, fn_config, lambda loc: configmap.key_of(loc, model))
    return spec, []
