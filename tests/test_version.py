"""The version is written once, in `krm_fn/__init__.py`; everything else that names it reads it or
is checked here against it: the command's `--version`, the package metadata, the Helm plugin, the
Argo CD overlays' image tag, the CHANGELOG's newest release, and every `krm-progressive-delivery`
followed by a version in the docs, the deploy files and the golden outputs (the `converted-by`
annotation). Editing any one of them alone fails a test here."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest
import yaml

from krm_fn import NAME, __version__, cli

from conftest import REPO

SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
NAMED = re.compile(rf"{NAME}[-:/ ]v?(\d+\.\d+\.\d+)")
"""The product's name with a version after it: an image tag, a tarball, the annotation."""
TEXTS = ["README.md", "CHANGELOG.md", "docs/*.md", "deploy/**/*.yaml", "examples/**/*.yaml", "tests/golden/*/.expected/*"]


def test_the_version_is_semver() -> None:
    assert SEMVER.fullmatch(__version__), __version__


def test_the_command_and_the_package_metadata_say_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out == f"{NAME} {__version__}\n"
    assert metadata.version(NAME) == __version__, "the installed metadata is stale: pip install -e . again"


def test_pyproject_reads_it_rather_than_writing_it() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "krm_fn.__version__"}


def test_the_helm_plugin_says_it() -> None:
    plugin = yaml.safe_load((REPO / "deploy" / "helm-plugin" / "plugin.yaml").read_text())
    assert str(plugin["version"]) == __version__


@pytest.mark.parametrize("overlay", ["deploy/argocd/kustomization.yaml", "deploy/argocd/cmp/kustomization.yaml"])
def test_the_argocd_overlays_pin_the_image_to_it(overlay: str) -> None:
    images = yaml.safe_load((REPO / overlay).read_text())["images"]
    (image,) = (image for image in images if image["name"] == NAME)
    assert image["newTag"] == __version__


def test_the_changelog_s_newest_release_is_it() -> None:
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", (REPO / "CHANGELOG.md").read_text(), re.M)
    assert releases and releases[0][0] == __version__, releases[:2]
    assert [version for version, _ in releases] == sorted((version for version, _ in releases), key=semver, reverse=True)


def semver(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def named_versions() -> dict[str, set[str]]:
    """Each file's versions after the product's name."""
    found: dict[str, set[str]] = {}
    for pattern in TEXTS:
        for path in sorted(REPO.glob(pattern)):
            versions = set(NAMED.findall(path.read_text(errors="replace")))
            if versions:
                found[str(path.relative_to(REPO))] = versions
    return found


def test_every_version_after_the_name_is_it() -> None:
    found = named_versions()
    # The places the check must reach (it would pass vacuously otherwise).
    assert {"README.md", "docs/argocd.md", "tests/golden/convert-all/.expected/diff.patch"} <= set(found), sorted(found)
    wrong = {path: versions for path, versions in found.items() if versions != {__version__}}
    assert not wrong, f"another version than {__version__}: {wrong}"


def test_changelog_entries_name_no_later_version() -> None:
    """The CHANGELOG names earlier versions too; none is later than this one."""
    text = (REPO / "CHANGELOG.md").read_text()
    assert all(semver(v) <= semver(__version__) for v in re.findall(r"\[(\d+\.\d+\.\d+)\]", text))


def test_pattern_finds_a_version_after_the_name() -> None:
    """The finder itself: what a stale tag or annotation looks like is found."""
    assert NAMED.findall(f"image: ghcr.io/x/{NAME}:0.0.9, {NAME}-0.0.8-linux-amd64.tar.gz, {NAME}/0.0.7") == ["0.0.9", "0.0.8", "0.0.7"]
