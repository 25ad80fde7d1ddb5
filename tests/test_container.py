"""The function's container image, built by scripts/build-image.sh and run by podman.

The image must behave exactly like the installed console script: same stdout (byte for
byte), same stderr, same exit code, under the restrictions kustomize and kpt run it with
(no network, user nobody, read-only root filesystem, no new privileges). Then the same
image through the real tools: kustomize (kustomize/overlays/canary-container, `docker`
being podman through scripts/docker-shim/) and kpt (KPT_FN_RUNTIME=podman).

The image is built once per run of this module; the build is skipped when its inputs have
not changed (see scripts/build-image.sh). Without podman (or without root: the build uses
rootful podman) these tests are skipped, except under CI=true, where the build script runs
regardless and a failed build fails them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from conftest import CRD_FILE, GOLDEN, GOLDEN_CASES, IN_CI, REPO, require_tool
from rollout_schema import RolloutSchema
from tools import TOOLS_BIN, console_script, helm, kustomize, mismatches, run_bytes
from validator import assert_accepted

pytestmark = pytest.mark.container

IMAGE = "localhost/krm-progressive-delivery:dev"
BUILD_SCRIPT = REPO / "scripts" / "build-image.sh"
SHIM = REPO / "scripts" / "docker-shim"
OVERLAYS = REPO / "kustomize" / "overlays"
EXEC_OVERLAY = OVERLAYS / "canary"
CONTAINER_OVERLAY = OVERLAYS / "canary-container"
BASE = REPO / "kustomize" / "base"
CRD_MISSING = "krm-progressive-delivery: error: CustomResourceDefinition rollouts.argoproj.io is not in the list"

# How kustomize runs a container function (minus its -a flags and -e variables), plus
# --read-only, as the Dockerfile promises the image needs no writable filesystem.
PODMAN_RUN = ["run", "--rm", "-i", "--network", "none", "--user", "nobody", "--read-only", "--security-opt=no-new-privileges"]


@pytest.fixture(scope="module")
def image() -> str:
    """The image, built (or found up to date) by scripts/build-image.sh.

    Outside CI the tests are skipped when podman is missing or the user is not root (the
    build uses rootful podman). Under CI=true the script always runs (it installs podman
    and runc when they are missing), and a failed build fails; so does a failed build
    anywhere once podman is there.
    """
    if not IN_CI:
        if not shutil.which("podman"):
            pytest.skip("podman is not installed (scripts/build-image.sh installs it, as root)")
        if os.geteuid() != 0:
            pytest.skip("the image is built with rootful podman: run the tests as root")
    start = time.monotonic()
    done = subprocess.run([str(BUILD_SCRIPT), IMAGE], capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        pytest.fail(f"scripts/build-image.sh failed ({done.returncode}):\n{done.stderr[-6000:]}")
    printed = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    assert printed.get("IMAGE") == IMAGE, done.stdout
    assert int(printed["SIZE"]) > 0, done.stdout
    print(f"\n{IMAGE}: {int(printed['SIZE']) / 1e6:.0f} MB, ready in {time.monotonic() - start:.1f}s")
    return IMAGE


@pytest.fixture(scope="module")
def podman(image: str) -> str:
    found = shutil.which("podman")
    assert found, "scripts/build-image.sh succeeded, yet podman is not on PATH"
    return found


def run_image(podman: str, image: str, stdin: bytes = b"", *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([podman, *PODMAN_RUN, image, *args], input=stdin, capture_output=True, timeout=300)


def test_build_is_idempotent(podman: str, image: str) -> None:
    """A second build with unchanged inputs does nothing, and keeps the image."""
    before = subprocess.run([podman, "image", "inspect", "--format", "{{.Id}}", image], capture_output=True, text=True, check=True)
    again = subprocess.run([str(BUILD_SCRIPT), image], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"{image} is up to date" in again.stderr
    assert "STEP" not in again.stderr, "podman build ran"
    after = subprocess.run([podman, "image", "inspect", "--format", "{{.Id}}", image], capture_output=True, text=True, check=True)
    assert after.stdout == before.stdout


def test_golden_cases_match_the_console_script(podman: str, image: str) -> None:
    """Every golden input, through the image and through the installed console script.

    One test for all cases: each run starts a container (about half a second here), so the
    cases run a few at a time; every mismatching case is reported, with what differs.
    """
    script = console_script()

    def both(case: str) -> tuple[str, subprocess.CompletedProcess[bytes], subprocess.CompletedProcess[bytes]]:
        source = (GOLDEN / case / "input.yaml").read_bytes()
        return case, run_bytes(script, source), run_image(podman, image, source)

    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(both, GOLDEN_CASES))

    problems = [problem for case, local, contained in runs for problem in mismatches(case, local, contained, "container")]
    assert len(runs) == len(GOLDEN_CASES) > 0
    assert not problems, f"{len(problems)} mismatch(es) in {len(GOLDEN_CASES)} cases:\n\n" + "\n\n".join(problems)
    # The cases exercise both outcomes, so exit codes were really compared.
    assert {local.returncode for _, local, _ in runs} == {0, 1}


def test_help_prints_the_usage(podman: str, image: str) -> None:
    done = run_image(podman, image, b"", "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"usage: krm-progressive-delivery < resource-list.yaml > resource-list.yaml\n")
    assert done.stdout == run_bytes(console_script(), b"", "--help").stdout
    assert done.stderr == b""


def test_missing_crd_fails_with_a_readable_error(podman: str, image: str) -> None:
    done = run_image(podman, image, (GOLDEN / "missing-crd" / "input.yaml").read_bytes())
    assert done.returncode == 1
    stderr = done.stderr.decode()
    assert CRD_MISSING in stderr and "requireCRD" in stderr  # what is missing, and the way out
    assert "Traceback" not in stderr
    assert done.stderr == run_bytes(console_script(), (GOLDEN / "missing-crd" / "input.yaml").read_bytes()).stderr


# --- kustomize ------------------------------------------------------------------------------


def container_env() -> dict[str, str]:
    """PATH for kustomize with container functions: the docker shim first, and no console
    script (the exec overlay could not run even if --enable-exec were given)."""
    venv_bin = str(REPO / ".venv" / "bin")
    rest = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != venv_bin]
    return dict(os.environ, PATH=os.pathsep.join([str(SHIM), str(TOOLS_BIN), *rest]))


def kustomize_build(path: Path, *flags: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    helm()
    return subprocess.run(
        [kustomize(), "build", *flags, "--enable-helm", str(path)],
        cwd=REPO,
        env=env or dict(os.environ, PATH=os.pathsep.join([str(REPO / ".venv" / "bin"), str(TOOLS_BIN), os.environ.get("PATH", "")])),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_container_overlay_mirrors_the_exec_overlay() -> None:
    """The overlay's two files are copies of the canary overlay's (kustomize loads neither
    from outside the kustomization root); only the function annotation may differ."""
    name_refs = "rollout-name-references.yaml"
    assert (CONTAINER_OVERLAY / name_refs).read_bytes() == (EXEC_OVERLAY / name_refs).read_bytes()
    exec_config = yaml.safe_load((EXEC_OVERLAY / "progressive-delivery.yaml").read_text())
    container_config = yaml.safe_load((CONTAINER_OVERLAY / "progressive-delivery.yaml").read_text())
    key = "config.kubernetes.io/function"
    assert yaml.safe_load(container_config["metadata"]["annotations"].pop(key)) == {"container": {"image": IMAGE}}
    assert yaml.safe_load(exec_config["metadata"]["annotations"].pop(key)) == {"exec": {"path": "krm-progressive-delivery"}}
    assert container_config == exec_config
    kustomizations = [yaml.safe_load((d / "kustomization.yaml").read_text()) for d in (EXEC_OVERLAY, CONTAINER_OVERLAY)]
    assert kustomizations[0] == kustomizations[1]


def test_kustomize_container_overlay_equals_the_exec_overlay(image: str) -> None:
    contained = kustomize_build(CONTAINER_OVERLAY.relative_to(REPO), "--enable-alpha-plugins", env=container_env())
    assert contained.returncode == 0, contained.stderr
    executed = kustomize_build(EXEC_OVERLAY.relative_to(REPO), "--enable-alpha-plugins", "--enable-exec")
    assert executed.returncode == 0, executed.stderr

    kinds = [(d["kind"], d["metadata"]["name"]) for d in yaml.safe_load_all(contained.stdout)]
    assert ("Rollout", "agents") in kinds and ("Rollout", "agents-controllers") in kinds
    assert not [k for k in kinds if k[0] == "Deployment"]
    assert contained.stdout == executed.stdout
    assert_accepted(contained.stdout)


def test_kustomize_reports_the_missing_crd(tmp_path: Path, image: str) -> None:
    """The container overlay without the CRD component: kustomize fails with the function's message."""
    for name in ("progressive-delivery.yaml", "rollout-name-references.yaml"):
        shutil.copy(CONTAINER_OVERLAY / name, tmp_path)
    (tmp_path / "kustomization.yaml").write_text(
        "resources:\n"
        f"- {os.path.relpath(BASE, tmp_path)}\n"  # kustomize refuses absolute roots
        "transformers:\n- progressive-delivery.yaml\n"
        "configurations:\n- rollout-name-references.yaml\n"
    )
    done = kustomize_build(tmp_path, "--enable-alpha-plugins", env=container_env())
    assert done.returncode != 0
    assert done.stdout == ""
    assert CRD_MISSING in done.stderr and "requireCRD" in done.stderr


