"""The Services whose selector the Rollouts controller writes are kept out of Argo CD's server-side
apply.

The controller adds the pod template hash to the selector of a blueGreen Rollout's active and
preview Services and of a canary's stable and canary Services. A Service's `spec.selector` is one
atomic field, and Argo CD's server-side apply (`ServerSideApply=true`) forces its conflicts: each
sync takes the selector back without the hash, and the controller writes it again with the hash of
the newest pods. A paused blueGreen Rollout is then promoted with nobody promoting it (argo-rollouts
#3437; tests/cluster shows it with Argo CD's own sync code). A client-side apply leaves alone a key
it never applied, so these Services get Argo CD's `ServerSideApply=false` sync option, which holds
whatever the Application says and is read by nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...new_resources import annotated
from ...provider_api import Edit
from ...resource import Resource
from ...results import Result, info, warning

RULE = "selector-services"
SYNC_OPTIONS = "argocd.argoproj.io/sync-options"
CLIENT_SIDE = "ServerSideApply=false"
SERVER_SIDE = "ServerSideApply=true"
FIELDS = {"blueGreen": ("activeService", "previewService"), "canary": ("stableService", "canaryService")}
"""The strategy fields that name a Service whose selector the controller writes."""


def named_services(strategy: dict[str, Any]) -> set[str]:
    blocks = [(block, keys) for kind, keys in FIELDS.items() if isinstance(block := strategy.get(kind), dict)]
    return {str(block[key]) for block, keys in blocks for key in keys if block.get(key)}


def with_client_side(options: str) -> str:
    """The sync options with `ServerSideApply=false` added (they are comma-separated)."""
    return ",".join([*(option for option in options.split(",") if option.strip()), CLIENT_SIDE])


def keep_out_of_server_side_apply(strategy: dict[str, Any], services: Iterable[Resource], rollout: str) -> tuple[list[Edit], list[Result]]:
    """An edit for each of `services` the strategy names, and a result that says why (or, where the
    Service asks for server-side apply itself, a warning instead)."""
    edits: list[Edit] = []
    results: list[Result] = []
    names = named_services(strategy)
    for service in services:
        if service.name not in names:
            continue
        options = str(service.annotations.get(SYNC_OPTIONS) or "")
        said = [option.strip() for option in options.split(",")]
        if CLIENT_SIDE in said:
            continue
        if SERVER_SIDE in said:
            results.append(
                warning(
                    f"Rollout {rollout} writes this Service's selector, and it asks Argo CD for a server-side apply ({SERVER_SIDE}),"
                    " which takes the selector back at each sync: a paused blueGreen Rollout is then promoted, a canary's"
                    f" traffic split undone; use {CLIENT_SIDE} for it",
                    service,
                    f"metadata.annotations.{SYNC_OPTIONS}",
                    RULE,
                )
            )
            continue
        edits.append(Edit(service.id, _annotate))
        results.append(
            info(
                f"Rollout {rollout} writes this Service's selector: {SYNC_OPTIONS}: {CLIENT_SIDE} keeps Argo CD's server-side"
                " apply, if the Application uses it, from taking the selector back (and promoting a paused blueGreen Rollout)",
                service,
                f"metadata.annotations.{SYNC_OPTIONS}",
                RULE,
            )
        )
    return edits, results


def _annotate(data: dict[str, Any]) -> None:
    metadata = data.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    options = annotations.get(SYNC_OPTIONS) if isinstance(annotations, dict) else None
    data["metadata"] = annotated(metadata, SYNC_OPTIONS, with_client_side(str(options)) if options else CLIENT_SIDE)
