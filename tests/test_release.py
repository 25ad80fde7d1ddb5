"""The release (scripts/release.sh): the files it builds into dist/release/, and each way to install them.

The release is built once per test session (the folder and the image come from their own scripts,
which rebuild only when their inputs change), with --allow-dirty (a work tree being tested may hold
changes) and, outside CI, --skip-image where podman or root is missing. Then each recipe is run
with the released files, never with the repository's own copies:

- pip: the wheel in a fresh venv, its dependencies at the versions this venv runs, from wheels
  downloaded beforehand (the install itself is --no-index), renders every golden case as the
  console script does;
- the folder's archive, extracted: every golden case as the console script; `kustomize build` of
  the canary overlay in a Debian minbase container with no Python (test_bundle's machinery);
- Helm v3 with the extracted executable as post-renderer, Helm v4 with the plugin archive
  installed by `helm plugin install` and the extracted folder on PATH;
- Argo CD v3.6.1's own rendering code (argocd-build) with the extracted folder, and the image
  recipe of deploy/argocd: the image pulled from the released OCI archive by the tag the overlay
  names, its folder copied out by the init container's own command, and rendered with.

The image archive's index, manifest and config are read with tarfile and json alone. Under CI=true
nothing here is skipped.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from test_argocd import EXAMPLE, Host, by_name
from test_bundle import BUILD_FLAGS, CANARY, KUSTOMIZE_DIR, NO_ENV, in_minbase, podman_setup
from test_helm import CONFIG, PLUGIN, TEMPLATE, rollouts

from krm_fn import NAME, __version__

from conftest import GOLDEN, GOLDEN_CASES, IN_CI, REPO, require_tool, unavailable
from goldens import expected_config
from tools import TOOLS_BIN, VENV_BIN, bundle, console_script, helm, kustomize, mismatches, run, run_bytes

pytestmark = [pytest.mark.tools, pytest.mark.bundle]

SCRIPT = REPO / "scripts" / "release.sh"
RELEASE_DIR = REPO / "dist" / "release"
MAJOR, MINOR, _ = __version__.split(".")
TAGS = [__version__, f"v{MAJOR}.{MINOR}", f"v{MAJOR}"]
WHEEL = f"krm_progressive_delivery-{__version__}-py3-none-any.whl"
SDIST = f"krm_progressive_delivery-{__version__}.tar.gz"
BUNDLE = f"{NAME}-{__version__}-linux-amd64.tar.gz"
PLUGIN_ARCHIVE = f"{NAME}-{__version__}.helm-plugin.tgz"
IMAGE_ARCHIVE = f"{NAME}-{__version__}-image.oci.tar"
MANIFEST = f"{NAME}-{__version__}.release.json"
REF_NAME = "org.opencontainers.image.ref.name"


@dataclass
class Release:
    """dist/release/ as scripts/release.sh left it, and how it was asked for."""

    dir: Path
    manifest: dict[str, Any]
    args: list[str]

    def __truediv__(self, name: str) -> Path:
        return self.dir / name

    @property
    def epoch(self) -> int:
        epoch: int = self.manifest["source_date_epoch"]
        return epoch


def release_args() -> list[str]:
    """--allow-dirty always; --skip-image only outside CI, where podman or root is missing."""
    args = ["--allow-dirty"]
    if not IN_CI and (shutil.which("podman") is None or os.geteuid() != 0):
        args.append("--skip-image")
    return args


def run_release(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        pytest.fail(f"scripts/release.sh {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-6000:]}")
    return done


@pytest.fixture(scope="session")
def release() -> Release:
    require_tool("objdump")  # the glibc floor, and PyInstaller's
    args = release_args()
    start = time.monotonic()
    done = run_release(*args)
    printed = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    assert printed["RELEASE"] == str(RELEASE_DIR) and printed["VERSION"] == __version__, done.stdout
    print(f"\nscripts/release.sh {' '.join(args)}: {time.monotonic() - start:.0f}s")
    return Release(RELEASE_DIR, json.loads((RELEASE_DIR / MANIFEST).read_text()), args)


def image_built(release: Release) -> None:
    if "--skip-image" in release.args:
        unavailable("the release was built with --skip-image (no podman, or not root)")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()


# --- the files --------------------------------------------------------------------------------


def test_sha256sums_list_every_file_and_match(release: Release) -> None:
    lines = (release / "SHA256SUMS").read_text().splitlines()
    sums = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    assert list(sums) == sorted(sums), "not sorted by name"
    assert set(sums) == {p.name for p in release.dir.iterdir()} - {"SHA256SUMS"}
    assert all((release / name).is_file() for name in sums)
    for name, digest in sums.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name


def test_the_files_and_the_manifest_name_this_version_and_commit(release: Release) -> None:
    expected = {WHEEL, SDIST, BUNDLE, PLUGIN_ARCHIVE, MANIFEST, "SHA256SUMS", f"{WHEEL}.cdx.json", f"{BUNDLE}.cdx.json"}
    if "--skip-image" not in release.args:
        expected.add(IMAGE_ARCHIVE)
    assert {p.name for p in release.dir.iterdir()} == expected
    manifest = release.manifest
    assert (manifest["name"], manifest["version"]) == (NAME, __version__)
    assert manifest["commit"] == git("rev-parse", "HEAD")
    assert manifest["revision"] == manifest["commit"] + ("-dirty" if manifest["dirty"] else "")
    assert release.epoch == int(git("log", "-1", "--format=%ct", "HEAD"))
    assert manifest["created"] == datetime.fromtimestamp(release.epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    license = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["license"]
    assert manifest["license"] == (license if isinstance(license, str) else license["text"])


def tar_members(path: Path) -> list[tarfile.TarInfo]:
    with tarfile.open(path) as archive:
        return archive.getmembers()


@pytest.mark.parametrize("name", [SDIST, BUNDLE, PLUGIN_ARCHIVE, IMAGE_ARCHIVE])
def test_archives_are_written_reproducibly(release: Release, name: str) -> None:
    """Sorted by name, owner 0:0, every time SOURCE_DATE_EPOCH (HEAD's commit time), no group or
    other write bit; gzip without the time of the run."""
    if name == IMAGE_ARCHIVE:
        image_built(release)
    members = tar_members(release / name)
    # GNU tar's --sort=name: depth first, each folder's entries by name
    assert [m.name for m in members] == sorted((m.name for m in members), key=lambda name: name.split("/"))
    assert {(m.mtime, m.uid, m.gid) for m in members} == {(release.epoch, 0, 0)}
    assert not [m.name for m in members if m.mode & 0o022]
    if name.endswith("gz"):
        header = (release / name).read_bytes()[:10]
        assert int.from_bytes(header[4:8], "little") in (0, release.epoch)


def test_a_second_run_gives_the_same_bytes(release: Release, tmp_path: Path) -> None:
    """With nothing changed, a second build (the folder and image scripts find themselves up to date)
    writes the same files, byte for byte: the archives do not carry the time of the run."""
    second = tmp_path / "release"
    run_release(*release.args, "--out", str(second))
    assert (second / "SHA256SUMS").read_text() == (release / "SHA256SUMS").read_text()


def test_sboms_name_what_went_in(release: Release, released_bundle: Path) -> None:
    """CycloneDX 1.6 from cyclonedx-py: the wheel's closure at the folder's versions; the folder's
    build venv with each package in it or marked a build tool, plus Python and the shared libraries."""
    build_venv = dict(
        line.removeprefix("build-venv=").split("==")
        for line in (released_bundle.parent / "BUILD-INFO").read_text().splitlines()
        if line.startswith("build-venv=")
    )
    for artifact in (WHEEL, BUNDLE):
        bom = json.loads((release / f"{artifact}.cdx.json").read_text())
        assert (bom["bomFormat"], bom["specVersion"]) == ("CycloneDX", "1.6")
        root = bom["metadata"]["component"]
        assert (root["name"], root["version"]) == (NAME, __version__)
        assert root["hashes"] == [{"alg": "SHA-256", "content": hashlib.sha256((release / artifact).read_bytes()).hexdigest()}]
        assert bom["metadata"]["timestamp"] == datetime.fromtimestamp(release.epoch, UTC).isoformat()
        refs = [c["bom-ref"] for c in bom["components"]]
        assert len(refs) == len(set(refs))
        if artifact == WHEEL:
            versions = {c["name"]: c["version"] for c in bom["components"]}
            assert set(versions) == {"PyYAML", "pydantic", "pydantic_core", "annotated-types", "typing_extensions", "typing-inspection"}
            assert versions == {name: build_venv[name] for name in versions}
            continue
        scope = {c["name"].lower(): c["scope"] for c in bom["components"]}
        assert {scope[n] for n in ("pyyaml", "pydantic", "pydantic_core", "cpython", "pyinstaller")} == {"required"}
        assert {scope[n] for n in ("pyinstaller-hooks-contrib", "altgraph", "setuptools")} == {"excluded"}
        python = next(c for c in bom["components"] if c["name"] == "cpython")
        assert f"python={python['version']} " in release.manifest["bundle"]["build_info"]["selftest"]
        # Every shared library the packager copied in is accounted for.
        noted = " ".join(p["value"] for c in bom["components"] for p in c.get("properties", []))
        for library in (released_bundle.parent / "_internal").glob("*.so*"):
            assert library.name in noted, library.name


# --- pip ------------------------------------------------------------------------------------


def pinned_closure(requirements: list[str]) -> dict[str, str]:
    """The requirements and theirs, at the versions this interpreter has installed."""
    pins: dict[str, str] = {}
    todo = list(requirements)
    while todo:
        requirement = Requirement(todo.pop())
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = metadata.distribution(requirement.name).metadata["Name"]
        if name not in pins:
            pins[name] = metadata.version(name)
            todo += metadata.requires(name) or []
    return pins


@pytest.fixture(scope="module")
def pip_venv(release: Release, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the released wheel installed by pip, offline, from wheels fetched beforehand."""
    tmp = tmp_path_factory.mktemp("pip")
    with io.BytesIO((release / WHEEL).read_bytes()) as data, zipfile.ZipFile(data) as wheel:
        wheel_metadata = wheel.read(f"krm_progressive_delivery-{__version__}.dist-info/METADATA").decode()
    requires = [line.split(": ", 1)[1] for line in wheel_metadata.splitlines() if line.startswith("Requires-Dist: ")]
    pins = pinned_closure(requires)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    # The fresh venv's own pip fetches the wheels (the project's venv has none: scripts/setup.sh).
    wheelhouse = tmp / "wheels"
    pip = [str(python), "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps", "--only-binary=:all:"]
    download = subprocess.run(
        [*pip, "--dest", str(wheelhouse), *(f"{name}=={version}" for name, version in sorted(pins.items()))],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if download.returncode != 0:
        unavailable(f"pip download of the wheel's dependencies failed (PyPI unreachable?):\n{download.stderr[-3000:]}")
    install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index"]
    done = subprocess.run([*install, "--find-links", str(wheelhouse), str(release / WHEEL)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format", "json"], capture_output=True, text=True, check=True).stdout
    installed = {d["name"]: d["version"] for d in json.loads(listed) if d["name"] not in ("pip", "setuptools")}
    assert installed == {**pins, NAME: __version__}
    return venv


def test_pip_installs_the_wheel_not_the_repository(pip_venv: Path, tmp_path: Path) -> None:
    code = "import importlib.metadata as m, krm_fn; print(krm_fn.__file__); print(m.version('krm-progressive-delivery'))"
    done = subprocess.run([str(pip_venv / "bin" / "python"), "-c", code], cwd=tmp_path, capture_output=True, text=True, env=NO_ENV)
    assert done.returncode == 0, done.stderr
    module, version = done.stdout.split()
    assert Path(module).is_relative_to(pip_venv) and version == __version__


@functools.cache
def console_script_run(case: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The console script's run of a golden case (or of `args` with no input), once per session."""
    source = (GOLDEN / case / "input.yaml").read_bytes() if case else b""
    return run_bytes(console_script(), source, *args)


def golden_problems(executable: Path, runner: str) -> list[str]:
    """Every golden case, run by `executable` and by the console script: what differs (stdout, stderr,
    exit code), and any exit code that is not the case's expected one; `--version` and `--help` too.
    Two at a time (the machine's cores)."""

    def check(case: str) -> list[str]:
        source = (GOLDEN / case / "input.yaml").read_bytes()
        actual = run_bytes(executable, source)
        problems = mismatches(case, console_script_run(case), actual, runner)
        want = expected_config(case)["exitCode"]
        if actual.returncode != want:
            problems.append(f"{case}: exit code {actual.returncode}, expected {want}")
        return problems

    with ThreadPoolExecutor(max_workers=2) as pool:
        problems = [problem for found in pool.map(check, GOLDEN_CASES) for problem in found]
    for args in (["--version"], ["--help"]):
        problems += mismatches(" ".join(args), console_script_run("", *args), run_bytes(executable, b"", *args), runner)
    return problems


def test_pip_wheel_renders_every_golden_case_as_the_console_script(pip_venv: Path) -> None:
    problems = golden_problems(pip_venv / "bin" / NAME, "wheel")
    assert not problems, f"{len(problems)} mismatch(es):\n\n" + "\n\n".join(problems)


# --- the folder's archive ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def released_bundle(release: Release, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The released archive, extracted (tarfile's data filter: nothing outside, no devices); its executable."""
    target = tmp_path_factory.mktemp("bundle")
    with tarfile.open(release / BUNDLE) as archive:
        assert {m.name.split("/")[0] for m in archive.getmembers()} == {NAME}, "one folder at the top"
        archive.extractall(target, filter="data")
    executable = target / NAME / NAME
    assert executable.is_file() and os.access(executable, os.X_OK)
    return executable


def test_bundle_archive_is_the_folder_the_manifest_describes(release: Release, released_bundle: Path) -> None:
    info = dict(line.split("=", 1) for line in (released_bundle.parent / "BUILD-INFO").read_text().splitlines() if "=" in line)
    described = release.manifest["bundle"]
    assert {key: info[key] for key in described["build_info"]} == described["build_info"]
    assert (described["archive"], described["executable"]) == (BUNDLE, f"{NAME}/{NAME}")


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def test_bundle_glibc_floor_is_what_its_files_need(release: Release, released_bundle: Path) -> None:
    """The floor in the manifest is the highest GLIBC_x.y an undefined dynamic symbol of any ELF file
    in the folder names (objdump -T), and this machine, where the folder ran, has at least that."""
    objdump = require_tool("objdump")
    needs: dict[tuple[int, ...], set[str]] = {}
    for path in sorted(released_bundle.parent.rglob("*")):
        if path.is_file() and path.read_bytes()[:4] == b"\x7fELF":
            table = subprocess.run([objdump, "-T", str(path)], capture_output=True, text=True, check=True).stdout
            for version in re.findall(r"\*UND\*.*?\bGLIBC_([0-9.]+)", table):
                needs.setdefault(version_tuple(version), set()).add(path.name)
    floor = max(needs)
    assert release.manifest["bundle"]["glibc_floor"] == ".".join(map(str, floor))
    assert sorted(Path(p).name for p in release.manifest["bundle"]["glibc_floor_needed_by"]) == sorted(needs[floor])
    host = os.confstr("CS_GNU_LIBC_VERSION") or ""
    assert version_tuple(host.split()[-1]) >= floor, host


def test_bundle_archive_renders_every_golden_case_as_the_console_script(released_bundle: Path) -> None:
    """(tests/test_bundle.py runs the folder with no environment at all too: the same bytes.)"""
    problems = golden_problems(released_bundle, "released bundle")
    assert not problems, f"{len(problems)} mismatch(es):\n\n" + "\n\n".join(problems)


@pytest.fixture(scope="module")
def minbase_image() -> tuple[str, str]:
    """podman and the Debian bookworm minbase image (no Python), as test_bundle has them."""
    podman = podman_setup()
    done = subprocess.run([str(REPO / "scripts" / "base-image.sh")], capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        pytest.fail(f"scripts/base-image.sh failed:\n{done.stderr[-4000:]}")
    return podman, dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)["BASE_IMAGE"]


@pytest.mark.container
def test_bundle_archive_builds_the_canary_overlay_where_there_is_no_python(
    release: Release, released_bundle: Path, minbase_image: tuple[str, str]
) -> None:
    """test_bundle's container run, with the extracted released folder: `kustomize build` of the
    canary overlay prints what the build on this machine with the console script prints; and the
    container's glibc is at least the folder's floor."""
    podman, image = minbase_image
    on_host = run([kustomize(), *BUILD_FLAGS, f"kustomize/{CANARY}"], cwd=REPO)
    assert on_host.returncode == 0, on_host.stderr
    script = (
        "set -e\n"
        "if command -v python3 || command -v python; then echo 'python is here' >&2; exit 97; fi\n"
        "getconf GNU_LIBC_VERSION >&2\n"
        f"cd /work/kustomize && exec kustomize {' '.join(BUILD_FLAGS)} {CANARY}\n"
    )
    mounts = [
        f"{released_bundle.parent}:/opt/{NAME}:ro",
        f"{kustomize()}:/usr/local/bin/kustomize:ro",
        f"{helm()}:/usr/local/bin/helm:ro",
        f"{KUSTOMIZE_DIR / CANARY}:/work/kustomize/{CANARY}:ro",
        f"{KUSTOMIZE_DIR / 'base'}:/work/kustomize/base:ro",
        f"{KUSTOMIZE_DIR / 'components' / 'argo-rollouts-crd'}:/work/kustomize/components/argo-rollouts-crd:ro",
    ]
    contained = in_minbase(podman, image, script, *mounts, env={"PATH": f"/opt/{NAME}:/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp"})
    assert contained.returncode == 0, contained.stderr[-4000:]
    assert contained.stdout == on_host.stdout
    glibc = re.search(r"^glibc (\d+\.\d+)$", contained.stderr, re.M)
    assert glibc, contained.stderr
    floor = release.manifest["bundle"]["glibc_floor"]
    assert version_tuple(glibc.group(1)) >= version_tuple(floor), (glibc.group(1), floor)


# --- Helm -------------------------------------------------------------------------------------


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "progressive-delivery.yaml"
    path.write_text(CONFIG)
    return path


def test_helm3_post_renderer_with_the_released_executable(released_bundle: Path, config: Path) -> None:
    """`helm template --post-renderer <extracted executable>` prints what it prints with the console script."""
    args = [helm(), *TEMPLATE, f"--post-renderer-args=--post-renderer={config}", "--post-renderer"]
    released, expected = run([*args, str(released_bundle)]), run([*args, console_script()])
    assert released.returncode == 0 and released.stderr == "", released.stderr
    assert sorted(rollouts(released.stdout)) == ["agents", "agents-controllers"]
    assert not [d for d in yaml.safe_load_all(released.stdout) if d and d["kind"] == "Deployment"]
    assert released.stdout == expected.stdout


def helm_homes(root: Path) -> dict[str, str]:
    """Helm v4's directories under `root`. HELM_PLUGINS is HELM_DATA_HOME's plugins folder: Helm
    v4.3 installs a plugin archive there whatever HELM_PLUGINS says, and loads plugins from HELM_PLUGINS."""
    return {
        "HELM_DATA_HOME": str(root / "data"),
        "HELM_PLUGINS": str(root / "data" / "plugins"),
        "HELM_CONFIG_HOME": str(root / "config"),
        "HELM_CACHE_HOME": str(root / "cache"),
    }


def test_helm4_installs_the_plugin_archive_and_renders_with_it(
    release: Release, released_bundle: Path, config: Path, tmp_path: Path
) -> None:
    helm4 = require_tool("helm4", str(TOOLS_BIN / "helm4"))
    homes = helm_homes(tmp_path / "released")
    # The archive is not signed: Helm v4 verifies by default, and refuses it without a .prov file.
    refused = run([helm4, "plugin", "install", str(release / PLUGIN_ARCHIVE)], env=homes)
    assert refused.returncode == 1 and "no provenance file (.prov) found" in refused.stderr, refused.stderr
    installed = run([helm4, "plugin", "install", "--verify=false", str(release / PLUGIN_ARCHIVE)], env=homes)
    assert installed.returncode == 0, installed.stderr
    assert f"Installed plugin: {NAME}" in installed.stdout
    assert (Path(homes["HELM_PLUGINS"]) / NAME / "plugin.yaml").read_bytes() == (PLUGIN / "plugin.yaml").read_bytes()

    # The plugin's command from the extracted folder on PATH (and no console script there).
    path = os.pathsep.join([str(released_bundle.parent), "/usr/bin", "/bin"])
    assert shutil.which(NAME, path=path) == str(released_bundle)
    args = [helm4, *TEMPLATE, "--post-renderer", NAME, "--post-renderer-args", str(config)]
    released = run(args, env={**homes, "PATH": path})
    assert released.returncode == 0, released.stderr
    assert sorted(rollouts(released.stdout)) == ["agents", "agents-controllers"]

    # The same as the repository's plugin folder with the console script (tests/test_helm.py's recipe).
    repo_homes = helm_homes(tmp_path / "repo")
    shutil.copytree(PLUGIN, Path(repo_homes["HELM_PLUGINS"]) / NAME)
    expected = run(args, env={**repo_homes, "PATH": os.pathsep.join([str(VENV_BIN), "/usr/bin", "/bin"])})
    assert expected.returncode == 0, expected.stderr
    assert released.stdout == expected.stdout


# --- Argo CD ----------------------------------------------------------------------------------


def repo_server(function_dir: Path, tmp_path: Path) -> Host:
    """test_argocd's repo-server: the function's folder, kustomize, helm and git on PATH, and nothing else."""
    binary = require_tool("argocd-build", str(TOOLS_BIN / "argocd-build"))
    kustomize()
    helm()
    git_dir = tmp_path / "git"
    git_dir.mkdir(exist_ok=True)
    if not (git_dir / "git").exists():
        (git_dir / "git").symlink_to(require_tool("git"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = os.pathsep.join([str(function_dir), str(TOOLS_BIN), str(git_dir)])
    return Host(binary, env)


def test_argocd_renders_the_example_with_the_released_folder(released_bundle: Path, tmp_path: Path) -> None:
    """argocd-build (Argo CD's own util/kustomize) with the extracted folder renders the example
    Application as test_argocd's repo-server does with the folder scripts/build-bundle.sh built."""
    objects = repo_server(released_bundle.parent, tmp_path).render(EXAMPLE)
    assert [o["metadata"]["name"] for o in objects if o["kind"] == "Rollout"] == ["agents", "agents-controllers"]
    assert objects == repo_server(bundle().parent, tmp_path).render(EXAMPLE)


# --- the image --------------------------------------------------------------------------------


def archive_file(archive: tarfile.TarFile, name: str) -> bytes:
    member = archive.extractfile(name)
    assert member is not None, name
    return member.read()


def oci_blob(archive: tarfile.TarFile, digest: str) -> bytes:
    algorithm, hexdigest = digest.split(":")
    data = archive_file(archive, f"blobs/{algorithm}/{hexdigest}")
    assert hashlib.sha256(data).hexdigest() == hexdigest, digest
    return data


@pytest.mark.container
def test_image_archive_names_the_three_tags_and_carries_the_labels(release: Release) -> None:
    """The OCI archive, read with tarfile and json: its index names one manifest under each tag, the
    config carries the OCI labels, and every blob is what its digest says."""
    image_built(release)
    described = release.manifest["image"]
    repository = described["repository"]
    with tarfile.open(release / IMAGE_ARCHIVE) as archive:
        assert json.loads(archive_file(archive, "oci-layout")) == {"imageLayoutVersion": "1.0.0"}
        descriptors = json.loads(archive_file(archive, "index.json"))["manifests"]
        assert [d["annotations"][REF_NAME] for d in descriptors] == [f"{repository}:{tag}" for tag in TAGS]
        assert {d["digest"] for d in descriptors} == {described["manifest_digest"]}
        manifest = json.loads(oci_blob(archive, descriptors[0]["digest"]))
        assert manifest["mediaType"] == descriptors[0]["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
        assert manifest["config"]["digest"] == described["id"]
        config = json.loads(oci_blob(archive, manifest["config"]["digest"]))
        for layer in manifest["layers"]:
            assert len(oci_blob(archive, layer["digest"])) == layer["size"]
    created = datetime.fromtimestamp(release.epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    labels = config["config"]["Labels"]
    expected = {
        "org.opencontainers.image.version": __version__,
        "org.opencontainers.image.revision": release.manifest["revision"],
        "org.opencontainers.image.licenses": release.manifest["license"],
        "org.opencontainers.image.created": created,
    }
    if release.manifest["source"]:
        expected["org.opencontainers.image.source"] = release.manifest["source"]
    else:
        assert "org.opencontainers.image.source" not in labels
    assert {k: labels[k] for k in expected} == expected
    assert config["created"] == created
    assert config["config"]["Entrypoint"] == [f"/opt/{NAME}/{NAME}"]

    # podman's storage has the image under the same three tags.
    podman = podman_setup()
    for tag in TAGS:
        image_id = subprocess.run(
            [podman, "image", "inspect", "--format", "{{.Id}}", f"{repository}:{tag}"], capture_output=True, text=True
        )
        assert f"sha256:{image_id.stdout.strip()}" == described["id"], (tag, image_id.stderr)


@pytest.fixture
def podman_store() -> Iterator[list[str]]:
    """podman with a store of its own, under a short path (podman refuses a runroot longer than 50
    characters); overlay, as the default store (vfs gives a container's / mode 0700: no other user runs
    anything in it). Emptied and removed after the test."""
    podman = podman_setup()
    root = Path(tempfile.mkdtemp(prefix="krm-fn-store-", dir="/tmp"))
    store = [podman, "--root", str(root / "storage"), "--runroot", str(root / "run"), "--storage-driver", "overlay"]
    try:
        yield store
    finally:
        subprocess.run([*store, "rmi", "--all", "--force"], capture_output=True, timeout=300)
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.container
def test_argocd_image_recipe_with_the_released_image(release: Release, podman_store: list[str], tmp_path: Path) -> None:
    """deploy/argocd's recipe: the image the overlay's `images:` entry names (its tag: this version),
    pulled from the released OCI archive into a store of its own; the init container's own command
    (deploy/argocd/bundle/repo-server.yaml) copies the folder into an emptyDir as the image's user,
    with a read-only root filesystem; Argo CD's code renders the example with that copy on PATH as
    it does with the folder scripts/build-bundle.sh built."""
    image_built(release)
    store = podman_store
    (entry,) = (i for i in yaml.safe_load((REPO / "deploy" / "argocd" / "kustomization.yaml").read_text())["images"] if i["name"] == NAME)
    assert entry["newTag"] == __version__ and entry["newName"].endswith(f"/{NAME}")
    init = yaml.safe_load((REPO / "deploy" / "argocd" / "bundle" / "repo-server.yaml").read_text())
    (container,) = init["spec"]["template"]["spec"]["initContainers"]
    mount = by_name(container["volumeMounts"])["custom-tools"]["mountPath"]

    reference = f"{release.manifest['image']['repository']}:{entry['newTag']}"
    pulled = subprocess.run(
        [*store, "pull", "--quiet", f"oci-archive:{release / IMAGE_ARCHIVE}:{reference}"], capture_output=True, text=True, timeout=600
    )
    assert pulled.returncode == 0, pulled.stderr
    assert f"sha256:{pulled.stdout.strip()}" == release.manifest["image"]["id"]

    custom_tools = tmp_path / "custom-tools"
    custom_tools.mkdir()
    custom_tools.chmod(0o777)  # an emptyDir, written by the image's non-root user
    command, *args = container["command"]
    restricted = ["--rm", "--network", "none", "--read-only", "--security-opt=no-new-privileges", "--cap-drop=all"]
    copy = subprocess.run(
        [*store, "run", *restricted, "-v", f"{custom_tools}:{mount}", "--entrypoint", command, reference, *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert copy.returncode == 0, copy.stderr
    folder = custom_tools / NAME
    assert os.access(folder / NAME, os.X_OK)
    objects = repo_server(folder, tmp_path).render(EXAMPLE)
    assert [o["metadata"]["name"] for o in objects if o["kind"] == "Rollout"] == ["agents", "agents-controllers"]
    assert objects == repo_server(bundle().parent, tmp_path).render(EXAMPLE)
