"""Canary steps as the controller reads them: exactly one kind per step, weights, pause durations.

Checks that need the traffic routing too are the spec's (`spec.py`): a step does not see it.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationInfo, WithJsonSchema, field_validator, model_validator

from ...config.models import Model
from .durations import INT32_MAX, duration_seconds

STEP_KINDS = ("setWeight", "pause", "setCanaryScale", "analysis", "experiment", "setHeaderRoute", "setMirrorRoute", "plugin")


def _duration(value: Any) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"must be seconds (an integer) or a duration such as 30s, 10m, 1h (got {value!r})")
    seconds = duration_seconds(value)
    if seconds is None:
        raise ValueError(f"{value!r} is not a duration: use seconds or a number with a unit (s, m, h), e.g. 30s")
    if seconds < 0:
        raise ValueError(f"must not be negative (got {value!r})")
    if seconds > INT32_MAX:
        raise ValueError(f"is longer than the controller can count ({INT32_MAX} seconds; got {value!r})")
    return value if isinstance(value, int) else str(value)


class Pause(Model):
    duration: Annotated[
        Any,
        AfterValidator(_duration),
        WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string"}]}),
        Field(description="seconds, or 30s, 10m, 1h; none: wait for `kubectl argo rollouts promote`"),
    ] = None


class CanaryStep(Model):
    """One Argo Rollouts canary step: exactly one kind per step."""

    setWeight: int | None = Field(None, description="percent of traffic (of pods, without trafficRouting) to the canary")
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


def default_steps() -> list[CanaryStep]:
    """25% of the pods (or traffic) on the new version, then wait for a manual promotion."""
    return [CanaryStep(setWeight=25), CanaryStep(pause=Pause())]
