"""Shared fixtures: running the function, and checking Rollouts against the upstream CRD."""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from krm_fn import cli, resource_list, yamlio
from krm_fn.yamlio.lists import decode
from krm_fn.yamlio.split import split_list

from rollout_schema import RolloutSchema

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CRD_FILES = (SHARED / "argo-rollouts" / "rollout-crd-v1.9.1.yaml", SHARED / "argo-rollouts" / "rollout-crd-v1.10.2.yaml")
CRD_FILE = CRD_FILES[-1]
"""The current release's CRD, where a test needs one real CRD."""
IN_CI = os.environ.get("CI", "").lower() == "true"
QUICK = os.environ.get("KRM_FN_TEST_SIZE") == "quick"
"""The quick loop (`scripts/test.sh --quick`): tests marked `slow` run at a reduced size."""
GOLDEN = REPO / "tests" / "golden"
GOLDEN_CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "input.yaml").exists())
"""Each golden case's folder name (tests/golden/NAME: input.yaml and .expected/)."""


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def doc(self) -> dict[str, Any]:
        return meaning(self.stdout)

    @property
    def items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.doc["items"]
        return items

    @property
    def results(self) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = self.doc.get("results") or []
        return results


def run_fn(data: bytes | str) -> Run:
    """Run the function in-process, exactly as the console script does; and again over its output.

    The output is a fixed point: a second run over it gives the same text, with the results the
    run adds appended again after it, and the same exit code. Where the list's text was taken
    apart by lines, the same run over the list composed whole must mean the same.
    """
    raw = data.encode() if isinstance(data, str) else data
    run = _run_once(raw)
    if run.stdout and split_list(decode(raw)[0]) is not None:  # taken apart by lines
        whole, _ = cli.run_list(resource_list.parse(raw, whole=True))
        assert whole == run.stdout or meaning(whole) == meaning(run.stdout), "passing items through as text changed what the output means"
    if run.stdout:
        again = _run_once(run.stdout.encode())
        assert again.exit_code == run.exit_code, again.stderr
        assert_only_inserted(run.stdout, again.stdout)
    return run


def assert_only_inserted(first: str, second: str) -> None:
    """`second` is `first` with whole lines inserted at one place and nothing else changed: the
    results a second run appends, after the ones there (before a document end marker, say)."""
    start = first.rfind("\n", 0, _common_prefix(first, second)) + 1  # whole lines
    end = _common_prefix(first[start:][::-1], second[start:][::-1])
    assert first[start : len(first) - end] == "", "a second run changed the text, not only added to it"


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix (by halving: string compares, not a loop per character)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _run_once(raw: bytes) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([], io.BytesIO(raw), out, err)
    return Run(code, out.getvalue(), err.getvalue())


def meaning(text: str) -> dict[str, Any]:
    """What a list's text means, as the function reads it (any YAML 1.2, not only what libyaml reads)."""
    read = yamlio.read_list(text, "items", (), whole=True)
    return {**read.doc, "items": [entry.data for entry in read.entries]}


@pytest.fixture(scope="session")
def rollout_schema() -> RolloutSchema:
    """Both releases' Rollout CRDs: every Rollout is checked against each."""
    for path in CRD_FILES:
        if not path.exists():
            pytest.fail(f"the upstream Rollout CRD is missing: {path}")
    return RolloutSchema.from_crd_files(*CRD_FILES)


def require_tool(name: str, path: str | None = None) -> str:
    """A real binary the test needs: a failure under CI=true, a skip elsewhere."""
    found = path if path and Path(path).exists() else shutil.which(name)
    if not found:
        unavailable(f"{name} is not installed (run scripts/install-tools.sh)")
    return found


def unavailable(message: str) -> NoReturn:
    """What a test does without a real tool it needs: fail under CI=true, skip elsewhere."""
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)
