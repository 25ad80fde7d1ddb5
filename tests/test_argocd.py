"""Argo CD as the host: Argo CD v3.6.1's own code renders the example Application and the canary overlay.

argocd-build (tests/go/argocd-build, built into .tools/bin by scripts/build-go-tool.sh) runs the
repo-server's util/kustomize (`kustomize build <path> <kustomize.buildOptions>` from the repository
root, with the repo-server's helm and git wrappers), the sidecar's argocd-cmp-server for the Config
Management Plugin variant, and the API server's create validation for the install overlays in
deploy/argocd. The overlays' remote install.yaml is replaced by the same file from the Go module cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import IN_CI, REPO, require_tool
from rollout_schema import RolloutSchema
from tools import TOOLS_BIN, bundle, documents, helm, kustomize
from validator import assert_accepted

pytestmark = pytest.mark.tools

BUILD_OPTIONS = ["--enable-alpha-plugins", "--enable-exec", "--enable-helm"]
EXAMPLE = "examples/argocd/agents"
CANARY = "kustomize/overlays/canary"
DEPLOY = REPO / "deploy" / "argocd"
OVERLAYS = {"custom-tools": DEPLOY, "cmp": DEPLOY / "cmp"}
PLUGIN = "krm-progressive-delivery"

# Where the repo-server finds the function: the self-contained folder dist/krm-progressive-delivery/
# (scripts/build-bundle.sh), which is what the deploy/argocd init container copies into the
# repo-server. No virtualenv and no Python is on PATH, as in the repo-server container.


@dataclass
class Host:
    """argocd-build and the environment of the repo-server it stands for."""

    binary: str
    env: dict[str, str]

    def run(self, args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Any command, with the repo-server's PATH, from the repository root."""
        return subprocess.run(args, cwd=REPO, env=self.env, input=stdin, capture_output=True, text=True, timeout=600)

    def objects(self, *args: str) -> list[dict[str, Any]]:
        """The objects an argocd-build command renders."""
        result = self.run([self.binary, *args, "-o", "json"])
        assert result.returncode == 0, result.stderr
        return objects(result.stdout)

    def render(self, path: str) -> list[dict[str, Any]]:
        return self.objects("build", "-repo-root", str(REPO), "-path", path)


