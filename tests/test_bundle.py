"""The self-contained executable folder (scripts/build-bundle.sh), for hosts without Python.

The folder dist/krm-progressive-delivery/ must behave exactly like the installed console
script (same stdout byte for byte, same stderr, same exit code) on every golden case, with
the environment as it is and with none at all (no locale: what a bare host may give it).
Then where it is meant to run: a Debian bookworm minbase container with no Python at all,
holding only the folder and the real kustomize and helm binaries, runs the canary overlay
as Argo CD's repo-server would (`kustomize build --enable-alpha-plugins --enable-exec
--enable-helm`), and prints what the same build prints on this machine with the console
script. Last, the folder inside the function's image is the one to copy out (what an Argo
CD initContainer does), and it runs where it is copied to.

The bundle is built once per run of this module (a no-op when its inputs have not
changed). Its build needs PyInstaller from PyPI and objdump; the container tests need
podman and root, as tests/test_container.py does. Under CI=true nothing here is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

import tools
from conftest import GOLDEN, GOLDEN_CASES, IN_CI, REPO
from tools import BUNDLE_DIR, TOOLS_BIN, VENV_BIN, console_script, helm, kustomize, mismatches, run_bytes

pytestmark = pytest.mark.bundle

BUILD_SCRIPT = REPO / "scripts" / "build-bundle.sh"
NAME = "krm-progressive-delivery"
EXAMPLE = REPO / "examples" / "agents.resource-list.yaml"
KUSTOMIZE_DIR = REPO / "kustomize"
CANARY = "overlays/canary"
BUILD_FLAGS = ["build", "--enable-alpha-plugins", "--enable-exec", "--enable-helm"]
IMAGE = "localhost/krm-progressive-delivery:dev"
NO_ENV = {"PATH": "/usr/bin:/bin"}  # env -i, as far as a child process can tell


def build_bundle() -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BUILD_SCRIPT)], capture_output=True, text=True, timeout=3600)


@pytest.fixture(scope="module")
def bundle() -> Path:
    """The entry point of the folder (tools.bundle)."""
    return tools.bundle()


# --- the build ------------------------------------------------------------------------------


def test_second_build_is_a_quick_no_op(bundle: Path) -> None:
    before = (BUNDLE_DIR / "BUILD-INFO").read_text()
    start = time.monotonic()
    again = build_bundle()
    elapsed = time.monotonic() - start
    assert again.returncode == 0, again.stderr
    assert "is up to date" in again.stderr and "pyinstaller" not in again.stderr, again.stderr
    assert (BUNDLE_DIR / "BUILD-INFO").read_text() == before
    assert elapsed < 10, f"a build with nothing to do took {elapsed:.1f}s"


def test_carries_libyaml_and_pydantic_core(bundle: Path) -> None:
    """The C extensions are in the folder, and load (the launcher's self-test, which the
    build also runs): PyYAML's C loader is what the function uses when present."""
    assert list(BUNDLE_DIR.glob("_internal/yaml/_yaml.cpython-*.so"))
    assert list(BUNDLE_DIR.glob("_internal/pydantic_core/_pydantic_core.cpython-*.so"))
    done = subprocess.run([bundle], env={**NO_ENV, "KRM_FN_BUNDLE_SELFTEST": "1"}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "libyaml=True" in done.stdout and "pydantic_core=" in done.stdout
    info = (BUNDLE_DIR / "BUILD-INFO").read_text()
    assert "entry-point=krm_fn.cli:main" in info and "libyaml=True" in info


# --- behaviour: identical to the console script ---------------------------------------------


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_golden_case_matches_the_console_script(bundle: Path, case: str) -> None:
    source = (GOLDEN / case / "input.yaml").read_bytes()
    expected, actual = run_bytes(console_script(), source), run_bytes(bundle, source)
    assert not mismatches(case, expected, actual, "bundle"), "\n".join(mismatches(case, expected, actual, "bundle"))
    assert actual.returncode == yaml.safe_load((GOLDEN / case / ".expected" / "config.yaml").read_text())["exitCode"]


def test_golden_cases_match_with_no_environment(bundle: Path) -> None:
    """No LANG, no HOME, nothing: non-ASCII output (yaml-fidelity) and error messages still
    come out as the console script writes them."""
    problems = []
    for case in GOLDEN_CASES:
        source = (GOLDEN / case / "input.yaml").read_bytes()
        problems += mismatches(case, run_bytes(console_script(), source, env=NO_ENV), run_bytes(bundle, source, env=NO_ENV), "bundle")
    assert not problems, f"{len(problems)} mismatch(es):\n\n" + "\n\n".join(problems)


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--version"], ["--schema"], ["--frobnicate"]])
def test_arguments_match_the_console_script(bundle: Path, args: list[str]) -> None:
    expected, actual = run_bytes(console_script(), b"", *args), run_bytes(bundle, b"", *args)
    assert not mismatches(" ".join(args), expected, actual, "bundle")


def test_runs_from_anywhere(bundle: Path, tmp_path: Path) -> None:
    """Relocatable: a copy elsewhere, called through a symlink on PATH, from another
    directory, as kustomize's exec transformer does."""
    copy = tmp_path / "tools" / NAME
    shutil.copytree(BUNDLE_DIR, copy, symlinks=True)
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / NAME).symlink_to(copy / NAME)
    done = subprocess.run(
        [NAME], input=EXAMPLE.read_bytes(), capture_output=True, cwd=tmp_path, env={"PATH": str(tmp_path / "bin")}, timeout=300
    )
    assert not mismatches("agents list", run_bytes(console_script(), EXAMPLE.read_bytes()), done, "bundle")


