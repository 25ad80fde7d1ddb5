"""Pause durations as the Argo Rollouts controller reads them (`RolloutPause.DurationSeconds`).

An integer, or a string of one, is seconds (an int32); any other string is a Go duration
(`30s`, `10m`, `1h30m`), of which the controller keeps `int32(d.Seconds())`: whole
seconds, truncated toward zero. It marks the Rollout invalid for a value it cannot read
and for a negative one.
"""

from __future__ import annotations

import math
import re

INT32_MAX = 2**31 - 1
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
# Go's time.ParseDuration: an optional sign, then one or more decimal numbers each with a unit.
_GO_DURATION = re.compile(r"^([-+]?)((?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)$")
_PART = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)")
_INT = re.compile(r"^[-+]?[0-9]+$")


def duration_seconds(value: int | str) -> int | None:
    """Whole seconds the controller waits, or None where it cannot read the value at all.

    Past INT32_MAX the controller's count overflows (it reads a negative number): callers
    reject that as too long.
    """
    if isinstance(value, int):
        return value
    if _INT.match(value) and abs(int(value)) <= INT32_MAX:
        return int(value)
    if value in ("0", "+0", "-0"):
        return 0
    match = _GO_DURATION.match(value)
    if not match:
        return None
    sign = -1.0 if match.group(1) == "-" else 1.0
    return math.trunc(sign * sum(float(number) * _UNITS[unit] for number, unit in _PART.findall(match.group(2))))
