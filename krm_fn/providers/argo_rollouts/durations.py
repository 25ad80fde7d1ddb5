"""Pause durations as the Argo Rollouts controller reads them (`RolloutPause.DurationSeconds`)."""

from __future__ import annotations

import re

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
# Go's time.ParseDuration: an optional sign, then one or more decimal numbers each with a unit.
_GO_DURATION = re.compile(r"^([-+]?)((?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)$")
_PART = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)")
_INT32 = re.compile(r"^[-+]?[0-9]+$")


def duration_seconds(value: int | str) -> float | None:
    """Seconds the controller waits, or None where it cannot read the value at all.

    An integer (or a string of one) is seconds; any other string is a Go duration such
    as `30s`, `10m` or `1h30m`. The controller marks the Rollout invalid for None or < 0.
    """
    if isinstance(value, int):
        return float(value)
    if _INT32.match(value):
        return float(int(value))
    if value in ("0", "+0", "-0"):
        return 0.0
    match = _GO_DURATION.match(value)
    if not match:
        return None
    sign = -1.0 if match.group(1) == "-" else 1.0
    return sign * sum(float(number) * _UNITS[unit] for number, unit in _PART.findall(match.group(2)))
