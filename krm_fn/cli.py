"""The command line: stdin -> ResourceList -> stdout, human text on stderr, and the exit code.

Exit 0 when the run has no error result; 1 when it has one (the list is then written
unchanged, with the results; as a Helm post-renderer, nothing is written) or when the input
is unusable (nothing is written); 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from typing import BinaryIO, NoReturn, TextIO

from pydantic import BaseModel

from . import NAME, __version__, process, provider_api, registry, resource_list
from .results import Result, has_errors

PROG = NAME
DESCRIPTION = f"""\
{PROG} {__version__}: a KRM function (kustomize, kpt) that turns selected Deployments into
Argo Rollouts canaries, and checks at render time what the Argo Rollouts controller would reject.

stdin   a config.kubernetes.io/v1 ResourceList (YAML or JSON) whose functionConfig is a
        delivery.krm-fn.dev/v1alpha1 ProgressiveDelivery or a v1 ConfigMap
stdout  the ResourceList with the selected Deployments converted, and results
exit    0 on success; 1 on any error result or unusable input (errors also on stderr)
env     KRM_FN_STDERR=info: every result on stderr, infos too (kustomize shows only stderr);
        KRM_FN_DEBUG=1: a traceback on an internal error
"""
EPILOG = 'A Deployment annotated delivery.krm-fn.dev/skip: "true" is never converted.'


class _Parser(argparse.ArgumentParser):
    def format_help(self) -> str:
        from .config.docs import help_text  # only --help pays for it

        return super().format_help().replace("{fields}", help_text(default_spec_model()))

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: {message} (the input is read from stdin; see --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        usage=f"{PROG} < resource-list.yaml > resource-list.yaml",
        description=DESCRIPTION,
        epilog="functionConfig spec fields:\n{fields}" + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--schema", action="store_true", help="print the functionConfig's JSON Schema and exit")
    parser.add_argument(
        "--post-renderer",
        metavar="CONFIG",
        help="Helm post-renderer: read manifests (a YAML stream) on stdin, convert them as CONFIG (a ProgressiveDelivery "
        "or ConfigMap file) says, write the stream on stdout; on an error nothing is written",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


def default_spec_model() -> type[BaseModel]:
    return provider_api.load(registry.DEFAULT_PROVIDER).spec_model


def run_list(lst: resource_list.ResourceList) -> tuple[str, list[Result]]:
    results = resource_list.item_problems(lst.items)
    items = lst.items
    if not results:
        items, results = process.run(items, lst.doc.get("functionConfig"))
    return resource_list.render(lst, items, results), results


def main(
    argv: list[str] | None = None,
    stdin: BinaryIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.schema:
        from .config.schema import json_schema  # only this flag needs it

        out.write(json.dumps(json_schema(default_spec_model()), indent=2) + "\n")
        return 0
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    # A run builds millions of small objects and then exits: the cyclic collector only
    # rescans them (half the run time at 10,000 resources); reference counting still frees.
    if stdin is None:  # a process of its own; in-process callers keep their collector
        gc.disable()
    data = (stdin or sys.stdin.buffer).read()
    try:
        if args.post_renderer is not None:
            from . import postrender  # only this flag needs it

            text, results = postrender.run(data, args.post_renderer)
        else:
            text, results = resource_list.with_list(data, run_list)
    except resource_list.MalformedInputError as problem:
        err.write(f"{PROG}: error: {problem}\n")
        return 1
    except Exception as crash:  # never a traceback for the user, but never a silent pass either
        if os.environ.get("KRM_FN_DEBUG"):
            raise
        err.write(f"{PROG}: internal error: {type(crash).__name__}: {crash} (set KRM_FN_DEBUG=1 for a traceback)\n")
        return 1
    out.write(text)
    # kustomize shows the function's stderr, never its results: errors and warnings go there too,
    # and with KRM_FN_STDERR=info every result (a canary's plan in pods, say).
    shown = ("error", "warning", "info") if os.environ.get("KRM_FN_STDERR") == "info" else ("error", "warning")
    for result in results:
        if result.severity in shown:
            err.write(f"{PROG}: {result.one_line()}\n")
    return 1 if has_errors(results) else 0
