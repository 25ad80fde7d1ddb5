#!/usr/bin/env bash
# Set up (first run only) and run the whole test suite against the real tools.
# Extra arguments go to pytest, e.g. scripts/test.sh -k golden
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PATH="$("$REPO_ROOT/scripts/setup.sh"):$PATH"
export PATH
cd "$REPO_ROOT"
exec python -m pytest "$@"
