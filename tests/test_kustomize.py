"""The canary overlay, built by the real kustomize (with --enable-helm and the real helm).

The function runs in exec mode, as the console script on PATH, exactly as a user runs it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from krm_fn import NAME, __version__
from krm_fn.new_resources import CONVERTED_BY

from conftest import REPO
from rollout_schema import RolloutSchema
from tools import documents, helm, kustomize, run
from validator import assert_accepted

BASE = REPO / "kustomize" / "base"
OVERLAY = REPO / "kustomize" / "overlays" / "canary"
CRD_COMPONENT = REPO / "kustomize" / "components" / "argo-rollouts-crd"
BUILD = ["build", "--enable-alpha-plugins", "--enable-exec", "--enable-helm"]

pytestmark = pytest.mark.tools


def build(path: Path, cwd: Path | None = None, extra: list[str] | None = None) -> str:
    """A successful build, whose Rollouts and Services the judge accepts (validator.py)."""
    result = run([kustomize(), *BUILD, *(extra or []), str(path)], cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert_accepted(result.stdout)
    return result.stdout


@pytest.fixture(scope="module")
def base_build() -> str:
    helm()
    result = run([kustomize(), "build", "--enable-helm", str(BASE)])
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def canary_build() -> str:
    crd = CRD_COMPONENT / "rollout-crd.yaml"
    assert crd.exists(), "run scripts/fetch-rollout-crd.sh (scripts/setup.sh does)"
    return build(Path("kustomize/overlays/canary"), cwd=REPO)


def _overlay(tmp_path: Path, spec: dict[str, Any], with_crd: bool = True, extra: str = "") -> Path:
    """A copy of the canary overlay with another function config (and optionally no CRD)."""
    config = yaml.safe_load((OVERLAY / "progressive-delivery.yaml").read_text())
    config["spec"] = spec
    (tmp_path / "progressive-delivery.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    shutil.copy(OVERLAY / "rollout-name-references.yaml", tmp_path)
    lines = ["resources:", f"- {os.path.relpath(BASE, tmp_path)}"]  # kustomize refuses absolute roots
    if with_crd:
        lines += ["components:", f"- {os.path.relpath(CRD_COMPONENT, tmp_path)}"]
    lines += ["transformers:", "- progressive-delivery.yaml", "configurations:", "- rollout-name-references.yaml"]
    (tmp_path / "kustomization.yaml").write_text("\n".join(lines) + "\n" + extra)
    return tmp_path


def test_both_deployments_become_valid_rollouts(canary_build: str, rollout_schema: RolloutSchema) -> None:
    objects = documents(canary_build)
    rollouts = {key: yaml.safe_load(doc) for key, doc in objects.items() if key[0] == "Rollout"}
    assert sorted(rollouts) == [("Rollout", "agents", "agents"), ("Rollout", "agents", "agents-controllers")]
    assert not [key for key in objects if key[0] == "Deployment"]
    for rollout in rollouts.values():
        rollout_schema.assert_valid(rollout)
        assert rollout["spec"]["progressDeadlineAbort"] is True
    agents = rollouts[("Rollout", "agents", "agents")]["spec"]["strategy"]["canary"]
    controllers = rollouts[("Rollout", "agents", "agents-controllers")]["spec"]["strategy"]["canary"]
    assert (agents["maxSurge"], agents["maxUnavailable"]) == (1, 0)  # the chart's rollingUpdate
    assert (controllers["maxSurge"], controllers["maxUnavailable"]) == (1, 0)  # safe defaults: the chart sets none
    # Both elect a leader: each gets the handover, its first step one canary pod beside every stable one
    # (1 replica: 50%; the HPA's minReplicas 2: 33%).
    assert agents["steps"] == [{"setWeight": 50}, {"setWeight": 100}, {"pause": {}}]
    assert controllers["steps"] == [{"setWeight": 33}, {"setWeight": 100}, {"pause": {}}]


def test_the_results_name_the_evidence_and_the_plans() -> None:
    """What scripts/render-canary.sh shows: with KRM_FN_STDERR=info every result is on kustomize's stderr."""
    result = run([kustomize(), *BUILD, "kustomize/overlays/canary"], cwd=REPO, env={"KRM_FN_STDERR": "info"})
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    evidence = (
        "leader-elected (env AGENTS_LEADER_ELECTION_ENABLED=true in containers[0]; ClusterRole agents-leader-election lets"
        " ServiceAccount agents update leases (ClusterRoleBinding agents-leader-election)): planned as a handover"
    )
    for name, steps in (("agents", "setWeight 50, setWeight 100, pause"), ("agents-controllers", "setWeight 33, setWeight 100, pause")):
        assert any(f"Deployment agents/{name}: spec.strategy.canary.steps: {evidence} ({steps})" in line for line in lines), name
    assert any("agents-controllers and agents contend for one lease, agents-controller-leader" in line for line in lines)
    assert any(
        "info: Deployment agents/agents: the steps in pods, without a traffic router (maxSurge 1, maxUnavailable 0): at 1 replica,"
        " setWeight 50: 1 canary + 1 stable (50%), setWeight 100: 1 canary + 0 stable (100%)" in line
        for line in lines
    )


