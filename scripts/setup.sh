#!/usr/bin/env bash
# Set up what a command needs, idempotently, and print the PATH to use:
#   export PATH="$(scripts/setup.sh [MODE]):$PATH"
#
# MODE (default render):
#   render       what rendering the overlay needs: .venv/ with this package, pinned kustomize and
#                helm in .tools/bin/ (scripts/install-tools.sh), and the pinned Argo Rollouts CRD in
#                kustomize/components/argo-rollouts-crd/ (scripts/fetch-rollout-crd.sh)
#   --quick      what the quick loop needs: .venv/ with the test dependencies (no Go tool)
#   --test-tools everything the whole test suite needs: the above, helm4, and the test tools built
#                from upstream Go code (rollout-validate, argocd-build); their first builds take
#                many minutes
# Progress goes to stderr.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
PYTHON="${PYTHON:-python3}"

log() { printf 'setup: %s\n' "$*" >&2; }

mode=${1:-render}
case "$mode" in
    render) extras="" ;;
    --quick | --test-tools) extras="[test]" ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) log "unknown mode: $mode (try --help)"; exit 2 ;;
esac

install_venv() {
    if [[ ! -x $VENV/bin/python ]]; then
        log "creating $VENV"
        # Without a pip of its own (installing one is most of a venv's making): $PYTHON's pip installs into it.
        "$PYTHON" -m venv --without-pip "$VENV"
    fi
    # Reinstall only when the project's metadata, or what is asked of it, changed since the last
    # install; a venv with the test dependencies serves rendering too.
    local metadata stamp
    metadata="$(sha256sum "$REPO_ROOT/pyproject.toml" | cut -c1-16)"
    stamp="$VENV/.installed-$metadata${extras:+-test}"
    if [[ ! -e $stamp && ! -e $VENV/.installed-$metadata-test ]]; then
        log "installing krm-progressive-delivery${extras:+ and its test dependencies} into $VENV"
        "$PYTHON" -m pip --python "$VENV/bin/python" install --quiet --disable-pip-version-check -e "${REPO_ROOT}${extras}" >&2
        rm -f "$VENV"/.installed-*
        touch "$stamp"
    fi
    # Bytecode for the package, once: where PYTHONDONTWRITEBYTECODE is set, every run would
    # otherwise compile it again (about 35 ms of each start).
    "$VENV/bin/python" -m compileall -q "$REPO_ROOT/krm_fn" >&2
}

if [[ $mode == --quick ]]; then
    install_venv
    echo "$VENV/bin"
    exit 0
fi
# The Go builds take longest: they start first, and the venv is made while they run.
tools_out="$(mktemp)"
trap 'rm -f "$tools_out"' EXIT
tool_args=(--print-path)
if [[ $mode == --test-tools ]]; then
    tool_args+=(--test-tools)
fi
"$REPO_ROOT/scripts/install-tools.sh" "${tool_args[@]}" >"$tools_out" &
tools_pid=$!
install_venv
"$REPO_ROOT/scripts/fetch-rollout-crd.sh" >&2
wait "$tools_pid" || { log "installing the tools failed"; exit 1; }
echo "$VENV/bin:$(cat "$tools_out")"
