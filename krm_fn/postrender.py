"""Helm's post-renderer: a stream of manifests in, the same stream converted out.

`helm install|upgrade|template --post-renderer krm-progressive-delivery --post-renderer-args
--post-renderer --post-renderer-args CONFIG` writes every rendered manifest to stdin as one
multi-document YAML stream and reads one back from stdout; a non-zero exit fails the command.
The function runs on the stream as on a ResourceList whose functionConfig is CONFIG's
content (a ProgressiveDelivery or a ConfigMap); on any error nothing is written to stdout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import process, resource_list, yamlio
from .resource import Resource
from .results import Result, has_errors


def read_config(path: str) -> Any:
    """The config file's content; a file that cannot be read is unusable input (one line, exit 1)."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise resource_list.MalformedInputError(f"cannot read the config file {path}: {err.strerror}") from None
    try:
        return yamlio.load(data)
    except yamlio.InputError as err:
        raise resource_list.MalformedInputError(f"the config file {path} is not valid YAML: {err}") from None


def run(data: bytes, config_path: str) -> tuple[str, list[Result]]:
    """The converted stream (empty when a result is an error) and the results."""
    fn_config = read_config(config_path)
    try:
        items = yamlio.load_all(data) if data.strip() else []
    except yamlio.InputError as err:
        raise resource_list.MalformedInputError(f"the manifests are not valid YAML: {err}") from None
    resources = [Resource(item) for item in items]
    results = resource_list.item_problems(resources)
    if not results:
        resources, results = process.run(resources, fn_config)
    if has_errors(results):
        return "", results
    return yamlio.dump_all([resource.obj for resource in resources]), results