def test_everything_else_is_byte_identical_to_the_base(base_build: str, canary_build: str) -> None:
    base, canary = documents(base_build), documents(canary_build)
    converted = {("Deployment", "agents", "agents"), ("Deployment", "agents", "agents-controllers")}
    added = {
        ("CustomResourceDefinition", "", "rollouts.argoproj.io"),
        ("Rollout", "agents", "agents"),
        ("Rollout", "agents", "agents-controllers"),
    }
    autoscalers = {("HorizontalPodAutoscaler", "agents", "agents-controllers")}
    assert set(base) - converted == set(canary) - added
    for key in set(base) - converted - autoscalers:
        assert canary[key] == base[key], f"{key} changed"
    for key in autoscalers:
        hpa_base, hpa_canary = yaml.safe_load(base[key]), yaml.safe_load(canary[key])
        assert hpa_canary["spec"].pop("scaleTargetRef") == {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Rollout",
            "name": "agents-controllers",
        }
        hpa_base["spec"].pop("scaleTargetRef")
        assert hpa_canary == hpa_base


def test_pod_templates_and_selectors_are_the_deployments(base_build: str, canary_build: str) -> None:
    base, canary = documents(base_build), documents(canary_build)
    for name in ("agents", "agents-controllers"):
        deployment = yaml.safe_load(base[("Deployment", "agents", name)])
        rollout = yaml.safe_load(canary[("Rollout", "agents", name)])
        stamp = rollout["metadata"]["annotations"].pop(CONVERTED_BY)
        assert stamp == f"{NAME}/{__version__}"
        assert rollout["metadata"] == {**deployment["metadata"], "annotations": deployment["metadata"].get("annotations", {})}
        for field in ("selector", "template", "replicas"):
            assert rollout["spec"][field] == deployment["spec"][field]


def test_build_from_another_working_directory(tmp_path: Path, canary_build: str) -> None:
    assert build(OVERLAY, cwd=tmp_path) == canary_build


def test_missing_crd_fails_with_a_readable_error(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, {"enabled": True, "selector": {"names": ["agents", "agents-controllers"]}}, with_crd=False)
    result = run([kustomize(), *BUILD, str(overlay)])
    assert result.returncode != 0
    assert result.stdout == ""
    assert "error: CustomResourceDefinition rollouts.argoproj.io is not in the list, so nothing was converted" in result.stderr
    assert "or set requireCRD to false in the function config" in result.stderr


def test_require_crd_false_passes_without_the_crd(tmp_path: Path, rollout_schema: RolloutSchema) -> None:
    overlay = _overlay(tmp_path, {"enabled": True, "requireCRD": False}, with_crd=False)
    objects = documents(build(overlay))
    assert ("CustomResourceDefinition", "", "rollouts.argoproj.io") not in objects
    assert [k for k in objects if k[0] == "Rollout"] == [("Rollout", "agents", "agents"), ("Rollout", "agents", "agents-controllers")]


def test_disabled_output_equals_the_base(tmp_path: Path, base_build: str) -> None:
    overlay = _overlay(tmp_path, {"enabled": False}, with_crd=False)
    assert build(overlay) == base_build


GENERATOR = """
configMapGenerator:
- name: agents-overrides
  namespace: agents
  literals:
  - LOG_LEVEL=debug
patches:
- target: {{kind: {kind}, name: agents-controllers}}
  patch: |
    - op: add
      path: /spec/template/spec/containers/0/envFrom/-
      value: {{configMapRef: {{name: agents-overrides}}}}
"""