# --- where there is no Python ---------------------------------------------------------------


def podman_setup() -> str:
    """podman, made usable by scripts/container-runtime.sh (as test_container.py: skipped
    outside CI without podman or root)."""
    if not IN_CI:
        if not shutil.which("podman"):
            pytest.skip("podman is not installed (scripts/container-runtime.sh installs it, as root)")
        if os.geteuid() != 0:
            pytest.skip("the container tests use rootful podman: run the tests as root")
    done = subprocess.run([str(REPO / "scripts" / "container-runtime.sh")], capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        pytest.fail(f"scripts/container-runtime.sh failed:\n{done.stderr[-4000:]}")
    found = shutil.which("podman")
    assert found, "scripts/container-runtime.sh succeeded, yet podman is not on PATH"
    return found


@pytest.fixture(scope="module")
def minbase(bundle: Path) -> tuple[str, str]:
    """podman, and the Debian bookworm minbase image (no Python) from scripts/base-image.sh."""
    podman = podman_setup()
    done = subprocess.run([str(REPO / "scripts" / "base-image.sh")], capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        pytest.fail(f"scripts/base-image.sh failed:\n{done.stderr[-4000:]}")
    images = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    return podman, images["BASE_IMAGE"]


def in_minbase(
    podman: str, image: str, script: str, *mounts: str, env: dict[str, str] | None = None, user: str = "nobody"
) -> subprocess.CompletedProcess[str]:
    """Run a shell script in the image as kustomize's container functions are run: no
    network, user nobody, read-only root filesystem (podman gives /tmp a tmpfs)."""
    args = [podman, "run", "--rm", "--network", "none", "--user", user, "--read-only", "--security-opt=no-new-privileges"]
    for mount in mounts:
        args += ["-v", mount]
    for key, value in (env or {}).items():
        args += ["-e", f"{key}={value}"]
    return subprocess.run([*args, image, "/bin/sh", "-c", script], capture_output=True, text=True, timeout=600)


def test_minbase_image_has_no_python(minbase: tuple[str, str]) -> None:
    podman, image = minbase
    # root, so that find reads every directory
    script = (
        'for name in python3 python; do command -v "$name" || echo "no $name"; done; '
        "find / -xdev \\( -name 'python*' -o -name 'libpython*' \\) \\( -type f -o -type l \\) -print"
    )
    done = in_minbase(podman, image, script, user="root")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "no python3\nno python\n", done.stdout


def test_kustomize_in_a_container_without_python(minbase: tuple[str, str], bundle: Path) -> None:
    """The canary overlay, built in the minbase container with only the bundle providing the
    function, gives the same output as the build on this machine with the console script."""
    podman, image = minbase
    helm_bin, kustomize_bin = helm(), kustomize()
    crd = KUSTOMIZE_DIR / "components" / "argo-rollouts-crd" / "rollout-crd.yaml"
    assert crd.exists(), "run scripts/fetch-rollout-crd.sh (scripts/setup.sh does)"

    host_env = dict(os.environ, PATH=os.pathsep.join([str(VENV_BIN), str(TOOLS_BIN), os.environ.get("PATH", "")]))
    on_host = subprocess.run(
        [kustomize_bin, *BUILD_FLAGS, f"kustomize/{CANARY}"], cwd=REPO, env=host_env, capture_output=True, text=True, timeout=600
    )
    assert on_host.returncode == 0, on_host.stderr

    script = (
        "set -e\n"
        "if command -v python3 || command -v python; then echo 'python is here' >&2; exit 97; fi\n"
        'test "$(command -v krm-progressive-delivery)" = /opt/krm-progressive-delivery/krm-progressive-delivery\n'
        f"cd /work/kustomize && exec kustomize {' '.join(BUILD_FLAGS)} {CANARY}\n"
    )
    mounts = [
        f"{BUNDLE_DIR}:/opt/{NAME}:ro",
        f"{kustomize_bin}:/usr/local/bin/kustomize:ro",
        f"{helm_bin}:/usr/local/bin/helm:ro",
        f"{KUSTOMIZE_DIR / CANARY}:/work/kustomize/{CANARY}:ro",
        f"{KUSTOMIZE_DIR / 'base'}:/work/kustomize/base:ro",
        f"{KUSTOMIZE_DIR / 'components' / 'argo-rollouts-crd'}:/work/kustomize/components/argo-rollouts-crd:ro",
    ]
    path = f"/opt/{NAME}:/usr/local/bin:/usr/bin:/bin"
    contained = in_minbase(podman, image, script, *mounts, env={"PATH": path, "HOME": "/tmp"})
    assert contained.returncode == 0, contained.stderr[-4000:]
    assert "kind: Rollout" in contained.stdout and "kind: Deployment" not in contained.stdout
    assert contained.stdout == on_host.stdout


# --- the folder in the image ----------------------------------------------------------------


@pytest.fixture(scope="module")
def image(minbase: tuple[str, str]) -> str:
    done = subprocess.run([str(REPO / "scripts" / "build-image.sh"), IMAGE], capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        pytest.fail(f"scripts/build-image.sh failed ({done.returncode}):\n{done.stderr[-6000:]}")
    return IMAGE


def test_image_folder_copies_out_and_runs(minbase: tuple[str, str], image: str, tmp_path: Path) -> None:
    """What an Argo CD initContainer does (`cp -r /opt/krm-progressive-delivery /custom-tools/`),
    then the copy runs in the python-less container, and on this machine."""
    podman, base = minbase
    tools = tmp_path / "custom-tools"
    tools.mkdir()
    tools.chmod(0o777)  # the image runs as nobody
    done = subprocess.run(
        [
            podman,
            "run",
            "--rm",
            "--network",
            "none",
            "-v",
            f"{tools}:/custom-tools",
            "--entrypoint",
            "cp",
            image,
            "-r",
            f"/opt/{NAME}",
            "/custom-tools/",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    copied = tools / NAME / NAME
    assert copied.is_file() and os.access(copied, os.X_OK)

    expected = run_bytes(console_script(), EXAMPLE.read_bytes())
    assert not mismatches("agents list (copy, host)", expected, run_bytes(copied, EXAMPLE.read_bytes()), "bundle")
    contained = subprocess.run(
        [
            podman,
            "run",
            "--rm",
            "-i",
            "--network",
            "none",
            "--user",
            "nobody",
            "--read-only",
            "-v",
            f"{tools}:/custom-tools:ro",
            base,
            f"/custom-tools/{NAME}/{NAME}",
        ],
        input=EXAMPLE.read_bytes(),
        capture_output=True,
        timeout=300,
    )
    assert not mismatches("agents list (copy, minbase)", expected, contained, "bundle")
