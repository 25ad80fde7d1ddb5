"""The functionConfig: a typed `ProgressiveDelivery`, or a `ConfigMap` with string keys, as one `Spec`."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from . import yamlio
from .durations import duration_seconds
from .results import Result, error

API_VERSION = "delivery.krm-fn.dev/v1alpha1"
KIND = "ProgressiveDelivery"
PROVIDERS = ("argo-rollouts",)
MIGRATIONS = ("convert", "workloadRef")
SCALE_DOWN = ("progressively", "onsuccess", "never")
GENERATE = "generate"
# Traffic routers with which the controller needs both canaryService and stableService
# (validation.go requireCanaryStableServices; ALB unless pingPong, Istio unless destinationRule).
ROUTERS_NEEDING_SERVICES = ("alb", "istio", "smi", "apisix", "ambassador", "nginx", "appMesh", "traefik")
STEP_KINDS = ("setWeight", "pause", "setCanaryScale", "analysis", "experiment", "setHeaderRoute", "setMirrorRoute", "plugin")

_INT_OR_PERCENT = re.compile(r"^[0-9]+%?$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _int_or_percent(value: Any) -> int | str | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return value
    if isinstance(value, str) and _INT_OR_PERCENT.match(value):
        return str(value)
    raise ValueError(f'must be a non-negative integer or a percentage such as "25%" (got {value!r})')


class Pause(_Model):
    duration: Any = None

    @field_validator("duration")
    @classmethod
    def _readable(cls, value: Any) -> int | str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError(f"must be seconds (an integer) or a duration such as 30s, 10m, 1h (got {value!r})")
        seconds = duration_seconds(value)
        if seconds is None:
            raise ValueError(f"{value!r} is not a duration: use seconds or a number with a unit (s, m, h), e.g. 30s")
        if seconds < 0:
            raise ValueError(f"must not be negative (got {value!r})")
        return value if isinstance(value, int) else str(value)


class CanaryStep(_Model):
    """One Argo Rollouts canary step: exactly one kind per step."""

    setWeight: int | None = None
    pause: Pause | None = None
    setCanaryScale: dict[str, Any] | None = None
    analysis: dict[str, Any] | None = None
    experiment: dict[str, Any] | None = None
    setHeaderRoute: dict[str, Any] | None = None
    setMirrorRoute: dict[str, Any] | None = None
    plugin: dict[str, Any] | None = None

    @field_validator("setWeight")
    @classmethod
    def _weight(cls, value: int | None, info: ValidationInfo) -> int | None:
        highest = (info.context or {}).get("maxTrafficWeight", 100)
        if value is not None and not 0 <= value <= highest:
            raise ValueError(f"must be between 0 and {highest} (got {value})")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> CanaryStep:
        kinds = [k for k in STEP_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            got = "none" if not kinds else " and ".join(kinds)
            raise ValueError(f"a step takes exactly one of {', '.join(STEP_KINDS)} (got {got})")
        return self

    def to_argo(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude_none=False)


class Selector(_Model):
    names: list[str] = Field(default_factory=list)
    namespaces: list[str] = Field(default_factory=list)
    matchLabels: dict[str, str] = Field(default_factory=dict)


class CanaryOptions(_Model):
    """The rest of Argo's canary strategy, passed through to every Rollout after validation."""

    canaryService: str | None = None
    stableService: str | None = None
    trafficRouting: dict[str, Any] | None = None
    analysis: dict[str, Any] | None = None
    antiAffinity: dict[str, Any] | None = None
    canaryMetadata: dict[str, Any] | None = None
    stableMetadata: dict[str, Any] | None = None
    dynamicStableScale: bool | None = None
    scaleDownDelaySeconds: int | None = Field(default=None, ge=0)
    scaleDownDelayRevisionLimit: int | None = Field(default=None, ge=0)
    abortScaleDownDelaySeconds: int | None = Field(default=None, ge=0)
    minPodsPerReplicaSet: int | None = Field(default=None, ge=1)
    pingPong: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _controller_rules(self) -> CanaryOptions:
        routing = self.trafficRouting
        if routing is None:
            for name in ("dynamicStableScale", "scaleDownDelaySeconds"):
                if getattr(self, name) not in (None, False):
                    raise _FieldError((name,), "only works with trafficRouting (the controller rejects it without)")
        else:
            if self.dynamicStableScale and self.scaleDownDelaySeconds is not None:
                raise _FieldError(("dynamicStableScale",), "cannot be used together with scaleDownDelaySeconds")
            if "maxTrafficWeight" in routing and "nginx" not in routing and not routing.get("plugins"):
                raise _FieldError(("trafficRouting", "maxTrafficWeight"), "is only supported with the nginx router or plugins")
        if self.canaryService and self.canaryService == self.stableService:
            raise _FieldError(("stableService",), "must differ from canaryService: the controller needs two Services")
        if self.antiAffinity is not None:
            kinds = [k for k in ("preferredDuringSchedulingIgnoredDuringExecution", "requiredDuringSchedulingIgnoredDuringExecution") if k in self.antiAffinity]
            if len(kinds) != 1 or len(self.antiAffinity) != 1:
                raise _FieldError(("antiAffinity",), "must have exactly one of preferredDuringSchedulingIgnoredDuringExecution, requiredDuringSchedulingIgnoredDuringExecution")
            weight = (self.antiAffinity.get("preferredDuringSchedulingIgnoredDuringExecution") or {}).get("weight", 1)
            if not isinstance(weight, int) or not 1 <= weight <= 100:
                raise _FieldError(("antiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", "weight"), f"must be between 1 and 100 (got {weight!r})")
        return self

    def needs_both_services(self) -> bool:
        routing = self.trafficRouting or {}
        if "alb" in routing and self.pingPong is not None:
            return False
        if "istio" in routing and (routing.get("istio") or {}).get("destinationRule"):
            return False
        return any(router in routing for router in ROUTERS_NEEDING_SERVICES)

    def max_weight(self) -> int:
        weight = (self.trafficRouting or {}).get("maxTrafficWeight", 100)
        return weight if isinstance(weight, int) and not isinstance(weight, bool) else 100

    def to_argo(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


def _default_steps() -> list[CanaryStep]:
    return [CanaryStep(setWeight=25), CanaryStep(pause=Pause())]


class Spec(_Model):
    enabled: bool = False
    provider: str = "argo-rollouts"
    canarySteps: list[CanaryStep] = Field(default_factory=_default_steps)
    maxSurge: Any = None
    maxUnavailable: Any = None
    selector: Selector = Field(default_factory=Selector)
    requireCRD: bool = True
    migration: Literal["convert", "workloadRef"] = "convert"
    scaleDown: Literal["progressively", "onsuccess", "never"] = "progressively"
    canary: CanaryOptions = Field(default_factory=CanaryOptions)

    @field_validator("provider")
    @classmethod
    def _supported(cls, value: str) -> str:
        if value not in PROVIDERS:
            raise ValueError(f"unsupported provider {value!r}; supported: {', '.join(PROVIDERS)}")
        return value

    @field_validator("maxSurge", "maxUnavailable")
    @classmethod
    def _surge(cls, value: Any) -> int | str | None:
        return _int_or_percent(value)

    @model_validator(mode="after")
    def _checks(self) -> Spec:
        routed = self.canary.trafficRouting is not None
        for i, step in enumerate(self.canarySteps):
            for kind in ("setCanaryScale", "setHeaderRoute", "setMirrorRoute"):
                if getattr(step, kind) is not None and not routed:
                    raise _FieldError(("canarySteps", i, kind), "needs canary.trafficRouting (the controller rejects it without)")
        if is_zero(self.maxSurge) and is_zero(self.maxUnavailable):
            raise _FieldError(("maxUnavailable",), "maxSurge and maxUnavailable must not both be zero: no pod could ever be replaced")
        return self


class ProgressiveDelivery(_Model):
    """The typed functionConfig (`delivery.krm-fn.dev/v1alpha1`, kind `ProgressiveDelivery`)."""

    apiVersion: Literal["delivery.krm-fn.dev/v1alpha1"]
    kind: Literal["ProgressiveDelivery"]
    metadata: dict[str, Any] = Field(default_factory=dict)
    spec: Spec = Field(default_factory=Spec)


class _FieldError(ValueError):
    """A model-level check that knows which field is wrong (pydantic would blame the whole model)."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


def is_zero(value: Any) -> bool:
    return value == 0 or value == "0%" or (isinstance(value, str) and value.rstrip("%") == "0")


# ConfigMap keys -> (spec field path, how to read the string).
CONFIGMAP_KEYS: dict[str, tuple[tuple[str, ...], str]] = {
    "enabled": (("enabled",), "bool"),
    "provider": (("provider",), "str"),
    "canarySteps": (("canarySteps",), "yaml"),
    "maxSurge": (("maxSurge",), "intOrPercent"),
    "maxUnavailable": (("maxUnavailable",), "intOrPercent"),
    "selector.names": (("selector", "names"), "list"),
    "selector.namespaces": (("selector", "namespaces"), "list"),
    "selector.matchLabels": (("selector", "matchLabels"), "labels"),
    "requireCRD": (("requireCRD",), "bool"),
    "migration": (("migration",), "str"),
    "scaleDown": (("scaleDown",), "str"),
    "canary": (("canary",), "yaml"),
}


def _read_string(key: str, text: Any, kind: str) -> Any:
    if not isinstance(text, str):
        raise _FieldError((key,), f"ConfigMap values are strings (got {text!r})")
    if kind == "bool":
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise _FieldError((key,), f'must be "true" or "false" (got {text!r})')
    if kind == "intOrPercent":
        return int(text) if text.isdigit() else text
    if kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()]
    if kind == "labels":
        labels: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, sep, value = part.partition("=")
            if not sep or not name.strip():
                raise _FieldError((key,), f"expected comma-separated key=value pairs (got {part!r})")
            labels[name.strip()] = value.strip()
        return labels
    if kind == "yaml":
        try:
            return yamlio.load(text)
        except yamlio.InputError as err:
            raise _FieldError((key,), f"not valid YAML: {err}") from None
    return text


def spec_from_configmap(data: dict[str, Any]) -> dict[str, Any]:
    """Turn a ConfigMap's string data into the typed spec's shape."""
    spec: dict[str, Any] = {}
    for key, text in data.items():
        if key not in CONFIGMAP_KEYS:
            raise _FieldError((key,), f"unknown key; known keys: {', '.join(CONFIGMAP_KEYS)}")
        path, kind = CONFIGMAP_KEYS[key]
        target = spec
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = _read_string(key, text, kind)
    return spec


def format_path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
    "bool_type": "must be true or false",
    "int_type": "must be an integer",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
}


def _messages(err: ValidationError, prefix: tuple[str | int, ...], resource: dict[str, Any]) -> list[Result]:
    results = []
    for detail in err.errors():
        loc = tuple(detail["loc"])
        kind = detail["type"]
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, _FieldError):
            loc, message = loc + cause.loc, str(cause)
        elif kind == "literal_error":
            message = f"must be {detail['ctx']['expected']} (got {detail['input']!r})"
        elif kind in _MESSAGES:
            got = detail.get("input")
            message = _MESSAGES[kind] + ("" if kind in ("extra_forbidden", "missing") else f" (got {got!r})")
        else:
            message = str(detail["msg"]).removeprefix("Value error, ")
        results.append(error(message, resource, field=format_path(prefix + loc), rule="config"))
    return results


def _context(spec: Any) -> dict[str, Any]:
    """What field validators need to know of the rest of the spec (the highest canary weight)."""
    routing = ((spec or {}).get("canary") or {}).get("trafficRouting") if isinstance(spec, dict) else None
    weight = routing.get("maxTrafficWeight") if isinstance(routing, dict) else None
    return {"maxTrafficWeight": weight} if isinstance(weight, int) and not isinstance(weight, bool) and weight > 0 else {}


def load_config(fn_config: Any) -> tuple[Spec | None, list[Result]]:
    """Validate the functionConfig; a None spec means it is invalid and the results say why."""
    if fn_config is None:
        return Spec(), []
    if not isinstance(fn_config, dict):
        return None, [error("functionConfig must be a mapping", rule="config")]
    api_version, kind = fn_config.get("apiVersion"), fn_config.get("kind")
    expected = f"expected {KIND} ({API_VERSION}) or ConfigMap (v1)"
    try:
        if kind == "ConfigMap" and api_version == "v1":
            data = fn_config.get("data") or {}
            if not isinstance(data, dict):
                return None, [error("functionConfig ConfigMap data must be a mapping", fn_config, "data", "config")]
            try:
                spec_data = spec_from_configmap(data)
                return Spec.model_validate(spec_data, context=_context(spec_data)), []
            except _FieldError as cause:
                return None, [error(str(cause), fn_config, format_path(("data",) + cause.loc), "config")]
            except ValidationError as err:
                return None, _configmap_messages(err, fn_config)
        if kind == KIND:
            return ProgressiveDelivery.model_validate(fn_config, context=_context(fn_config.get("spec"))).spec, []
    except ValidationError as err:
        return None, _messages(err, (), fn_config)
    return None, [error(f"functionConfig is {api_version}/{kind}: {expected}", fn_config, rule="config")]


def _configmap_messages(err: ValidationError, fn_config: dict[str, Any]) -> list[Result]:
    """Report spec errors against the ConfigMap key the user wrote."""
    by_path = {path: key for key, (path, _) in CONFIGMAP_KEYS.items()}
    results = []
    for result in _messages(err, (), fn_config):
        assert result.field is not None
        head = result.field.split("[")[0].split(".")
        for size in range(len(head), 0, -1):
            key = by_path.get(tuple(head[:size]))
            if key is not None:
                rest = result.field[len(".".join(head[:size])) :]
                results.append(error(result.message, fn_config, f"data.{key}{rest}", "config"))
                break
        else:
            results.append(result)
    return results


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the typed functionConfig, for editors."""
    schema = ProgressiveDelivery.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://krm-fn.dev/schemas/progressive-delivery-v1alpha1.json"
    return schema
