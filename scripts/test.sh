#!/usr/bin/env bash
# Set up (first run only), then test.
#   scripts/test.sh           the whole suite, what CI runs: lint (ruff), types (mypy --strict), the
#                             import contracts (lint-imports), and every test, against the real tools
#   scripts/test.sh --quick   the inner loop: every test that needs no Go tool, container runtime or
#                             bundle, the slow ones at a reduced size, on two workers (about 45 s)
#   scripts/test.sh ARGS...   pytest ARGS after the whole set-up (scripts/test.sh tests/test_golden.py
#                             -k crd); lint, types and contracts are left out (they cover the tree)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
if [[ ${1:-} == --quick ]]; then
    shift
    PATH="$(scripts/setup.sh --quick):$PATH"
    export PATH KRM_FN_TEST_SIZE=quick
    exec python -m pytest -n 2 -m "not (tools or judge or container or bundle)" "$@"
fi
PATH="$(scripts/setup.sh --test-tools):$PATH"
export PATH
if [[ $# -eq 0 ]]; then
    ruff check .
    ruff format --check --quiet .
    mypy
    lint-imports --no-cache
fi
exec python -m pytest "$@"
