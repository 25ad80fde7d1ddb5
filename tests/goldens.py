"""The golden cases' expected output (tests/golden/<case>/.expected/), shared by every test that runs them.

config.yaml   exitCode, and stdErr when the run writes to stderr
diff.patch    the function's exact stdout, as a unified diff against input.yaml (applying it to
              the input gives the output text, results included); absent when the two are equal
results.yaml  the results, as data (for reading); absent when there are none
"""

from __future__ import annotations

import difflib
from typing import Any

from krm_fn import yamlio

from conftest import GOLDEN


def output_patch(source: str, stdout: str) -> str:
    """The output as a patch of the input text: a unified diff, which gives the output back exactly."""
    return "".join(difflib.unified_diff(source.splitlines(True), stdout.splitlines(True), "input.yaml", "output.yaml"))


def expected_config(case: str) -> dict[str, Any]:
    config: dict[str, Any] = yamlio.load((GOLDEN / case / ".expected" / "config.yaml").read_text())
    return config


def expected_patch(case: str) -> str:
    path = GOLDEN / case / ".expected" / "diff.patch"
    return path.read_text() if path.exists() else ""


def expected_results(case: str) -> list[dict[str, Any]]:
    path = GOLDEN / case / ".expected" / "results.yaml"
    results: list[dict[str, Any]] = yamlio.load(path.read_text()) if path.exists() else []
    return results