@pytest.fixture(scope="session")
def argocd(tmp_path_factory: pytest.TempPathFactory) -> Host:
    """The repo-server's view: the function, kustomize, helm and git on PATH, and nothing else."""
    binary = require_tool("argocd-build", str(TOOLS_BIN / "argocd-build"))
    kustomize()
    helm()
    function_dir = bundle().parent
    git_dir = tmp_path_factory.mktemp("git")  # git alone: its directory holds python too
    (git_dir / "git").symlink_to(require_tool("git"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = os.pathsep.join([str(function_dir), str(TOOLS_BIN), str(git_dir)])
    return Host(binary, env)


@pytest.fixture(scope="session")
def argocd_module() -> Path:
    """github.com/argoproj/argo-cd/v3 in the Go module cache (downloaded if needed)."""
    result = subprocess.run(
        [str(REPO / "scripts" / "build-go-tool.sh"), "argocd-build", "--module-dir", "github.com/argoproj/argo-cd/v3"],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        message = f"scripts/build-go-tool.sh argocd-build --module-dir failed: {result.stderr}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return Path(result.stdout.strip())


def objects(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def key(obj: dict[str, Any]) -> tuple[str, str, str]:
    meta = obj["metadata"]
    return obj["kind"], meta.get("namespace", ""), meta["name"]


@pytest.fixture(scope="module", params=[EXAMPLE, CANARY])
def rendered(request: pytest.FixtureRequest, argocd: Host) -> tuple[str, list[dict[str, Any]]]:
    return request.param, argocd.render(request.param)


def test_deployments_become_canary_rollouts(rendered: tuple[str, list[dict[str, Any]]], rollout_schema: RolloutSchema) -> None:
    source, objs = rendered
    kinds = {key(obj): obj for obj in objs}
    assert not [k for k in kinds if k[0] == "Deployment"]
    assert ("CustomResourceDefinition", "", "rollouts.argoproj.io") in kinds
    rollouts = sorted(k for k in kinds if k[0] == "Rollout")
    assert rollouts == [("Rollout", "agents", "agents"), ("Rollout", "agents", "agents-controllers")]
    assert_accepted(objs)
    # Both are leader-elected, so each gets a handover plan sized to its replicas (docs/controllers.md):
    # one canary pod beside 1 stable pod is 50%, beside 2 is 33%. The example runs 2 of each; the
    # canary overlay's chart runs 1 agents pod, and its controllers' autoscaler at least 2.
    handovers = {"agents": 50 if source == CANARY else 33, "agents-controllers": 33}
    for k in rollouts:
        rollout = kinds[k]
        rollout_schema.assert_valid(rollout)
        assert rollout["apiVersion"] == "argoproj.io/v1alpha1"
        steps = [{"setWeight": handovers[k[2]]}, {"setWeight": 100}, {"pause": {}}]
        assert rollout["spec"]["strategy"]["canary"]["steps"] == steps
    hpa = kinds[("HorizontalPodAutoscaler", "agents", "agents-controllers")]
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "agents-controllers"}


def test_argocd_renders_what_kustomize_build_renders(rendered: tuple[str, list[dict[str, Any]]], argocd: Host) -> None:
    path, objs = rendered
    direct = argocd.run([kustomize(), "build", *BUILD_OPTIONS, path])
    assert direct.returncode == 0, direct.stderr
    assert objs == list(yaml.safe_load_all(direct.stdout))


def test_the_build_options_are_what_makes_the_function_run(argocd: Host) -> None:
    """Argo CD's default buildOptions are none: kustomize refuses the helmCharts, then the plugin; and
    without --enable-exec it skips the exec function silently: Deployments, exit 0, nothing on stderr."""
    for options, message in [("", "must specify --enable-helm"), ("--enable-helm", "external plugins disabled")]:
        result = argocd.run([argocd.binary, "build", "-repo-root", str(REPO), "-path", EXAMPLE, "-build-options", options])
        assert result.returncode == 1 and result.stdout == ""
        assert message in result.stderr
    result = argocd.run(
        [
            argocd.binary,
            "build",
            "-repo-root",
            str(REPO),
            "-path",
            EXAMPLE,
            "-build-options",
            "--enable-helm --enable-alpha-plugins",
            "-o",
            "json",
        ]
    )
    assert (result.returncode, result.stderr) == (0, "")
    kinds = [obj["kind"] for obj in objects(result.stdout)]
    assert kinds.count("Deployment") == 2 and "Rollout" not in kinds


def test_a_function_error_fails_the_argocd_build(tmp_path: Path, argocd: Host) -> None:
    """Without the CRD the function refuses; Argo CD shows kustomize's stderr, which carries the reason."""
    app = tmp_path / "agents"
    shutil.copytree(REPO / EXAMPLE, app)
    text = (app / "kustomization.yaml").read_text()
    charts = os.path.relpath(REPO / "kustomize" / "base" / "charts", app)
    text = text.replace("chartHome: ../../../kustomize/base/charts", f"chartHome: {charts}")
    text = text.replace("components:\n- ../../../kustomize/components/argo-rollouts-crd\n", "")
    (app / "kustomization.yaml").write_text(text)
    result = argocd.run([argocd.binary, "build", "-repo-root", str(tmp_path), "-path", "agents"])
    assert result.returncode == 1 and result.stdout == ""
    assert "CustomResourceDefinition rollouts.argoproj.io is not in the list, so nothing was converted" in result.stderr


def test_the_example_application(argocd: Host) -> None:
    """Decoded strictly into Argo CD's own Application type; it points at the example and prunes last."""
    text = (REPO / EXAMPLE / "application.yaml").read_text()
    result = argocd.run([argocd.binary, "validate"], stdin=text)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "decoded argoproj.io/v1alpha1 Application argocd/agents\n"
    app = yaml.safe_load(text)
    assert app["spec"]["source"]["path"] == EXAMPLE
    assert "PruneLast=true" in app["spec"]["syncPolicy"]["syncOptions"]


# The install overlays: deploy/argocd (custom tools) and deploy/argocd/cmp (plugin sidecar).


def install_url(argocd_module: Path) -> str:
    version = argocd_module.name.rpartition("@")[2]
    return f"https://raw.githubusercontent.com/argoproj/argo-cd/{version}/manifests/install.yaml"


def with_local_install(overlay: Path, tmp_path: Path, argocd_module: Path, components: bool = True) -> Path:
    """The overlay with its remote install.yaml swapped for the same file from the Go module cache."""
    kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    assert kustomization["resources"] == [install_url(argocd_module)]
    shutil.copy(argocd_module / "manifests" / "install.yaml", tmp_path / "install.yaml")
    kustomization["resources"] = ["install.yaml"]
    if components:  # kustomize refuses absolute paths here
        kustomization["components"] = [os.path.relpath(overlay / c, tmp_path) for c in kustomization["components"]]
    else:
        del kustomization["components"]
    (tmp_path / "kustomization.yaml").write_text(yaml.safe_dump(kustomization, sort_keys=False))
    return tmp_path


def kustomize_build(path: Path) -> str:
    result = subprocess.run([kustomize(), "build", str(path)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def argocd_base(tmp_path_factory: pytest.TempPathFactory, argocd_module: Path) -> dict[tuple[str, str, str], str]:
    """Argo CD's install.yaml in the overlays' namespace, without the components."""
    return documents(kustomize_build(with_local_install(DEPLOY, tmp_path_factory.mktemp("base"), argocd_module, components=False)))


@pytest.fixture(scope="module")
def install(tmp_path_factory: pytest.TempPathFactory, argocd_module: Path) -> Callable[[str], str]:
    """kustomize build of an install overlay (by its name in OVERLAYS), once per module."""
    built: dict[str, str] = {}

    def build(variant: str) -> str:
        if variant not in built:
            path = with_local_install(OVERLAYS[variant], tmp_path_factory.mktemp(variant), argocd_module)
            built[variant] = kustomize_build(path)
        return built[variant]

    return build


def repo_server(objs: dict[tuple[str, str, str], str]) -> dict[str, Any]:
    deployment: dict[str, Any] = yaml.safe_load(objs[("Deployment", "argocd", "argocd-repo-server")])
    return deployment


def by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items}


def function_path(container: dict[str, Any], copied_to: str) -> str:
    """The PATH entry that holds the function, checked against where the init container put it."""
    path: list[str] = by_name(container["env"])["PATH"]["value"].split(":")
    assert path[1:] == ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
    mount = by_name(container["volumeMounts"])["custom-tools"]
    assert mount["readOnly"] is True and path[0] == f"{mount['mountPath']}/{copied_to}"
    return path[0]


@pytest.mark.parametrize("variant", sorted(OVERLAYS))
def test_install_overlays_change_only_the_repo_server_and_what_it_reads(
    variant: str, install: Callable[[str], str], argocd_base: dict[tuple[str, str, str], str]
) -> None:
    objs = documents(install(variant))
    changed = {("Deployment", "argocd", "argocd-repo-server")}
    if variant == "custom-tools":
        changed.add(("ConfigMap", "argocd", "argocd-cm"))
        assert set(objs) == set(argocd_base)
    else:
        plugin_configs = [k for k in objs if k[2].startswith(f"{PLUGIN}-plugin-")]
        assert [k[0] for k in plugin_configs] == ["ConfigMap"]
        assert set(objs) - set(plugin_configs) == set(argocd_base)
    for k in set(argocd_base) - changed:
        assert objs[k] == argocd_base[k], f"{k} changed"

    pod = repo_server(objs)["spec"]["template"]["spec"]
    base_pod = repo_server(argocd_base)["spec"]["template"]["spec"]
    init = pod["initContainers"][0]
    assert init["image"] == "registry.example.com/krm-progressive-delivery:0.2.0"  # the overlay's images: entry
    assert init["command"] == ["cp", "-R", "/opt/krm-progressive-delivery", "/custom-tools/"]
    assert by_name(init["volumeMounts"])["custom-tools"]["mountPath"] == "/custom-tools"
    assert pod["initContainers"][1:] == base_pod["initContainers"]
    assert by_name(pod["volumes"])["custom-tools"] == {"name": "custom-tools", "emptyDir": {}}

    containers = by_name(pod["containers"])
    if variant == "custom-tools":
        assert [c["name"] for c in pod["containers"]] == ["argocd-repo-server"]
        assert function_path(containers["argocd-repo-server"], "krm-progressive-delivery") == "/custom-tools/krm-progressive-delivery"
        argocd_cm = yaml.safe_load(objs[("ConfigMap", "argocd", "argocd-cm")])
        assert argocd_cm["data"]["kustomize.buildOptions"] == " ".join(BUILD_OPTIONS)
    else:
        assert [c["name"] for c in pod["containers"]] == ["argocd-repo-server", PLUGIN]
        assert containers["argocd-repo-server"] == base_pod["containers"][0]
        sidecar = containers[PLUGIN]
        assert sidecar["command"] == ["/var/run/argocd/argocd-cmp-server"]
        assert sidecar["securityContext"]["runAsUser"] == 999
        function_path(sidecar, "krm-progressive-delivery")
        mounts = by_name(sidecar["volumeMounts"])
        assert mounts["var-files"]["mountPath"] == "/var/run/argocd"
        assert mounts["plugins"]["mountPath"] == "/home/argocd/cmp-server/plugins"
        assert mounts["krm-progressive-delivery-plugin"]["mountPath"] == "/home/argocd/cmp-server/config/plugin.yaml"
        assert by_name(pod["volumes"])["krm-progressive-delivery-plugin"]["configMap"]["name"] == plugin_configs[0][2]


@pytest.mark.parametrize("variant", sorted(OVERLAYS))
def test_install_overlays_pass_api_server_validation(variant: str, install: Callable[[str], str], argocd: Host) -> None:
    """Every object decodes strictly; the patched Deployment and the ConfigMaps pass the API server's create validation."""
    result = argocd.run([argocd.binary, "validate", "-namespace", "argocd"], stdin=install(variant))
    assert result.returncode == 0, result.stderr
    assert "argocd/argocd-repo-server:" not in result.stderr  # not even a warning
    lines = result.stdout.splitlines()
    assert "validated apps/v1 Deployment argocd/argocd-repo-server" in lines
    assert "validated v1 ConfigMap argocd/argocd-cm" in lines
    assert not [line for line in lines if not line.startswith(("validated ", "decoded ", "unchecked "))]
    assert not [line for line in lines if line.startswith("unchecked ") and " CustomResourceDefinition " not in line]
    if variant == "cmp":
        assert [line for line in lines if line.startswith(f"validated v1 ConfigMap argocd/{PLUGIN}-plugin-")]


def _missing_volume(container: dict[str, Any]) -> tuple[int, str]:
    container["volumeMounts"].append({"name": "missing", "mountPath": "/missing"})
    return 1, f'spec.template.spec.containers[0].volumeMounts[{len(container["volumeMounts"]) - 1}].name: Not found: "missing"'


def _unknown_field(container: dict[str, Any]) -> tuple[int, str]:
    container["volumeMount"] = container["volumeMounts"]
    return 1, 'unknown field "spec.template.spec.containers[0].volumeMount"'


def _wrong_type(container: dict[str, Any]) -> tuple[int, str]:
    container["env"] = "PATH=/bin"
    return 1, "cannot unmarshal string into Go struct field Container.spec.template.spec.containers.env"


def _second_path(container: dict[str, Any]) -> tuple[int, str]:
    """A Deployment takes a duplicate env name with a warning (a Rollout would not: FACTS §6)."""
    container["env"].append({"name": "PATH", "value": "/bin"})
    return 0, f'warning: spec.template.spec.containers[0].env[{len(container["env"]) - 1}]: hides previous definition of "PATH"'


@pytest.mark.parametrize("mutate", [_missing_volume, _unknown_field, _wrong_type, _second_path], ids=lambda f: f.__name__[1:])
def test_validation_names_what_is_wrong(
    install: Callable[[str], str], argocd: Host, mutate: Callable[[dict[str, Any]], tuple[int, str]]
) -> None:
    """The validation bites: the same Deployment, broken in one field, is refused (or, where the API server
    only warns, warned about) with the field named."""
    deployment = repo_server(documents(install("custom-tools")))
    exit_code, message = mutate(deployment["spec"]["template"]["spec"]["containers"][0])
    result = argocd.run([argocd.binary, "validate", "-namespace", "argocd"], stdin=yaml.safe_dump(deployment))
    assert result.returncode == exit_code
    assert message in result.stderr


def test_the_plugin_renders_what_the_repo_server_renders(install: Callable[[str], str], argocd: Host, tmp_path: Path) -> None:
    """The sidecar's argocd-cmp-server, given the overlay's plugin.yaml, builds the example like the repo-server."""
    config = next(yaml.safe_load(doc) for k, doc in documents(install("cmp")).items() if k[2].startswith(f"{PLUGIN}-plugin-"))
    (tmp_path / "plugin.yaml").write_text(config["data"]["plugin.yaml"])
    via_plugin = argocd.objects("cmp", "-plugin-config", str(tmp_path), "-plugin", PLUGIN, "-repo-root", str(REPO), "-path", EXAMPLE)
    assert via_plugin == argocd.render(EXAMPLE)
