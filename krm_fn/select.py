"""Which items are Deployments to convert, as named predicates, each with the reason it exists."""

from __future__ import annotations

from .config.models import Selector
from .labelselector import LabelSelector
from .resource import Resource

SKIP_ANNOTATION = "delivery.krm-fn.dev/skip"


def is_deployment(resource: Resource) -> bool:
    # Only apps/v1: extensions/v1beta1 and apps/v1beta* Deployments are gone from every supported cluster.
    return resource.api_version == "apps/v1" and resource.kind == "Deployment"


def is_opted_out(resource: Resource) -> bool:
    """The owner of a Deployment can keep it one, whatever the selector says."""
    return resource.annotation_is_true(SKIP_ANNOTATION)


def matches(resource: Resource, selector: Selector) -> bool:
    """The selector's parts are ANDed; an empty part matches everything."""
    if selector.names and resource.name not in selector.names:
        return False
    if resource.name in selector.exclude:
        return False
    if selector.namespaces and resource.namespace not in selector.namespaces:
        return False
    return LabelSelector.from_map(selector.matchLabels).matches(resource.labels)


def is_selected(resource: Resource, selector: Selector) -> bool:
    # Local-config items are never applied; converting one would only confuse its reader.
    return is_deployment(resource) and not is_opted_out(resource) and not resource.is_local_config and matches(resource, selector)
