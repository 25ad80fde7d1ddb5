#!/usr/bin/env bash
# Set up everything the demo and the tests need, idempotently:
#   .venv/          the function (editable) and its test dependencies
#   .tools/bin/     pinned kustomize and helm, and the test tool argocd-build (scripts/install-tools.sh)
#   kustomize/components/argo-rollouts-crd/rollout-crd.yaml   (scripts/fetch-rollout-crd.sh)
# Prints the PATH to use: export PATH="$(scripts/setup.sh):$PATH"
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
PYTHON="${PYTHON:-python3}"

log() { printf 'setup: %s\n' "$*" >&2; }

if [[ ! -x $VENV/bin/python ]]; then
    log "creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
# Reinstall only when the project's metadata changed since the last install.
stamp="$VENV/.installed-$(sha256sum "$REPO_ROOT/pyproject.toml" | cut -c1-16)"
if [[ ! -e $stamp ]]; then
    log "installing krm-progressive-delivery and its test dependencies into $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "${REPO_ROOT}[test]" >&2
    rm -f "$VENV"/.installed-*
    touch "$stamp"
fi

# Bytecode for the package, once: where PYTHONDONTWRITEBYTECODE is set, every run would
# otherwise compile it again (about 35 ms of each start).
"$VENV/bin/python" -m compileall -q "$REPO_ROOT/krm_fn" >&2

tools_bin="$("$REPO_ROOT/scripts/install-tools.sh" --print-path)"
"$REPO_ROOT/scripts/fetch-rollout-crd.sh" >&2

echo "$VENV/bin:$tools_bin"
