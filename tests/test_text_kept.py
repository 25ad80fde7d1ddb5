"""Valid YAML that real pipelines write comes back as it came, run after run (docs/yaml.md)."""

from __future__ import annotations

from krm_fn import yamlio

from conftest import run_fn

HEADER = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
CONFIG = """\
functionConfig:
  apiVersion: delivery.krm-fn.dev/v1alpha1
  kind: ProgressiveDelivery
  metadata:
    name: canary
  spec:
    enabled: {enabled}
    requireCRD: false
"""

DEPLOYMENT = """\
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: agents
    labels: *team
  spec:
    replicas: 2
    selector:
      matchLabels: {app: agents}
    template:
      metadata:
        labels: {app: agents}
      spec:
        containers:
        - name: agents
          image: registry.example.com/agents:1
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
"""


def test_a_reused_anchor_across_items_converts() -> None:
    """`&team` in two items (as a chart sharing a partial renders it): an alias means the most recent one."""
    items = (
        "items:\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: a, labels: &team {team: old}}}\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: b, labels: &team {team: agents}}}\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: c, labels: *team}}\n" + DEPLOYMENT
    )
    source = HEADER + CONFIG.format(enabled="true") + items
    run = run_fn(source)
    assert run.exit_code == 0, run.stderr
    assert [item["kind"] for item in run.items] == ["ConfigMap", "ConfigMap", "ConfigMap", "Rollout"]
    assert run.items[2]["metadata"]["labels"] == {"team": "agents"}
    assert run.items[3]["metadata"]["labels"] == {"team": "agents"}  # resolved: the Rollout is written anew
    assert run.stdout.startswith(source[: source.index("- apiVersion: apps/v1")]), "the items before it changed"


def test_a_flow_style_list_with_comments_is_byte_identical_after_two_runs() -> None:
    source = (
        HEADER
        + CONFIG.format(enabled="false")
        + "items: [  # flow style, as some generators write it\n"
        + "  {apiVersion: v1, kind: ConfigMap, metadata: {name: a},  # a comment\n"
        + '   data: {greeting: "hello,\n     world"}},\n'
        + "  {apiVersion: v1, kind: Service, metadata: {name: b}, spec: {ports: [{port: 80}]}}\n"
        + "  ]\n"  # indented: flow content in a block is (YAML 1.2; suite case 9C9N)
    )
    first = run_fn(source)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith(source + "results:\n- message: 'spec.enabled is false"), "the list's text changed"
    second = run_fn(first.stdout)
    assert second.exit_code == 0, second.stderr
    assert second.stdout == first.stdout + first.stdout[len(source + "results:\n") :], "a second run did more than append its results"


def test_results_from_earlier_runs_are_kept_as_they_came() -> None:
    """A quoted message folded over two lines, in an earlier function's results: kept, the new ones after it."""
    earlier = 'results:\n- message: "folded\n    over two lines"\n  severity: info\n'
    team = "- {apiVersion: v1, kind: ConfigMap, metadata: {name: a, labels: &team {team: agents}}}\n"
    source = HEADER + CONFIG.format(enabled="true") + "items:\n" + team + DEPLOYMENT + earlier
    run = run_fn(source)
    assert run.exit_code == 0, run.stderr
    assert earlier + "- message:" in run.stdout
    assert run.results[0] == {"message": "folded over two lines", "severity": "info"}


def test_document_markers_a_directive_and_any_indentation_are_kept() -> None:
    """`%YAML`, `---` and `...` around the list, entries indented 4 with 3 spaces after the dash: kept;
    the results go before the document's end."""
    body = (
        HEADER
        + CONFIG.format(enabled="false")
        + "items:\n    -   apiVersion: v1   # a comment\n        kind: ConfigMap\n        metadata: {name: a}\n"
    )
    source = "%YAML 1.2\n--- # the list\n" + body + "...\n# after the document\n"
    run = run_fn(source)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("%YAML 1.2\n--- # the list\n" + body + "results:\n")
    assert run.stdout.endswith("  severity: info\n...\n# after the document\n")


def test_a_yaml_1_1_line_break_is_read_as_the_readers_around_it_read_it() -> None:
    """U+2028 in a quoted string, as kustomize writes it (a break, then the indentation): libyaml and
    go-yaml read it as a line break, YAML 1.2 would not; the function reads it as they do and writes
    it as libyaml writes it, so that every reader after it reads what kustomize meant."""
    source = (
        HEADER
        + CONFIG.format(enabled="true")
        + "items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n  data:\n    k: 'a\u2028      b'\n"
    )
    run = run_fn(source)
    assert run.exit_code == 0, run.stderr
    assert yamlio.load(run.stdout)["items"][0]["data"]["k"] == yamlio.load(source)["items"][0]["data"]["k"] == "a\u2028b"
