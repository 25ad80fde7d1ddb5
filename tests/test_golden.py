"""Golden cases: tests/golden/<case>/ holds input.yaml and the expected output, results and stderr.

Each case runs twice: the second run, over the first one's output, must change nothing.
Every Rollout in an output is validated against the upstream CRD schema.
`UPDATE_GOLDEN=1 pytest tests/test_golden.py` rewrites the expected files (review the diff).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import run_fn
from krm_fn import yamlio

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "input.yaml").exists())
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _expect(path: Path, actual: str) -> None:
    if UPDATE:
        path.write_text(actual)
    assert path.exists(), f"{path} is missing (UPDATE_GOLDEN=1 writes it)"
    assert actual == path.read_text(), f"{path.parent.name}: {path.name} differs"


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, rollout_schema) -> None:
    folder = GOLDEN / case
    source = (folder / "input.yaml").read_bytes()
    first = run_fn(source)

    doc = first.doc if first.stdout else None
    results = doc.pop("results", []) if doc else []
    _expect(folder / "expected-output.yaml", yamlio.dump(doc) if doc else "")
    _expect(folder / "expected-results.yaml", yamlio.dump(results) if results else "")
    _expect(folder / "expected-stderr.txt", first.stderr)
    _expect(folder / "expected-exit-code", f"{first.exit_code}\n")

    if doc is None:
        return
    for item in doc["items"]:
        if item.get("kind") == "Rollout":
            rollout_schema.assert_valid(item)

    if first.exit_code != 0:  # an error run must give back the list exactly as it came
        assert doc["items"] == yamlio.load(source)["items"]

    second = run_fn(first.stdout)
    assert second.exit_code == first.exit_code
    assert second.items == first.items, f"{case}: a second run changed the items"
    assert second.stdout.split("\nresults:")[0] == first.stdout.split("\nresults:")[0]