# --- kpt ------------------------------------------------------------------------------------

DEPLOYMENT = """\
# The web front end.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 2
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0.0 # pinned by the release process
"""
FUNCTION_CONFIG = """\
apiVersion: delivery.krm-fn.dev/v1alpha1
kind: ProgressiveDelivery
metadata:
  name: web-canary
  annotations:
    config.kubernetes.io/local-config: "true"
spec:
  enabled: true
  selector:
    names:
      - web
"""
KPTFILE = """\
apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: shop
  annotations:
    config.kubernetes.io/local-config: "true"
pipeline:
  mutators:
    - {function}
      configPath: progressive-delivery.yaml
"""


def kpt_package(root: Path, function: str, with_crd: bool = True) -> Path:
    package = root / "shop"
    package.mkdir()
    (package / "Kptfile").write_text(KPTFILE.format(function=function))
    (package / "deployment.yaml").write_text(DEPLOYMENT)
    (package / "progressive-delivery.yaml").write_text(FUNCTION_CONFIG)
    if with_crd:
        if not CRD_FILE.exists():
            pytest.fail(f"the upstream Rollout CRD is missing: {CRD_FILE}")
        # local-config: the package renders it but never applies it.
        crd = CRD_FILE.read_text()
        assert crd.startswith("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  annotations:\n")
        crd = crd.replace("  annotations:\n", '  annotations:\n    config.kubernetes.io/local-config: "true"\n', 1)
        (package / "rollout-crd.yaml").write_text(crd)
    return package


