"""Pause durations as the Argo Rollouts controller reads them (seconds, or a Go duration)."""

from __future__ import annotations

import pytest

from krm_fn.providers.argo_rollouts.durations import duration_seconds

CASES = [
    (30, 30.0),
    ("30", 30.0),
    ("-5", -5.0),
    ("0", 0.0),
    ("30s", 30.0),
    ("10m", 600.0),
    ("1h", 3600.0),
    ("1h30m", 5400.0),
    ("1.5h", 5400.0),
    (".5s", 0.5),
    ("500ms", 0.5),
    ("2us", 2e-6),
    ("2µs", 2e-6),
    ("-1m", -60.0),
    ("+2m", 120.0),
    ("10 minutes", None),
    ("1d", None),
    ("m", None),
    ("", None),
    ("1h 30m", None),
    ("30S", None),
]


@pytest.mark.parametrize(("value", "seconds"), CASES, ids=[repr(c[0]) for c in CASES])
def test_duration_seconds(value: int | str, seconds: float | None) -> None:
    assert duration_seconds(value) == seconds
