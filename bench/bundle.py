#!/usr/bin/env python3
"""Self-contained executables against the console script (not a test: it asserts nothing).

    .venv/bin/python bench/bundle.py                                  # dist/krm-progressive-delivery/
    .venv/bin/python bench/bundle.py --runs 21 NAME=PATH [NAME=PATH ...]

For each executable (the console script .venv/bin/krm-progressive-delivery is always the
first, the baseline):

  a. start-up: `--help`, and a run on examples/agents.resource-list.yaml; every executable
     once per round, the order rotated every round, --runs rounds; medians of wall time
     and of CPU time (user + system, from wait4), and their ratios to the console script;
  b. fidelity: every golden input (tests/golden/*/input.yaml), with the environment as it
     is and with no locale at all (env -i, only PATH), compared with the console script:
     stdout, stderr and exit code, byte for byte.

Prints a markdown table; the numbers come from one run, with whatever else the machine is
doing at the time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONSOLE_SCRIPT = REPO / ".venv" / "bin" / "krm-progressive-delivery"
BUNDLE = REPO / "dist" / "krm-progressive-delivery" / "krm-progressive-delivery"
EXAMPLE = REPO / "examples" / "agents.resource-list.yaml"
GOLDEN = REPO / "tests" / "golden"


def timed(argv: list[str], stdin: bytes) -> tuple[float, float]:
    """Wall and CPU seconds of one run (output discarded)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc.stdin.write(stdin)  # type: ignore[union-attr]
    proc.stdin.close()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime


def startup(executables: dict[str, str], runs: int) -> None:
    workloads = {"--help": (["--help"], b""), "agents list": ([], EXAMPLE.read_bytes())}
    names = list(executables)
    samples: dict[tuple[str, str], list[tuple[float, float]]] = {(w, n): [] for w in workloads for n in names}
    for name in names:  # warm the page cache once
        for args, stdin in workloads.values():
            timed([executables[name], *args], stdin)
    for round_ in range(runs):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for workload, (args, stdin) in workloads.items():
            for name in order:
                samples[workload, name].append(timed([executables[name], *args], stdin))

    print(f"\n### Start-up ({runs} interleaved runs each, medians)\n")
    print("| executable | workload | wall | CPU | wall / console script | CPU / console script |")
    print("|---|---|--:|--:|--:|--:|")
    for workload in workloads:
        base_wall = statistics.median(s[0] for s in samples[workload, names[0]])
        base_cpu = statistics.median(s[1] for s in samples[workload, names[0]])
        for name in names:
            wall = statistics.median(s[0] for s in samples[workload, name])
            cpu = statistics.median(s[1] for s in samples[workload, name])
            print(f"| {name} | {workload} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | {wall / base_wall:.2f}× | {cpu / base_cpu:.2f}× |")


def fidelity(executables: dict[str, str]) -> None:
    cases = sorted(p.parent.name for p in GOLDEN.glob("*/input.yaml"))
    environments = {"as is": dict(os.environ), "env -i": {"PATH": "/usr/bin:/bin"}}
    names = list(executables)
    print(f"\n### Fidelity ({len(cases)} golden cases: stdout, stderr, exit code vs the console script)\n")
    print("| executable | environment | identical | differing |")
    print("|---|---|--:|---|")
    for env_name, env in environments.items():
        expected = {}
        for case in cases:
            source = (GOLDEN / case / "input.yaml").read_bytes()
            expected[case] = subprocess.run([executables[names[0]]], input=source, capture_output=True, env=env)
        for name in names[1:]:
            same, differing = 0, []
            for case in cases:
                source = (GOLDEN / case / "input.yaml").read_bytes()
                got = subprocess.run([executables[name]], input=source, capture_output=True, env=env)
                want = expected[case]
                if (got.stdout, got.stderr, got.returncode) == (want.stdout, want.stderr, want.returncode):
                    same += 1
                else:
                    differing.append(case)
            print(f"| {name} | {env_name} | {same} / {len(cases)} | {', '.join(differing) or '-'} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="rounds of start-up runs (default 21)")
    parser.add_argument("--no-fidelity", action="store_true", help="start-up only")
    parser.add_argument("executables", nargs="*", metavar="NAME=PATH", help=f"default: bundle={BUNDLE.relative_to(REPO)}")
    args = parser.parse_args()
    executables = {"console script": str(CONSOLE_SCRIPT)}
    for spec in args.executables or [f"bundle={BUNDLE}"]:
        name, _, path = spec.partition("=")
        executables[name] = path
    for name, path in executables.items():
        if not os.access(path, os.X_OK):
            print(f"{name}: {path} is not an executable", file=sys.stderr)
            return 1
    startup(executables, args.runs)
    if not args.no_fidelity:
        fidelity(executables)
    return 0


if __name__ == "__main__":
    sys.exit(main())