def kpt_render(package: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, KPT_FN_RUNTIME="podman")
    return subprocess.run(
        [require_tool("kpt"), "fn", "render", package.name, *extra],
        cwd=package.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_kpt_render_runs_the_image(tmp_path: Path, image: str, rollout_schema: RolloutSchema) -> None:
    (tmp_path / "container").mkdir()
    package = kpt_package(tmp_path / "container", f"image: {image}")
    done = kpt_render(package, "--results-dir", str(tmp_path / "results"))
    assert done.returncode == 0, done.stderr
    assert f'[PASS] "{image}"' in done.stderr
    assert "[info] apps/v1/Deployment/shop/web: converted to an Argo Rollout" in done.stderr

    rollout = yaml.safe_load((package / "deployment.yaml").read_text())
    assert (rollout["apiVersion"], rollout["kind"]) == ("argoproj.io/v1alpha1", "Rollout")
    assert rollout["spec"]["strategy"] == {"canary": {"maxSurge": 2, "maxUnavailable": 0, "steps": [{"setWeight": 25}, {"pause": {}}]}}
    rollout_schema.assert_valid(rollout)
    assert_accepted([rollout])
    report = yaml.safe_load((tmp_path / "results" / "results.yaml").read_text())
    assert report["exitCode"] == 0 and report["items"][0]["image"] == image

    # The same package through the console script (exec): the same files.
    (tmp_path / "exec").mkdir()
    exec_package = kpt_package(tmp_path / "exec", f"exec: {console_script()}")
    executed = kpt_render(exec_package, "--allow-exec")
    assert executed.returncode == 0, executed.stderr
    for name in ("deployment.yaml", "progressive-delivery.yaml", "rollout-crd.yaml"):
        assert (package / name).read_text() == (exec_package / name).read_text(), name


def test_kpt_render_reports_the_missing_crd(tmp_path: Path, image: str) -> None:
    package = kpt_package(tmp_path, f"image: {image}", with_crd=False)
    done = kpt_render(package)
    assert done.returncode != 0
    assert CRD_MISSING in done.stderr
    assert (package / "deployment.yaml").read_text() == DEPLOYMENT, "kpt wrote the package despite the error"
