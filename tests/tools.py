"""The real binaries the integration tests drive, found the way scripts/test.sh sets them up."""

from __future__ import annotations

import difflib
import functools
import os
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from conftest import REPO, require_tool

TOOLS_BIN = REPO / ".tools" / "bin"
VENV_BIN = REPO / ".venv" / "bin"
BUNDLE_DIR = REPO / "dist" / "krm-progressive-delivery"


def tool_env() -> dict[str, str]:
    """PATH with the pinned tools and the installed console script first."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(VENV_BIN), str(TOOLS_BIN), env.get("PATH", "")])
    return env


def kustomize() -> str:
    return require_tool("kustomize", str(TOOLS_BIN / "kustomize"))


def helm() -> str:
    return require_tool("helm", str(TOOLS_BIN / "helm"))


def console_script() -> str:
    return require_tool("krm-progressive-delivery", str(VENV_BIN / "krm-progressive-delivery"))


def run(
    args: list[str], cwd: Path | None = None, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a tool with tool_env() (and `env` on top); stdout and stderr as text."""
    return subprocess.run(
        args,
        cwd=cwd,
        env={**tool_env(), **(env or {})},
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_bytes(
    executable: str | Path, stdin: bytes = b"", *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run a build of the function (console script, bundle) as a host runs it: bytes in and out, `env` as given."""
    return subprocess.run([str(executable), *args], input=stdin, capture_output=True, env=env, timeout=300)


def mismatches(
    name: str, expected: subprocess.CompletedProcess[bytes], actual: subprocess.CompletedProcess[bytes], runner: str
) -> list[str]:
    """What differs between a console-script run and the same run by `runner` (bundle, container): exit code, stdout, stderr."""
    problems = []
    if actual.returncode != expected.returncode:
        problems.append(
            f"{name}: exit code {actual.returncode}, console script {expected.returncode}\n{actual.stderr.decode(errors='replace')[-2000:]}"
        )
    for stream in ("stdout", "stderr"):
        want, got = getattr(expected, stream), getattr(actual, stream)
        if got != want:
            diff = difflib.unified_diff(
                want.decode(errors="replace").splitlines(keepends=True),
                got.decode(errors="replace").splitlines(keepends=True),
                f"{stream} (console script)",
                f"{stream} ({runner})",
                n=2,
            )
            problems.append(f"{name}: {stream} differs\n{''.join(list(diff)[:40])}")
    return problems


def documents(text: str) -> dict[tuple[str, str, str], str]:
    """Each object of a build, by (kind, namespace, name), as the exact text kustomize printed."""
    found = {}
    for doc in text.split("\n---\n"):
        obj = yaml.safe_load(doc)
        meta = obj.get("metadata") or {}
        found[(obj["kind"], meta.get("namespace", ""), meta["name"])] = doc.strip() + "\n"
    return found


@functools.cache
def bundle() -> Path:
    """The self-contained folder's entry point, built (or found up to date) once per run by scripts/build-bundle.sh."""
    require_tool("objdump")  # PyInstaller's, from binutils
    start = time.monotonic()
    done = subprocess.run([str(REPO / "scripts" / "build-bundle.sh")], capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        pytest.fail(f"scripts/build-bundle.sh failed ({done.returncode}):\n{done.stderr[-6000:]}")
    printed = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    assert printed.get("BUNDLE") == str(BUNDLE_DIR), done.stdout
    print(f"\n{BUNDLE_DIR}: {int(printed['SIZE']) / 1e6:.0f} MB, ready in {time.monotonic() - start:.1f}s")
    return BUNDLE_DIR / "krm-progressive-delivery"
