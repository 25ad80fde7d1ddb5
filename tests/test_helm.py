"""Plain Helm as the host: `--post-renderer` with Helm v3 (the executable) and Helm v4 (a plugin).

The example chart rendered by the real `helm template` gives the same Rollouts as the canary
overlay does through kustomize; a bad config fails the helm command.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, require_tool
from tools import TOOLS_BIN, console_script, helm, kustomize, run
from validator import assert_accepted

pytestmark = pytest.mark.tools

CHART = REPO / "kustomize" / "base" / "charts" / "agents"
VALUES = REPO / "kustomize" / "base" / "values.yaml"
PLUGIN = REPO / "deploy" / "helm-plugin"
CONFIG = """\
apiVersion: delivery.krm-fn.dev/v1alpha1
kind: ProgressiveDelivery
metadata:
  name: agents-canary
spec:
  enabled: true
  selector: {names: [agents, agents-controllers]}
  requireCRD: false   # the chart does not carry the Rollout CRD
"""
BAD_CONFIG = CONFIG.replace("enabled: true", "enabled: yes")
BAD_MESSAGE = "krm-progressive-delivery: error: ProgressiveDelivery agents-canary: spec.enabled: must be true or false (got 'yes')"
TEMPLATE = ["template", "agents", str(CHART), "--namespace", "agents", "--values", str(VALUES)]


def rollouts(stream: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in yaml.safe_load_all(stream) if d and d["kind"] == "Rollout"}


@pytest.fixture(scope="module")
def overlay_rollouts() -> dict[str, dict[str, Any]]:
    helm()
    done = run([kustomize(), "build", "--enable-alpha-plugins", "--enable-exec", "--enable-helm", str(REPO / "kustomize/overlays/canary")])
    assert done.returncode == 0, done.stderr
    return rollouts(done.stdout)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "progressive-delivery.yaml"
    path.write_text(CONFIG)
    return path


def test_helm3_post_renderer_gives_the_overlays_rollouts(config: Path, overlay_rollouts: dict[str, dict[str, Any]]) -> None:
    done = run([helm(), *TEMPLATE, "--post-renderer", console_script(), f"--post-renderer-args=--post-renderer={config}"])
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    made = rollouts(done.stdout)
    assert sorted(made) == ["agents", "agents-controllers"]
    assert not [d for d in yaml.safe_load_all(done.stdout) if d and d["kind"] == "Deployment"]
    for name, rollout in made.items():
        assert rollout["spec"] == overlay_rollouts[name]["spec"]
    assert_accepted(done.stdout)


def test_helm3_fails_with_the_functions_message(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(BAD_CONFIG)
    done = run([helm(), *TEMPLATE, "--post-renderer", console_script(), f"--post-renderer-args=--post-renderer={config}"])
    assert done.returncode == 1 and done.stdout == ""
    assert BAD_MESSAGE in done.stderr


def test_post_renderer_refuses_a_missing_config(tmp_path: Path) -> None:
    done = run([console_script(), f"--post-renderer={tmp_path / 'none.yaml'}"], stdin=b"apiVersion: v1\nkind: List\n")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"krm-progressive-delivery: error: cannot read the config file {tmp_path / 'none.yaml'}: No such file or directory\n"
    )


@pytest.fixture
def helm4(tmp_path: Path) -> tuple[str, dict[str, str]]:
    """Helm v4 with the plugin installed the way the README says (a copy in HELM_PLUGINS)."""
    binary = require_tool("helm4", str(TOOLS_BIN / "helm4"))
    plugins = tmp_path / "plugins"
    shutil.copytree(PLUGIN, plugins / "krm-progressive-delivery")
    env = {"HELM_PLUGINS": str(plugins), "HELM_DATA_HOME": str(tmp_path / "data"), "HELM_CONFIG_HOME": str(tmp_path / "config")}
    return binary, env


def test_helm4_plugin_gives_the_overlays_rollouts(
    helm4: tuple[str, dict[str, str]], config: Path, overlay_rollouts: dict[str, dict[str, Any]]
) -> None:
    binary, env = helm4
    done = run([binary, *TEMPLATE, "--post-renderer", "krm-progressive-delivery", "--post-renderer-args", str(config)], env=env)
    assert done.returncode == 0, done.stderr
    made = rollouts(done.stdout)
    assert sorted(made) == ["agents", "agents-controllers"]
    for name, rollout in made.items():
        assert rollout["spec"] == overlay_rollouts[name]["spec"]
    assert_accepted(done.stdout)


def test_helm4_plugin_failure_fails_the_command(helm4: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    """Helm v4.3 drops a plugin's stderr: the command fails, naming the plugin, but not why (README)."""
    binary, env = helm4
    config = tmp_path / "bad.yaml"
    config.write_text(BAD_CONFIG)
    done = run([binary, *TEMPLATE, "--post-renderer", "krm-progressive-delivery", "--post-renderer-args", str(config)], env=env)
    assert done.returncode == 1 and done.stdout == ""
    assert 'plugin "krm-progressive-delivery" exited with error' in done.stderr
