"""scripts: kubectl command lines, the cluster-proportional-autoscaler's `--target`, and
`deployment/NAME` in any other text: in containers' command, args and env, and in ConfigMaps.

None of them can be retargeted exactly (a script's meaning is its author's), so each is warned
about with the command or flag to use instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..fieldpath import Loc
from ..resource import Resource
from . import commands
from .commands import Named
from .model import Finding, Scope

ID = "scripts"
POD_SPECS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    **dict.fromkeys(("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Rollout"), ("spec", "template", "spec")),
}
"""Where each kind of workload keeps its pod's spec."""
_MARKER = re.compile("(?i)deploy")
"""What every form of reference to a Deployment in a command or a text holds."""


def reads(resource: Resource, scope: Scope) -> bool:
    return (resource.kind in POD_SPECS or (resource.group, resource.kind) == ("", "ConfigMap")) and scope.may_name(resource, _MARKER)


def find(resource: Resource, scope: Scope) -> Iterator[Finding]:
    if resource.kind == "ConfigMap":
        for key, value in resource.get_map("data").items():
            if isinstance(value, str):
                yield from _in_text(resource, ("data", str(key)), value, scope)
        return
    path = POD_SPECS[resource.kind]
    spec = resource.get_map(*path)
    for list_key in ("initContainers", "containers"):
        containers = spec.get(list_key)
        for index, container in enumerate(containers if isinstance(containers, list) else []):
            if isinstance(container, dict):
                yield from _in_container(resource, (*path, list_key, index), container, scope)


def _in_container(resource: Resource, loc: Loc, container: dict[str, Any], scope: Scope) -> Iterator[Finding]:
    argv = [(key, index, word) for key in ("command", "args") for index, word in enumerate(_strings(container.get(key)))]
    words = [word for _, _, word in argv]
    read: set[Loc] = set()  # words a command read (as a Deployment of its namespace): not free text
    for named in [*commands.kubectl(words), *commands.autoscaler_target(words)]:
        key, index, _ = argv[named.index]
        read.add((*loc, key, index))
        finding = _finding(resource, (*loc, key, index), named, " ".join(words), scope)
        if finding is not None:
            yield finding
    texts = [((*loc, key, index), word) for key, index, word in argv if (*loc, key, index) not in read]
    env = container.get("env")
    for index, variable in enumerate(env if isinstance(env, list) else []):
        if isinstance(variable, dict) and isinstance(variable.get("value"), str):
            texts.append(((*loc, "env", index, "value"), variable["value"]))
    for text_loc, text in texts:
        yield from _in_text(resource, text_loc, text, scope)


def _in_text(resource: Resource, loc: Loc, text: str, scope: Scope) -> Iterator[Finding]:
    """A text's kubectl commands (with their namespaces), then `deployment/NAME` wherever else it is."""
    read: set[str] = set()  # names a command read (as Deployments of its namespace): not free text
    said: set[tuple[str, str]] = set()
    for words in commands.split_commands(text):
        for named in commands.kubectl(words):
            read.add(named.name)
            finding = _finding(resource, loc, named, " ".join(words), scope)
            if finding is not None and (named.verb, named.name) not in said:
                said.add((named.verb, named.name))
                yield finding
    for named in commands.free_text(text):
        finding = _finding(resource, loc, named, named.word, scope)
        if finding is not None and named.name not in read:
            read.add(named.name)
            yield finding


def _finding(resource: Resource, loc: Loc, named: Named, said: str, scope: Scope) -> Finding | None:
    namespace = resource.namespace if named.namespace is None else named.namespace
    if not scope.is_gone(namespace, named.name):
        return None
    replacement = scope.replacement
    if named.verb == "--target":
        return Finding(resource, loc, f"--target={named.word}", ((namespace, named.name),), replacement.proportional_autoscaler)
    if not named.verb:
        advice = f"name {replacement.workload.kind.lower()}/{named.name} instead, wherever this text is used"
        return Finding(resource, loc, named.word, ((namespace, named.name),), advice)
    command = replacement.commands.get(named.verb, replacement.commands["*"])
    flag = f" -n {named.namespace}" if named.namespace is not None else ""
    if command:
        access = f"{replacement.resource} in {replacement.workload.group}"
        advice = f"use {command.format(name=named.name, namespace=flag)}; who runs it needs the access it had to deployments on {access}"
    else:
        labels = _pod_labels(scope, namespace, named.name)
        advice = f"kubectl finds no pod through {replacement.workload.kind.lower()}/{named.name}: select its pods by label ({labels})"
    return Finding(resource, loc, _shorter(said), ((namespace, named.name),), advice)


def _pod_labels(scope: Scope, namespace: str, name: str) -> str:
    workload = scope.deployment(namespace, name)
    labels = workload.get_map("spec", "selector", "matchLabels") if workload else {}
    return "-l " + ",".join(f"{key}={value}" for key, value in labels.items()) if labels else "-l with the pods' labels"


def _strings(value: Any) -> list[str]:
    return [str(word) for word in value] if isinstance(value, list) else []


def _shorter(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
