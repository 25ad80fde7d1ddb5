"""The entry points and the exit-code rule, through the real console script and `python -m`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from krm_fn import yamlio
from krm_fn.cli import default_spec_model
from krm_fn.config.docs import help_text

from conftest import GOLDEN, REPO, run_fn
from goldens import expected_patch, output_patch
from rollout_schema import RolloutSchema
from tools import console_script, run

EXAMPLE = REPO / "examples" / "agents.resource-list.yaml"


def test_console_script_and_module_give_the_same_output(rollout_schema: RolloutSchema) -> None:
    data = EXAMPLE.read_bytes()
    script = run([console_script()], stdin=data)
    module = subprocess.run([sys.executable, "-m", "krm_fn"], input=data, capture_output=True, cwd=REPO)
    assert script.returncode == module.returncode == 0, script.stderr
    assert script.stdout == module.stdout.decode()
    rollouts = [i for i in run_fn(data).items if i["kind"] == "Rollout"]
    assert [r["metadata"]["name"] for r in rollouts] == ["agents", "agents-controllers"]
    for rollout in rollouts:
        rollout_schema.assert_valid(rollout)


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_prints_usage(flag: str) -> None:
    result = run([console_script(), flag])
    assert result.returncode == 0
    assert result.stdout.startswith("usage: krm-progressive-delivery < resource-list.yaml > resource-list.yaml\n")
    assert help_text(default_spec_model()) in result.stdout  # every spec field, from the model


def test_unknown_argument_is_refused() -> None:
    result = run([console_script(), "--frobnicate"])
    assert result.returncode == 2
    assert result.stderr == "krm-progressive-delivery: unrecognized arguments: --frobnicate (the input is read from stdin; see --help)\n"


@pytest.mark.parametrize("case", ["missing-crd", "config-errors", "recreate-named", "crd-not-serving-v1alpha1", "select-by-name"])
def test_the_console_script_gives_the_golden_answer(case: str) -> None:
    """Golden cases through the installed console script: exit code, stderr, items and results as in `.expected/`.

    Errors exit 1 with the list unchanged and a line per error; warnings go to stderr and keep exit 0.
    """
    folder = GOLDEN / case
    source = (folder / "input.yaml").read_bytes()
    expected: dict[str, Any] = yamlio.load((folder / ".expected" / "config.yaml").read_text())
    result = run([console_script()], stdin=source)
    assert result.returncode == expected["exitCode"], result.stderr
    assert result.stderr == expected.get("stdErr", "")
    before, after = yamlio.load(source), yamlio.load(result.stdout)
    if expected["exitCode"] == 1:
        assert after["items"] == before["items"]  # the list was written back unchanged
    assert output_patch(source.decode(), result.stdout) == expected_patch(case)
    results = folder / ".expected" / "results.yaml"
    assert (after.get("results") or []) == (yamlio.load(results.read_text()) if results.exists() else [])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "krm-progressive-delivery: error: input is not valid YAML: input is empty\n"),
        (b"[1, 2]", "krm-progressive-delivery: error: input must be a ResourceList mapping, not a sequence\n"),
        (
            b"apiVersion: v1\nkind: List\nitems: []\n",
            "krm-progressive-delivery: error: input is v1/List, expected a config.kubernetes.io/v1 ResourceList\n",
        ),
    ],
)
def test_unusable_input_is_one_line_and_no_output(data: bytes, message: str) -> None:
    result = run([console_script()], stdin=data) if data else subprocess.run([console_script()], input="", capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message)


def test_schema_flag_prints_the_published_schema() -> None:
    result = run([console_script(), "--schema"])
    assert result.returncode == 0
    assert result.stdout == (REPO / "schemas" / "progressive-delivery.v1alpha1.json").read_text()


def test_readme_commands_exist() -> None:
    readme = (REPO / "README.md").read_text().splitlines()
    fence = readme.index("```sh")
    commands = [line.split("#")[0].strip() for line in readme[fence + 1 : fence + 3]]
    assert commands == ["scripts/render-canary.sh", "scripts/test.sh"]
    for command in commands:
        assert (REPO / command).stat().st_mode & 0o111
    assert "scripts/test.sh" in (REPO / ".ci" / "run").read_text()
    assert Path(REPO / "kustomize" / "overlays" / "canary" / "kustomization.yaml").exists()
