"""Pause durations as the Argo Rollouts controller reads them: whole seconds, truncated toward zero."""

from __future__ import annotations

import pytest

from krm_fn.providers.argo_rollouts.durations import duration_seconds

CASES = [
    (30, 30),
    ("30", 30),
    ("-5", -5),
    ("0", 0),
    ("30s", 30),
    ("10m", 600),
    ("1h", 3600),
    ("1h30m", 5400),
    ("1.5h", 5400),
    (".5s", 0),
    ("500ms", 0),
    ("1500ms", 1),
    ("2us", 0),
    ("2µs", 0),
    ("-1m", -60),
    ("-0.5s", 0),
    ("+2m", 120),
    ("3000000000", None),
    ("600000h", 2_160_000_000),  # beyond int32: the caller rejects it as too long
    ("10 minutes", None),
    ("1d", None),
    ("m", None),
    ("", None),
    ("1h 30m", None),
    ("30S", None),
]


@pytest.mark.parametrize(("value", "seconds"), CASES, ids=[repr(c[0]) for c in CASES])
def test_duration_seconds(value: int | str, seconds: int | None) -> None:
    assert duration_seconds(value) == seconds
