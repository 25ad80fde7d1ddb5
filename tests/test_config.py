"""The functionConfig: every validation error names its field and says what was expected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from krm_fn import yamlio
from krm_fn.config import load as config
from krm_fn.config.schema import json_schema
from krm_fn.providers.argo_rollouts import PROVIDER
from krm_fn.providers.argo_rollouts.spec import ArgoRolloutsSpec
from krm_fn.results import Result

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schemas" / "progressive-delivery.v1alpha1.json"


def _typed(spec_yaml: str) -> dict[str, Any]:
    doc: dict[str, Any] = yamlio.load(f"apiVersion: {config.API_VERSION}\nkind: {config.KIND}\nmetadata: {{name: c}}\nspec:\n{spec_yaml}")
    return doc


def _load(fn_config: dict[str, Any] | None) -> tuple[ArgoRolloutsSpec | None, list[Result]]:
    spec, results = config.load_config(fn_config, PROVIDER)
    assert spec is None or isinstance(spec, ArgoRolloutsSpec)
    return spec, results


BAD_TYPED = [
    ('  enabled: "true"', "spec.enabled", "must be true or false (got 'true')"),
    ("  canarySteps: {setWeight: 5}", "spec.canarySteps", "must be a list (got {'setWeight': 5})"),
    ("  canarySteps: [{setWeight: 101}]", "spec.canarySteps[0].setWeight", "must be between 0 and 100 (got 101)"),
    ("  canarySteps: [{setWeight: -1}]", "spec.canarySteps[0].setWeight", "must be between 0 and 100 (got -1)"),
    ('  canarySteps: [{setWeight: "50"}]', "spec.canarySteps[0].setWeight", "must be an integer (got '50')"),
    ("  canarySteps: [{pause: {duration: -5}}]", "spec.canarySteps[0].pause.duration", "must not be negative (got -5)"),
    ("  canarySteps: [{pause: {duration: -1m}}]", "spec.canarySteps[0].pause.duration", "must not be negative (got '-1m')"),
    (
        "  canarySteps: [{pause: {duration: true}}]",
        "spec.canarySteps[0].pause.duration",
        "must be seconds (an integer) or a duration such as 30s, 10m, 1h (got True)",
    ),
    ("  canarySteps: [{pause: {until: later}}]", "spec.canarySteps[0].pause.until", "unknown field"),
    ("  canarySteps: [{setWeigth: 10}]", "spec.canarySteps[0].setWeigth", "unknown field"),
    ("  maxSurge: -1", "spec.maxSurge", 'must be a non-negative integer or a percentage such as "25%" (got -1)'),
    ("  maxUnavailable: 1.5", "spec.maxUnavailable", 'must be a non-negative integer or a percentage such as "25%" (got 1.5)'),
    ("  selector: {names: agents}", "spec.selector.names", "must be a list (got 'agents')"),
    ("  selector: {labels: {a: b}}", "spec.selector.labels", "unknown field"),
    ("  selector: {matchLabels: {canary: true}}", "spec.selector.matchLabels.canary", "must be a string (got True)"),
    ("  requireCRD: no", "spec.requireCRD", "must be true or false (got 'no')"),
    ("  migration: blueGreen", "spec.migration", "must be 'convert' or 'workloadRef' (got 'blueGreen')"),
    ("  scaleDown: always", "spec.scaleDown", "must be 'progressively', 'onsuccess' or 'never' (got 'always')"),
    (
        "  canarySteps: [{setCanaryScale: {weight: 10}}]",
        "spec.canarySteps[0].setCanaryScale",
        "needs canary.trafficRouting (the controller rejects it without)",
    ),
    (
        "  canarySteps: [{setHeaderRoute: {name: h}}]",
        "spec.canarySteps[0].setHeaderRoute",
        "needs canary.trafficRouting (the controller rejects it without)",
    ),
    (
        "  canary: {dynamicStableScale: true}",
        "spec.canary.dynamicStableScale",
        "only works with trafficRouting (the controller rejects it without)",
    ),
    (
        "  canary: {scaleDownDelaySeconds: 30}",
        "spec.canary.scaleDownDelaySeconds",
        "only works with trafficRouting (the controller rejects it without)",
    ),
    ("  canary: {scaleDownDelaySeconds: -1}", "spec.canary.scaleDownDelaySeconds", "Input should be greater than or equal to 0"),
    (
        "  canary: {trafficRouting: {smi: {}}, dynamicStableScale: true, scaleDownDelaySeconds: 5}",
        "spec.canary.dynamicStableScale",
        "cannot be used together with scaleDownDelaySeconds",
    ),
    (
        "  canary: {trafficRouting: {istio: {}, maxTrafficWeight: 1000}}",
        "spec.canary.trafficRouting.maxTrafficWeight",
        "is only supported with the nginx router or plugins",
    ),
    (
        "  canary: {canaryService: agents, stableService: agents}",
        "spec.canary.stableService",
        "must differ from canaryService: the controller needs two Services",
    ),
    (
        "  canary: {antiAffinity: {}}",
        "spec.canary.antiAffinity",
        "must have exactly one of preferredDuringSchedulingIgnoredDuringExecution, requiredDuringSchedulingIgnoredDuringExecution",
    ),
    (
        "  canary: {antiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: {weight: 0}}}",
        "spec.canary.antiAffinity.preferredDuringSchedulingIgnoredDuringExecution.weight",
        "must be between 1 and 100 (got 0)",
    ),
    (
        "  canary: {trafficRouting: {nginx: {stableIngress: i}, maxTrafficWeight: 1000}}\n  canarySteps: [{setWeight: 1001}]",
        "spec.canarySteps[0].setWeight",
        "must be between 0 and 1000 (got 1001)",
    ),
    ("  canary: {canarySevice: x}", "spec.canary.canarySevice", "unknown field"),
]


@pytest.mark.parametrize(("spec", "field", "message"), BAD_TYPED, ids=[b[1] + ":" + b[0].strip() for b in BAD_TYPED])
def test_typed_config_errors(spec: str, field: str, message: str) -> None:
    parsed, results = config.load_config(_typed(spec), PROVIDER)
    assert parsed is None
    assert [(r.severity, r.field, r.message) for r in results] == [("error", field, message)]


def test_max_traffic_weight_raises_the_weight_bound() -> None:
    spec, results = _load(
        _typed(
            "  canary: {trafficRouting: {nginx: {stableIngress: i}, maxTrafficWeight: 1000}, canaryService: c, stableService: s}\n"
            "  canarySteps: [{setWeight: 500}, {pause: {}}]"
        )
    )
    assert results == [] and spec is not None and spec.canarySteps[0].setWeight == 500


def test_defaults_are_the_safe_ones() -> None:
    spec, results = _load(_typed("  enabled: true"))
    assert results == [] and spec is not None
    assert [s.to_argo() for s in spec.canarySteps] == [{"setWeight": 25}, {"pause": {}}]
    assert (spec.maxSurge, spec.maxUnavailable, spec.requireCRD, spec.provider) == (None, None, True, "argo-rollouts")
    assert config.load_config(None, PROVIDER)[0] == ArgoRolloutsSpec() and not ArgoRolloutsSpec().enabled


def test_every_step_kind_is_accepted() -> None:
    steps = (
        "[{setWeight: 10}, {pause: {duration: 1h30m}}, {pause: {duration: 30}}, {setCanaryScale: {weight: 20}}, "
        "{analysis: {templates: [{templateName: ok}]}}, {experiment: {templates: []}}, "
        "{setHeaderRoute: {name: h}}, {setMirrorRoute: {name: m}}, {plugin: {name: p}}]"
    )
    routing = (
        "  canary: {trafficRouting: {istio: {virtualService: {name: vs}}, managedRoutes: [{name: h}, {name: m}]},"
        " canaryService: c, stableService: s}\n"
    )
    spec, results = _load(_typed(routing + f"  canarySteps: {steps}"))
    assert results == [] and spec is not None
    assert [next(iter(s.to_argo())) for s in spec.canarySteps] == [
        "setWeight",
        "pause",
        "pause",
        "setCanaryScale",
        "analysis",
        "experiment",
        "setHeaderRoute",
        "setMirrorRoute",
        "plugin",
    ]
    assert spec.canarySteps[1].to_argo() == {"pause": {"duration": "1h30m"}}
    assert spec.canarySteps[2].to_argo() == {"pause": {"duration": 30}}


def _configmap(**data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fn"}, "data": data}


def test_configmap_maps_every_key_to_the_typed_model() -> None:
    spec, results = _load(
        _configmap(
            **{
                "enabled": "true",
                "provider": "argo-rollouts",
                "canarySteps": "[{setWeight: 5}, {pause: {duration: 2m}}]",
                "maxSurge": "2",
                "maxUnavailable": "10%",
                "selector.names": "agents, agents-controllers",
                "selector.namespaces": "agents",
                "selector.matchLabels": "tier=canary,team=platform",
                "requireCRD": "false",
            }
        )
    )
    assert results == []
    typed, _ = config.load_config(
        _typed(
            "  enabled: true\n  canarySteps: [{setWeight: 5}, {pause: {duration: 2m}}]\n  maxSurge: 2\n  maxUnavailable: 10%\n"
            "  selector: {names: [agents, agents-controllers], namespaces: [agents], matchLabels: {tier: canary, team: platform}}\n"
            "  requireCRD: false"
        ),
        PROVIDER,
    )
    assert spec == typed


BAD_CONFIGMAP = [
    ({"enabled": "yes"}, "data.enabled", 'must be "true" or "false" (got \'yes\')'),
    ({"maxSurge": "many"}, "data.maxSurge", "must be a non-negative integer or a percentage such as \"25%\" (got 'many')"),
    ({"canarySteps": "[{setWeight: 500}]"}, "data.canarySteps[0].setWeight", "must be between 0 and 100 (got 500)"),
    (
        {"canarySteps": "[{setWeight: 5"},
        "data.canarySteps",
        'not valid YAML: while parsing a flow mapping in "<unicode string>", line 1, column 2'
        " did not find expected ',' or '}' in \"<unicode string>\", line 2, column 1",
    ),
    ({"selector.matchLabels": "tier"}, "data.selector.matchLabels", "expected comma-separated key=value pairs (got 'tier')"),
    ({"provider": "flagger"}, "data.provider", "unsupported provider 'flagger'; supported: argo-rollouts"),
]


@pytest.mark.parametrize(("data", "field", "message"), BAD_CONFIGMAP, ids=[b[1] for b in BAD_CONFIGMAP])
def test_configmap_errors_name_the_key(data: dict[str, str], field: str, message: str) -> None:
    parsed, results = config.load_config(_configmap(**data), PROVIDER)
    assert parsed is None
    assert [(r.severity, r.field, r.message) for r in results] == [("error", field, message)]


def test_published_json_schema_is_current() -> None:
    assert SCHEMA_FILE.exists(), "run: python -m krm_fn --schema > schemas/progressive-delivery.v1alpha1.json"
    assert json.loads(SCHEMA_FILE.read_text()) == json_schema(ArgoRolloutsSpec), (
        "the published schema is stale: python -m krm_fn --schema > schemas/progressive-delivery.v1alpha1.json"
    )


def test_published_json_schema_accepts_the_examples(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text())
    good = _typed("  enabled: true\n  canarySteps: [{setWeight: 20}, {pause: {}}]\n  maxSurge: 1\n  maxUnavailable: 25%")
    jsonschema.Draft202012Validator(schema).validate(good)
    bad = _typed("  enabled: true\n  unknown: 1")
    assert [(list(e.absolute_path), e.message) for e in jsonschema.Draft202012Validator(schema).iter_errors(bad)] == [
        (["spec"], "Additional properties are not allowed ('unknown' was unexpected)")
    ]
