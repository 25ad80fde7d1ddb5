"""The example kpt package (examples/kpt/agents) through the real kpt: render and eval, exec runtime.

Every test works on a copy of the package in tmp_path and runs kpt from outside the
package (one test also from inside it): the Kptfile's bare `exec: krm-progressive-delivery`
is looked up on PATH, where a relative exec path would resolve against kpt's own working
directory, not the package.

What kpt 1.0.0-beta.56 does, and these tests pin down:
* it writes every file of the package back, restoring comments, key order and each file's
  list indentation ("wide" or "compact", also for lists the function adds);
* the bookkeeping annotations it sends (config.kubernetes.io/index, path, internal.*, ids)
  never reach the files;
* local-config resources (the Kptfile, the functionConfig, the stand-in CRD) are sent to
  the function but left alone;
* its progress and the function's results go to stderr (stdout stays empty);
  --results-dir writes them as a FunctionResultList;
* `fn render` refuses exec functions without --allow-exec; `fn eval --exec` needs no flag;
* when the function fails, kpt writes nothing.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from krm_fn import NAME, __version__
from krm_fn.new_resources import CONVERTED_BY

from conftest import CRD_FILE, REPO, require_tool
from rollout_schema import RolloutSchema
from validator import assert_accepted

pytestmark = pytest.mark.tools

PACKAGE = REPO / "examples" / "kpt" / "agents"
FN = "krm-progressive-delivery"
BOOKKEEPING = ("config.kubernetes.io/index", "config.kubernetes.io/path", "internal.config.kubernetes.io/", "config.k8s.io/id")
CRD_MISSING = "CustomResourceDefinition rollouts.argoproj.io is not in the list, so nothing was converted"


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the example changed: expected exactly one {old!r}"
    return text.replace(old, new)


def _source(name: str) -> str:
    return (PACKAGE / name).read_text()


# The converted file: the package's deployment.yaml with exactly these edits (the provenance
# annotation after the Deployment's own). The canary
# steps are a list the function adds: kpt indents it like the rest of the file ("wide");
# progressDeadlineAbort, a key the Deployment's spec did not have, comes last.
_CANARY = "  strategy:\n    canary:\n      maxSurge: 1\n      maxUnavailable: 0\n"
_STEPS = "      steps:\n        - setWeight: 25\n        - pause: {}\n"
_ANNOTATION = "    team.example.com/owner: platform # kept on the Rollout, like every annotation\n"
EXPECTED_ROLLOUT = (
    replace_once(
        replace_once(
            replace_once(
                _source("deployment.yaml"),
                "apiVersion: apps/v1\nkind: Deployment\n",
                "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\n",
            ),
            _ANNOTATION,
            f"{_ANNOTATION}    {CONVERTED_BY}: {NAME}/{__version__}\n",
        ),
        "  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n",
        _CANARY + _STEPS,
    )
    + "  progressDeadlineAbort: true\n"
)
EXPECTED_HPA = replace_once(
    _source("hpa.yaml"),
    "    apiVersion: apps/v1\n    kind: Deployment\n    name: agents\n",
    "    apiVersion: argoproj.io/v1alpha1\n    kind: Rollout\n    name: agents\n",
)
CHANGED = {"deployment.yaml": EXPECTED_ROLLOUT, "hpa.yaml": EXPECTED_HPA}
# configmap.yaml should be among them too: see test_render_keeps_quoted_strings_byte_for_byte.
UNCHANGED = ("Kptfile", "progressive-delivery.yaml", "service.yaml", "rollout-crd.yaml")


@pytest.fixture(scope="module")
def kpt() -> str:
    return require_tool("kpt")


@pytest.fixture(scope="module")
def fn_script() -> str:
    return require_tool(FN, shutil.which(FN) or str(REPO / ".venv" / "bin" / FN))


@pytest.fixture
def package(tmp_path: Path) -> Path:
    copy = tmp_path / "agents"
    shutil.copytree(PACKAGE, copy)
    return copy


def kpt_run(kpt: str, fn_script: str, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run kpt with the console script's folder first on PATH, where a bare exec name is found."""
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(fn_script).parent), os.environ.get("PATH", "")]))
    return subprocess.run([kpt, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def render(kpt: str, fn_script: str, package: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    done = kpt_run(kpt, fn_script, "fn", "render", package, "--allow-exec", *extra, cwd=package.parent)
    assert done.returncode == 0, done.stderr
    return done


def eval_exec(kpt: str, fn_script: str, package: Path, *fn_args: str) -> subprocess.CompletedProcess[str]:
    # --exec is split like a shell command line: quote the path.
    return kpt_run(kpt, fn_script, "fn", "eval", package, "--exec", shlex.quote(fn_script), "--", *fn_args, cwd=package.parent)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_no_bookkeeping(package: Path) -> None:
    for name, data in snapshot(package).items():
        leaked = [key for key in BOOKKEEPING if key in data.decode()]
        assert not leaked, f"{name}: kpt left {leaked} in the file"


def assert_converted(package: Path, rollout_schema: RolloutSchema) -> None:
    assert (package / "deployment.yaml").read_text() == EXPECTED_ROLLOUT
    assert (package / "hpa.yaml").read_text() == EXPECTED_HPA
    rollout_schema.assert_valid(yaml.safe_load((package / "deployment.yaml").read_text()))
    assert_no_bookkeeping(package)
    assert_accepted("".join("---\n" + path.read_text() for path in sorted(package.glob("*.yaml"))))


def test_example_uses_both_list_styles() -> None:
    """The fidelity checks below mean something only if the package mixes both indentations."""
    assert "\n        - name: control-plane\n" in _source("deployment.yaml")  # wide
    assert "\n    - exec: krm-progressive-delivery\n" in _source("Kptfile")  # wide
    assert "\n  - name: http\n" in _source("service.yaml")  # compact
    assert "\n  - type: Resource\n" in _source("hpa.yaml")  # compact


def test_render_converts_the_deployment_in_place(
    kpt: str, fn_script: str, package: Path, tmp_path: Path, rollout_schema: RolloutSchema
) -> None:
    before = snapshot(package)
    done = render(kpt, fn_script, package, "--results-dir", str(tmp_path / "results"))

    assert snapshot(package).keys() == before.keys(), "kpt added or removed files"
    assert_converted(package, rollout_schema)
    for name in UNCHANGED:
        assert (package / name).read_bytes() == before[name], f"{name} changed"

    assert done.stdout == ""
    assert '[PASS] "krm-progressive-delivery"' in done.stderr
    assert "[info] apps/v1/Deployment/agents/agents: converted to an Argo Rollout" in done.stderr
    assert "Successfully executed 1 function(s) in 1 package(s)." in done.stderr

    report = yaml.safe_load((tmp_path / "results" / "results.yaml").read_text())
    assert (report["apiVersion"], report["kind"], report["exitCode"]) == ("kpt.dev/v1", "FunctionResultList", 0)
    [fn_report] = report["items"]
    assert (fn_report["exec"], fn_report["exitCode"]) == (FN, 0)
    converted = [r for r in fn_report["results"] if r.get("tags", {}).get("rule") == "convert"]
    assert [(r["severity"], r["resourceRef"]["kind"], r["resourceRef"]["name"], r["file"]) for r in converted] == [
        ("info", "Deployment", "agents", {"path": "deployment.yaml"})  # kpt drops the function's `index: 0`
    ]
    assert not [r for r in fn_report["results"] if r["severity"] == "error"]


def test_render_keeps_quoted_strings_byte_for_byte(kpt: str, fn_script: str, package: Path) -> None:
    before = (package / "configmap.yaml").read_bytes()
    render(kpt, fn_script, package)
    after = (package / "configmap.yaml").read_bytes()
    # The meaning survives for YAML 1.1 and 1.2 readers alike: every value is still a string.
    data = yaml.safe_load(after)["data"]
    assert data == {"AGENTS_TRACING": "on", "AGENTS_FILE_MODE": "0755", "AGENTS_QUEUE_LIMIT": "1e3", "AGENTS_LOG_LEVEL": "info"}
    assert b'AGENTS_FILE_MODE: "0755"\n' in after and b'AGENTS_QUEUE_LIMIT: "1e3"\n' in after
    assert after == before, "configmap.yaml changed:\n" + after.decode()


def test_second_render_changes_nothing(kpt: str, fn_script: str, package: Path) -> None:
    render(kpt, fn_script, package)
    first = snapshot(package)
    # This time from inside the package: the bare exec name works from any directory.
    done = kpt_run(kpt, fn_script, "fn", "render", ".", "--allow-exec", cwd=package)
    assert done.returncode == 0, done.stderr
    assert snapshot(package) == first
    assert "[error]" not in done.stderr


def test_render_refuses_exec_without_allow_exec(kpt: str, fn_script: str, package: Path) -> None:
    before = snapshot(package)
    done = kpt_run(kpt, fn_script, "fn", "render", package, cwd=package.parent)
    assert done.returncode != 0
    assert "must run with `--allow-exec` option to allow running function binaries" in done.stderr
    assert snapshot(package) == before


def test_render_with_the_upstream_crd(kpt: str, fn_script: str, package: Path, rollout_schema: RolloutSchema) -> None:
    """The stand-in CRD replaced by the real one (as a user who installs it with the package would)."""
    shutil.copyfile(CRD_FILE, package / "rollout-crd.yaml")
    render(kpt, fn_script, package)
    assert_converted(package, rollout_schema)
    # Still the CRD it was: same object, whatever the formatting.
    assert yaml.safe_load((package / "rollout-crd.yaml").read_text()) == yaml.safe_load(CRD_FILE.read_text())


def test_render_changes_the_upstream_crd_no_more_than_kpt_itself(kpt: str, fn_script: str, package: Path, tmp_path: Path) -> None:
    """kpt re-serialises every file it renders (it unwraps long folded scalars, for one).

    The function must add nothing to that: rendered with a pass-through function instead,
    the CRD file comes out byte-identical to what the function's render gives.
    """
    shutil.copyfile(CRD_FILE, package / "rollout-crd.yaml")
    reference = tmp_path / "reference"
    shutil.copytree(package, reference)
    noop = tmp_path / "pass-through"
    noop.write_text("#!/bin/sh\nexec cat\n")
    noop.chmod(0o755)
    kptfile = reference / "Kptfile"
    kptfile.write_text(replace_once(kptfile.read_text(), f"exec: {FN}", f"exec: {noop}"))
    render(kpt, fn_script, reference)
    render(kpt, fn_script, package)
    assert (package / "rollout-crd.yaml").read_bytes() == (reference / "rollout-crd.yaml").read_bytes()


def test_eval_with_a_configmap_config(kpt: str, fn_script: str, package: Path, rollout_schema: RolloutSchema) -> None:
    before = snapshot(package)
    done = eval_exec(kpt, fn_script, package, "enabled=true")
    assert done.returncode == 0, done.stderr
    assert "[info] apps/v1/Deployment/agents/agents: converted to an Argo Rollout" in done.stderr
    assert_converted(package, rollout_schema)
    for name in UNCHANGED:
        assert (package / name).read_bytes() == before[name], f"{name} changed"


def test_eval_without_a_crd_when_not_required(kpt: str, fn_script: str, package: Path, rollout_schema: RolloutSchema) -> None:
    (package / "rollout-crd.yaml").unlink()
    done = eval_exec(kpt, fn_script, package, "enabled=true", "requireCRD=false")
    assert done.returncode == 0, done.stderr
    assert_converted(package, rollout_schema)
    assert not (package / "rollout-crd.yaml").exists()


def test_eval_without_a_crd_fails_and_writes_nothing(kpt: str, fn_script: str, package: Path) -> None:
    (package / "rollout-crd.yaml").unlink()
    before = snapshot(package)
    done = eval_exec(kpt, fn_script, package, "enabled=true")
    assert done.returncode != 0
    assert f"{FN}: error: {CRD_MISSING}" in done.stderr  # the function's own stderr, relayed by kpt
    assert f"[error]: {CRD_MISSING}" in done.stderr  # and its error result
    assert "requireCRD to false in the function config" in done.stderr
    assert '[FAIL] "' in done.stderr
    assert snapshot(package) == before


def test_eval_blue_green_with_a_generated_preview_service(kpt: str, fn_script: str, package: Path, rollout_schema: RolloutSchema) -> None:
    done = eval_exec(kpt, fn_script, package, "enabled=true", "strategy=blueGreen", "blueGreen={previewService: generate}")
    assert done.returncode == 0, done.stderr
    rollout = yaml.safe_load((package / "deployment.yaml").read_text())
    assert rollout["kind"] == "Rollout"
    assert rollout["spec"]["strategy"] == {
        "blueGreen": {"activeService": "agents", "previewService": "agents-preview", "autoPromotionEnabled": False}
    }
    rollout_schema.assert_valid(rollout)
    preview = yaml.safe_load((package / "service_agents-preview.yaml").read_text())
    active = yaml.safe_load((package / "service.yaml").read_text())
    assert (preview["kind"], preview["metadata"]["name"]) == ("Service", "agents-preview")
    assert preview["spec"]["selector"] == active["spec"]["selector"] and preview["spec"].get("type", "ClusterIP") == "ClusterIP"
    assert_accepted("".join("---\n" + path.read_text() for path in sorted(package.glob("*.yaml"))))
