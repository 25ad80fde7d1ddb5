"""A Deployment's pod template, made one the Rollout CRD accepts without changing what runs.

A Deployment's template is a built-in type: the API server accepts duplicate list-map keys
there (with a warning) and ignores metadata a pod never gets. The Rollout CRD is a
structural schema: a duplicate key is rejected (`env[1]: Duplicate value`) and an unknown
field pruned, which `kubectl apply --validate=strict` refuses. Each change made here keeps
the pods exactly as the Deployment ran them; where no change can, it is a problem instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_CONTAINER_LISTS = ("initContainers", "containers")
_TEMPLATE_METADATA = ("labels", "annotations")
"""All the Rollout CRD knows of `spec.template.metadata`; anything else is pruned."""


@dataclass(frozen=True)
class Note:
    field: str
    message: str
    """What was changed, or for a problem, why no change would do."""
    refused: str = ""
    """What the CRD refuses there, for a Rollout that carries it as it is (one already in the list)."""


@dataclass
class Accepted:
    """The template to use (the Deployment's own when nothing changed), what changed, what cannot."""

    template: Any
    changes: list[Note] = field(default_factory=list)
    problems: list[Note] = field(default_factory=list)


def accept(template: Any) -> Accepted:
    """Copy-on-write: only the parts that change are copied; the Deployment is never mutated."""
    result = Accepted(template)
    if not isinstance(template, dict):
        return result
    metadata = template.get("metadata")
    if isinstance(metadata, dict) and any(key not in _TEMPLATE_METADATA for key in metadata):
        for key in metadata:
            if key not in _TEMPLATE_METADATA:
                result.changes.append(
                    Note(
                        f"spec.template.metadata.{key}",
                        "dropped: a pod never gets it, and the Rollout CRD has no such field",
                        "the Rollout CRD has no such field: the API server prunes it, and kubectl apply refuses the Rollout",
                    )
                )
        template = {**template, "metadata": {k: v for k, v in metadata.items() if k in _TEMPLATE_METADATA}}
    spec = template.get("spec")
    if isinstance(spec, dict):
        new_spec = _pod_spec(spec, result)
        if new_spec is not spec:
            template = {**template, "spec": new_spec}
    result.template = template
    return result


def _pod_spec(spec: dict[str, Any], result: Accepted) -> dict[str, Any]:
    out = spec
    for kind in _CONTAINER_LISTS:
        containers = spec.get(kind)
        if not isinstance(containers, list):
            continue
        fixed = [_container(c, f"spec.template.spec.{kind}[{i}]", result) if isinstance(c, dict) else c for i, c in enumerate(containers)]
        if any(a is not b for a, b in zip(fixed, containers, strict=True)):
            out = {**out, kind: fixed}
    for key, merge in (("hostAliases", _host_aliases), ("imagePullSecrets", _pull_secrets)):
        entries = spec.get(key)
        if isinstance(entries, list):
            merged = merge(entries, f"spec.template.spec.{key}", result)
            if merged is not entries:
                out = {**out, key: merged}
    return out


def _container(container: dict[str, Any], path: str, result: Accepted) -> dict[str, Any]:
    out = container
    env = container.get("env")
    if isinstance(env, list):
        kept = _env(env, f"{path}.env", result)
        if kept is not env:
            out = {**out, "env": kept}
    ports = container.get("ports")
    if isinstance(ports, list):
        kept = _ports(ports, f"{path}.ports", result)
        if kept is not ports:
            out = {**out, "ports": kept}
    return out


def _env(env: list[Any], path: str, result: Accepted) -> list[Any]:
    """The later of two same-named entries is what the container gets (kubelet overwrites): keep it alone.

    Unless an entry between the two refers to the name (`$(NAME)`): it was expanded with the
    earlier value, which dropping that entry would lose.
    """
    named = [(i, str(entry["name"])) for i, entry in enumerate(env) if isinstance(entry, dict) and "name" in entry]
    last = {name: i for i, name in named}
    dropped = [(i, name) for i, name in named if last[name] != i]
    problems = [
        Note(f"{path}[{i}]", f"{name} is set twice and {path}[{j}] refers to the first value; the Rollout CRD takes one entry per name")
        for i, name in dropped
        for j in range(i + 1, last[name])
        if isinstance(env[j], dict) and f"$({name})" in str(env[j].get("value", ""))
    ]
    if problems:
        result.problems.extend(problems)
        return env
    result.changes.extend(
        Note(
            f"{path}[{i}]",
            f"dropped: {name} is set again at {path}[{last[name]}], the value the container gets",
            f"{name} is set again at {path}[{last[name]}]: the Rollout CRD refuses a repeated env name",
        )
        for i, name in dropped
    )
    gone = {i for i, _ in dropped}
    return [entry for i, entry in enumerate(env) if i not in gone] if gone else env


def _ports(ports: list[Any], path: str, result: Accepted) -> list[Any]:
    """A port listed twice the same way is dropped; listed twice differently (two names), it is a problem."""
    seen: dict[tuple[Any, Any], int] = {}
    dropped = []
    for i, port in enumerate(ports):
        if not isinstance(port, dict) or "containerPort" not in port:
            continue
        key = (port["containerPort"], port.get("protocol", "TCP"))
        if not _hashable(key):  # not a port number at all: the API server refuses the Deployment too
            continue
        if key not in seen:
            seen[key] = i
            continue
        first = ports[seen[key]]
        shown = f"{key[0]}/{key[1]}"
        if {**port, "protocol": key[1]} == {**first, "protocol": key[1]}:
            dropped.append(i)
            result.changes.append(
                Note(
                    f"{path}[{i}]",
                    f"dropped: the same port {shown} as {path}[{seen[key]}]",
                    f"the same port {shown} as {path}[{seen[key]}]: the Rollout CRD refuses a repeated port",
                )
            )
        else:
            result.problems.append(
                Note(
                    f"{path}[{i}]", f"port {shown} is also {path}[{seen[key]}], set differently: the Rollout CRD accepts one entry per port"
                )
            )
    return [p for i, p in enumerate(ports) if i not in dropped] if dropped else ports


def _host_aliases(aliases: list[Any], path: str, result: Accepted) -> list[Any]:
    """Two entries for one IP become one with both entries' hostnames: the same /etc/hosts lookups."""
    by_ip: dict[Any, int] = {}
    out: list[Any] = []
    for i, alias in enumerate(aliases):
        keyed = isinstance(alias, dict) and "ip" in alias and _hashable(alias["ip"])
        at = by_ip.get(alias["ip"]) if keyed else None
        # hostnames that are not lists are refused by the API server anyway: nothing to merge
        if at is None or not all(isinstance(h, list | None) for h in (out[at].get("hostnames"), alias.get("hostnames"))):
            if keyed:
                by_ip.setdefault(alias["ip"], len(out))
            out.append(alias)
            continue
        out[at] = {**out[at], "hostnames": [*(out[at].get("hostnames") or []), *(alias.get("hostnames") or [])]}
        result.changes.append(
            Note(
                f"{path}[{i}]",
                f"merged into {path}[{at}]: the same IP {alias['ip']}",
                f"the same IP {alias['ip']} as {path}[{at}]: the Rollout CRD refuses a repeated IP",
            )
        )
    return out if len(out) != len(aliases) else aliases


def _pull_secrets(secrets: list[Any], path: str, result: Accepted) -> list[Any]:
    names: set[Any] = set()
    out = []
    for i, secret in enumerate(secrets):
        name = secret.get("name") if isinstance(secret, dict) and _hashable(secret.get("name")) else None
        if name is not None and name in names:
            result.changes.append(
                Note(
                    f"{path}[{i}]", f"dropped: {name} is listed before", f"{name} is listed before: the Rollout CRD refuses a repeated name"
                )
            )
            continue
        names.add(name)
        out.append(secret)
    return out if len(out) != len(secrets) else secrets


def _hashable(value: object) -> bool:
    """Usable as a key: a field of the wrong type (a mapping where a port number goes) is not."""
    try:
        hash(value)
    except TypeError:
        return False
    return True
