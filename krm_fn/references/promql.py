"""promql: alert and recording rules, and dashboards, that select a Deployment's kube-state-metrics
series (`kube_deployment_*{deployment="NAME"}`): there is no Deployment, so they go quiet.

Read in a PrometheusRule's expressions and in ConfigMaps' data (where dashboards live). A query
cannot be retargeted exactly (the workload's metrics are other series, with other labels), so
each is warned about with the metric and labels to use instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..fieldpath import Loc
from ..resource import Resource
from .model import Finding, Scope

ID = "promql"
PROMETHEUS_RULE = ("monitoring.coreos.com", "PrometheusRule")
_METRIC = re.compile("kube_deployment_")
_SELECTOR = re.compile(r"\b(kube_deployment_[a-z_]+)\s*\{([^}]*)\}")
_MATCHER = re.compile(r'([a-zA-Z_]\w*)\s*(=~|!=|!~|=)\s*"((?:[^"\\]|\\.)*)"')


def reads(resource: Resource, scope: Scope) -> bool:
    return ((resource.group, resource.kind) == PROMETHEUS_RULE or (resource.group, resource.kind) == ("", "ConfigMap")) and scope.may_name(
        resource, _METRIC
    )


def find(resource: Resource, scope: Scope) -> Iterator[Finding]:
    if resource.kind == "ConfigMap":
        for key, value in resource.get_map("data").items():
            if isinstance(value, str):
                yield from _in_query(resource, ("data", str(key)), value, scope)
        return
    for group_index, group in enumerate(resource.get_list("spec", "groups")):
        rules = group.get("rules") if isinstance(group, dict) else None
        for index, rule in enumerate(rules if isinstance(rules, list) else []):
            if isinstance(rule, dict) and isinstance(rule.get("expr"), str):
                yield from _in_query(resource, ("spec", "groups", group_index, "rules", index, "expr"), rule["expr"], scope)


def _in_query(resource: Resource, loc: Loc, query: str, scope: Scope) -> Iterator[Finding]:
    query = query.replace('\\"', '"')  # a query in a dashboard's JSON
    for match in _SELECTOR.finditer(query):
        metric, body = match.group(1), match.group(2)
        matchers = {label: (op, _unquoted(value)) for label, op, value in _MATCHER.findall(body)}
        covered = [(namespace, name) for namespace, name in sorted(scope.gone) if _selects(matchers, namespace, name)]
        if not covered or "deployment" not in matchers:
            continue
        yield Finding(resource, loc, match.group(0), tuple(covered), _advice(metric, covered[0][1], matchers, scope))


def _selects(matchers: dict[str, tuple[str, str]], namespace: str, name: str) -> bool:
    return _holds(matchers.get("deployment"), name) and ("namespace" not in matchers or _holds(matchers["namespace"], namespace))


def _holds(matcher: tuple[str, str] | None, value: str) -> bool:
    if matcher is None:
        return False
    op, wanted = matcher
    if op == "=":
        return value == wanted
    if op == "=~":
        try:
            return re.fullmatch(wanted, value) is not None
        except re.error:
            return False
    return False  # a negative matcher selects what is not this Deployment


def _advice(metric: str, name: str, matchers: dict[str, Any], scope: Scope) -> str:
    replacement = scope.replacement
    namespace = matchers.get("namespace")
    labels = replacement.metric_labels.format(name=name, namespace=f', namespace="{namespace[1]}"' if namespace else "")
    instead = replacement.metrics.get(metric)
    if instead is None:
        return (
            f"{replacement.workload.kind}s have no metric for {metric}: export one with kube-state-metrics'"
            f" custom resource state config, and select it by {{{labels}}}"
        )
    return f"select {instead} by {{{labels}}} instead"


def _unquoted(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)
