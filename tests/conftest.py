"""Shared fixtures: running the function, and checking Rollouts against the upstream CRD."""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from krm_fn import cli, resource_list, yamlio

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
        doc: dict[str, Any] = yamlio.load(self.stdout)
        return doc

    @property
    def items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.doc["items"]
        return items

    @property
    def results(self) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = self.doc.get("results") or []
        return results


def run_fn(data: bytes | str) -> Run:
    """Run the function in-process, exactly as the console script does.

    Where the list's text was taken apart (items passed through as text), the same run over the
    list parsed whole must mean the same: the same results, the same items.
    """
    raw = data.encode() if isinstance(data, str) else data
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([], io.BytesIO(raw), out, err)
    run = Run(code, out.getvalue(), err.getvalue())
    if run.stdout and resource_list.parse(raw).read.layout is not None:
        whole, _ = cli.run_list(resource_list.parse(raw, whole=True))
        assert yamlio.load(whole) == run.doc, "passing items through as text changed what the output means"
    return run


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
    if found:
        return found
    message = f"{name} is not installed (run scripts/install-tools.sh)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError  # unreachable
