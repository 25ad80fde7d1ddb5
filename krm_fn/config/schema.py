"""The JSON Schema of the typed functionConfig, for editors (`krm-progressive-delivery --schema`)."""

from __future__ import annotations

from typing import Any

from ..providers import registry
from .load import envelope


def json_schema() -> dict[str, Any]:
    schema = envelope(registry.load(registry.DEFAULT_PROVIDER).spec_model).model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://krm-fn.dev/schemas/progressive-delivery-v1alpha1.json"
    return schema
