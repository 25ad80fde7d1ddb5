"""The entry points and the exit-code rule, through the real console script and `python -m`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from krm_fn.config.docs import default_spec_model, help_text

from conftest import REPO, run_fn
from rollout_schema import RolloutSchema
from tools import console_script, run

EXAMPLE = REPO / "examples" / "agents.resource-list.yaml"
GOLDEN = REPO / "tests" / "golden"


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


@pytest.mark.parametrize("case", ["missing-crd", "config-errors", "recreate-error", "crd-not-serving-v1alpha1"])
def test_errors_exit_1_with_the_list_unchanged_and_a_line_per_error(case: str) -> None:
    source = (GOLDEN / case / "input.yaml").read_bytes()
    result = run([console_script()], stdin=source)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("krm-progressive-delivery: error: ")]
    assert errors and "Traceback" not in result.stderr
    assert run_fn(result.stdout).items == run_fn(source).items  # the list was written back unchanged


def test_warnings_go_to_stderr_and_keep_exit_0() -> None:
    result = run([console_script()], stdin=(GOLDEN / "select-by-name" / "input.yaml").read_bytes())
    assert result.returncode == 0
    assert result.stderr == (
        "krm-progressive-delivery: warning: spec.selector.names: lists 'typo', but no Deployment of that name is in the list\n"
    )


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
