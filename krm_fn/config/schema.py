"""The JSON Schema of the typed functionConfig, for editors (`krm-progressive-delivery --schema`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .load import envelope


def json_schema(spec_model: type[BaseModel]) -> dict[str, Any]:
    schema = envelope(spec_model).model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://krm-fn.dev/schemas/progressive-delivery-v1alpha1.json"
    return schema
