"""The command line: stdin -> ResourceList -> stdout, human text on stderr, and the exit code.

Exit 0 when the run has no error result; 1 when it has one (the list is then written
unchanged, with the results) or when the input is unusable (nothing is written).
"""

from __future__ import annotations

import gc
import json
import os
import sys
from typing import BinaryIO, TextIO

from . import __version__, process, resource_list
from .results import has_errors

PROG = "krm-progressive-delivery"
USAGE = f"""\
{PROG} {__version__}: a KRM function (kustomize, kpt) that turns selected Deployments into
Argo Rollouts canaries, and checks at render time what the Argo Rollouts controller would reject.

usage: {PROG} < resource-list.yaml > resource-list.yaml
       {PROG} --schema     print the functionConfig's JSON Schema

stdin   a config.kubernetes.io/v1 ResourceList (YAML or JSON) whose functionConfig is a
        delivery.krm-fn.dev/v1alpha1 ProgressiveDelivery or a v1 ConfigMap
stdout  the ResourceList with the selected Deployments converted, and results
exit    0 on success; 1 on any error result or unusable input (errors also on stderr)

functionConfig (spec fields and defaults):
  enabled: false                 false: every item passes through unchanged
  provider: argo-rollouts        the only provider
  canarySteps: [{{setWeight: 25}}, {{pause: {{}}}}]
  maxSurge / maxUnavailable      default: the Deployment's rollingUpdate values, else 1 / 0
  selector: {{names: [], namespaces: [], matchLabels: {{}}}}   ANDed; empty selects all
  requireCRD: true               the list must declare CRD rollouts.argoproj.io (v1alpha1)
A Deployment annotated delivery.krm-fn.dev/skip: "true" is never converted.
ConfigMap keys: enabled, provider, canarySteps, maxSurge, maxUnavailable,
  selector.names, selector.namespaces (comma-separated), selector.matchLabels (k=v,...), requireCRD
"""


def main(
    argv: list[str] | None = None,
    stdin: BinaryIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    args = sys.argv[1:] if argv is None else argv
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if args and args[0] in ("-h", "--help", "help"):
        out.write(USAGE)
        return 0
    if args and args[0] == "--schema":
        from .config import json_schema  # only this flag needs it

        out.write(json.dumps(json_schema(), indent=2) + "\n")
        return 0
    if args and args[0] == "--version":
        out.write(f"{PROG} {__version__}\n")
        return 0
    if args:
        err.write(f"{PROG}: unexpected argument {args[0]!r}; the input is read from stdin (see --help)\n")
        return 2
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    # A run builds millions of small objects and then exits: the cyclic collector only
    # rescans them (half the run time at 10,000 resources); reference counting still frees.
    if stdin is None:  # a process of its own; in-process callers keep their collector
        gc.disable()
    data = (stdin or sys.stdin.buffer).read()
    try:
        doc = resource_list.parse(data)
        results = resource_list.item_problems(doc["items"])
        items = doc["items"]
        if not results:
            items, results = process.run(items, doc.get("functionConfig"))
        text = resource_list.render(doc, items, results)
    except resource_list.MalformedInput as problem:
        err.write(f"{PROG}: error: {problem}\n")
        return 1
    except Exception as crash:  # never a traceback for the user, but never a silent pass either
        if os.environ.get("KRM_FN_DEBUG"):
            raise
        err.write(f"{PROG}: internal error: {type(crash).__name__}: {crash} (set KRM_FN_DEBUG=1 for a traceback)\n")
        return 1
    out.write(text)
    for result in results:
        if result.severity != "info":
            err.write(f"{PROG}: {result.one_line()}\n")
    return 1 if has_errors(results) else 0