def _config_map_refs(objects: dict[tuple[str, str, str], str]) -> tuple[str, list[str]]:
    generated = [k[2] for k in objects if k[0] == "ConfigMap" and k[2].startswith("agents-overrides-")]
    assert len(generated) == 1, list(objects)
    rollout = yaml.safe_load(objects[("Rollout", "agents", "agents-controllers")])
    env_from = rollout["spec"]["template"]["spec"]["containers"][0]["envFrom"]
    return generated[0], [e["configMapRef"]["name"] for e in env_from if "configMapRef" in e]


def test_generator_in_an_overlay_on_top_renames_references_in_rollouts(tmp_path: Path) -> None:
    """An overlay built on the canary overlay generates a ConfigMap and refers to it from a Rollout.

    Its hashed name reaches the Rollout only through the canary overlay's `configurations:`
    (kustomize merges them upwards); without them the Rollout keeps the bare name, which
    does not exist in the cluster.
    """
    overlays = tmp_path / "kustomize" / "overlays"
    shutil.copytree(OVERLAY, overlays / "canary")
    for name in ("base", "components"):
        (tmp_path / "kustomize" / name).symlink_to(REPO / "kustomize" / name)
    outer = overlays / "team"
    outer.mkdir()
    (outer / "kustomization.yaml").write_text("resources:\n- ../canary\n" + GENERATOR.format(kind="Rollout"))

    generated, refs = _config_map_refs(documents(build(outer)))
    assert generated in refs

    canary = overlays / "canary" / "kustomization.yaml"
    text = canary.read_text()
    assert "- rollout-name-references.yaml" in text
    canary.write_text(text.replace("configurations:", "configurations: []\n#").replace("- rollout-name-references.yaml", ""))
    generated, refs = _config_map_refs(documents(build(outer)))
    assert generated not in refs and "agents-overrides" in refs


def test_generator_in_the_converting_overlay_is_resolved_before_the_conversion(tmp_path: Path) -> None:
    """In the overlay that converts, kustomize fixes the name while the workload is still a Deployment."""
    overlay = _overlay(tmp_path, {"enabled": True}, extra=GENERATOR.format(kind="Deployment"))
    generated, refs = _config_map_refs(documents(build(overlay)))
    assert generated in refs


def test_workload_ref_mode_keeps_the_deployments(tmp_path: Path, rollout_schema: RolloutSchema) -> None:
    overlay = _overlay(tmp_path, {"enabled": True, "migration": "workloadRef", "scaleDown": "onsuccess"})
    objects = documents(build(overlay))
    for name in ("agents", "agents-controllers"):
        assert ("Deployment", "agents", name) in objects
        rollout = yaml.safe_load(objects[("Rollout", "agents", name)])
        rollout_schema.assert_valid(rollout)
        assert rollout["spec"]["workloadRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "scaleDown": "onsuccess"}
        assert "template" not in rollout["spec"]
    hpa = yaml.safe_load(objects[("HorizontalPodAutoscaler", "agents", "agents-controllers")])
    assert hpa["spec"]["scaleTargetRef"]["kind"] == "Rollout"


def test_blue_green_with_generated_preview_services(tmp_path: Path, rollout_schema: RolloutSchema) -> None:
    overlay = _overlay(tmp_path, {"enabled": True, "strategy": "blueGreen", "blueGreen": {"previewService": "generate"}})
    objects = documents(build(overlay))  # build() has the judge accept every Rollout and Service
    for name, service in (("agents", "agents"), ("agents-controllers", "agents-controllers")):
        rollout = yaml.safe_load(objects[("Rollout", "agents", name)])
        rollout_schema.assert_valid(rollout)
        assert rollout["spec"]["strategy"] == {
            "blueGreen": {"activeService": service, "previewService": f"{service}-preview", "autoPromotionEnabled": False}
        }
        preview = yaml.safe_load(objects[("Service", "agents", f"{service}-preview")])
        active = yaml.safe_load(objects[("Service", "agents", service)])
        assert preview["spec"]["selector"] == active["spec"]["selector"] and preview["spec"].get("type", "ClusterIP") == "ClusterIP"
