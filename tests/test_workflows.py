"""The GitHub workflows in .github/workflows: actionlint (pinned, built by `scripts/install-tools.sh
--test-tools`) finds nothing in them, with shellcheck (installed by the same script) on their `run:`
scripts, and does find what is wrong in a broken copy; the release workflow's tag check reads the
version where the package keeps it (krm_fn/__init__.py) and accepts exactly `v` + that version."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from krm_fn import __version__

from conftest import REPO, require_tool
from tools import TOOLS_BIN

pytestmark = pytest.mark.tools

WORKFLOWS = REPO / ".github" / "workflows"
RELEASE = WORKFLOWS / "release.yaml"
VERSION_FILE = "krm_fn/__init__.py"
TAG_EXPRESSION = "${{ github.ref_name }}"


def lint(*workflows: Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """actionlint over the workflow files, with shellcheck on `run:` scripts (and pyflakes off: no
    workflow runs Python scripts)."""
    binary = require_tool("actionlint", str(TOOLS_BIN / "actionlint"))
    shellcheck = require_tool("shellcheck")
    return subprocess.run(
        [binary, "-no-color", f"-shellcheck={shellcheck}", "-pyflakes=", *map(str, workflows)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_actionlint_is_the_pinned_release() -> None:
    pin = re.search(r"ACTIONLINT_VERSION:=(v\d+\.\d+\.\d+)\}", (REPO / "scripts" / "install-tools.sh").read_text())
    assert pin, "no actionlint pin in scripts/install-tools.sh"
    binary = require_tool("actionlint", str(TOOLS_BIN / "actionlint"))
    done = subprocess.run([binary, "-version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == pin[1], f"{binary} is not the pinned {pin[1]}: run scripts/install-tools.sh --test-tools"


def test_the_workflows_are_clean() -> None:
    workflows = sorted([*WORKFLOWS.glob("*.yaml"), *WORKFLOWS.glob("*.yml")])
    assert RELEASE in workflows
    done = lint(*workflows)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", ""), done.stdout + done.stderr


def broken_job(run: str, needs: str | None = None) -> str:
    """A job to add under `jobs:`, with one step that runs `run`."""
    lines = ["  broken:", *([f"    needs: {needs}"] if needs else []), "    runs-on: ubuntu-24.04", "    steps:", f"      - run: {run}"]
    return "\n".join(lines) + "\n"


BROKEN_JOBS = {
    "a job that needs one there is not": (broken_job("echo broken", needs="no-such-job"), "[job-needs]"),
    "an expression naming a step there is not": (broken_job('echo "${{ steps.no-such-step.outputs.value }}"'), "[expression]"),
    "a script shellcheck refuses": (broken_job('for file in $(ls); do echo "$file"; done'), "SC2045"),
}


@pytest.mark.parametrize("case", list(BROKEN_JOBS))
def test_a_broken_copy_fails_the_lint(case: str, tmp_path: Path) -> None:
    """The release workflow, copied, is clean; with one broken job added, actionlint exits non-zero
    and names the rule."""
    job, rule = BROKEN_JOBS[case]
    copy = tmp_path / ".github" / "workflows" / "release.yaml"
    copy.parent.mkdir(parents=True)
    text = RELEASE.read_text()
    copy.write_text(text)
    done = lint(copy, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert text.count("\njobs:\n") == 1
    copy.write_text(text.replace("\njobs:\n", f"\njobs:\n{job}"))
    done = lint(copy, cwd=tmp_path)
    assert done.returncode != 0, f"actionlint accepted {case}"
    assert rule in done.stdout, done.stdout + done.stderr
    assert "release.yaml" in done.stdout


def workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(RELEASE.read_text())
    return loaded


def tag_check() -> tuple[dict[str, Any], str]:
    """The release's step that reads the version file, and the name of the variable it reads the tag from."""
    steps = [step for job in workflow()["jobs"].values() for step in job.get("steps", []) if VERSION_FILE in step.get("run", "")]
    assert len(steps) == 1, f"not one step of {RELEASE.name} reads {VERSION_FILE}: {len(steps)}"
    (step,) = steps
    names = [name for name, value in (step.get("env") or {}).items() if value == TAG_EXPRESSION]
    assert len(names) == 1, f"the tag check takes the tag as one env variable set to {TAG_EXPRESSION}: {step.get('env')}"
    return step, names[0]


def run_tag_check(root: Path, tag: str, version_line: str | None = None) -> tuple[int, str, str]:
    """The tag check's script, run as GitHub runs a `shell: bash` step, in a folder holding only the
    version file (the real one, or one whose version line is `version_line`): exit code, stdout,
    and what it wrote to $GITHUB_OUTPUT."""
    step, variable = tag_check()
    shell = step.get("shell") or workflow().get("defaults", {}).get("run", {}).get("shell")
    assert shell == "bash", "the tag check runs in bash (bash --noprofile --norc -eo pipefail)"
    text = (REPO / VERSION_FILE).read_text()
    if version_line is not None:
        real = re.search(r"^__version__ = .*$", text, re.M)
        assert real
        text = text.replace(real[0], version_line)
    (root / VERSION_FILE).parent.mkdir(parents=True, exist_ok=True)
    (root / VERSION_FILE).write_text(text)
    script, output = root / "step.sh", root / "github-output"
    script.write_text(step["run"])
    output.write_text("")
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", variable: tag, "GITHUB_OUTPUT": str(output)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout, output.read_text()


def test_the_tag_check_accepts_v_and_the_package_version(tmp_path: Path) -> None:
    assert run_tag_check(tmp_path, f"v{__version__}") == (0, "", f"version={__version__}\n")


@pytest.mark.parametrize("tag", [__version__, f"v{__version__}.1", f"v{__version__}-rc.1", "v0.0.0", f"release-{__version__}"])
def test_the_tag_check_refuses_any_other_tag(tag: str, tmp_path: Path) -> None:
    code, stdout, output = run_tag_check(tmp_path, tag)
    assert code != 0 and output == ""
    assert f"is not v{__version__}" in stdout


def test_the_tag_check_reads_the_version_file(tmp_path: Path) -> None:
    """Another version in the file: the check follows it (nothing hard-coded), and refuses a line
    it cannot read rather than passing."""
    assert run_tag_check(tmp_path, "v9.8.7", '__version__ = "9.8.7"') == (0, "", "version=9.8.7\n")
    assert run_tag_check(tmp_path, f"v{__version__}", '__version__ = "9.8.7"')[0] != 0
    code, stdout, _ = run_tag_check(tmp_path, f"v{__version__}", f"__version__ = {__version__!r}")  # other quotes
    assert code != 0 and VERSION_FILE in stdout


def test_the_version_file_is_the_package_s_single_source() -> None:
    """What the check reads is what the package metadata reads (pyproject's dynamic version)."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    attr = pyproject["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    module, _, name = attr.rpartition(".")
    assert (name, module.replace(".", "/") + "/__init__.py") == ("__version__", VERSION_FILE)


def test_the_trigger_takes_the_version_tags() -> None:
    """The push filter (GitHub's glob: `*` is any run of characters but `/`) takes `v` + the version."""
    doc = workflow()
    on = doc["on"] if "on" in doc else doc[True]  # PyYAML reads the key `on` as true
    (pattern,) = on["push"]["tags"]
    matches = re.compile(re.escape(pattern).replace(r"\*", "[^/]*")).fullmatch
    assert matches(f"v{__version__}") and not matches(__version__)
