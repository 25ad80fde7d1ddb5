#!/usr/bin/env bash
# Set up (first run only), check lint and types, and run the whole test suite against the
# real tools. Extra arguments go to pytest, e.g. scripts/test.sh -k golden; with arguments
# the lint and type checks are skipped (they cover the whole tree, not a selection).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PATH="$("$REPO_ROOT/scripts/setup.sh"):$PATH"
export PATH
cd "$REPO_ROOT"
if [[ $# -eq 0 ]]; then
    ruff check .
    ruff format --check --quiet .
    mypy
    lint-imports --no-cache
fi
exec python -m pytest "$@"
