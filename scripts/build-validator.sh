#!/usr/bin/env bash
# Build the test judge, tests/go/rollout-validate, into .tools/bin/rollout-validate at the repo
# root. The judge runs Argo Rollouts' and Kubernetes' own validation code over the objects the
# tests produce (see tests/validator.py).
#
# Usage:
#   scripts/build-validator.sh   # build if needed, then print the binary's path
#
# It depends on github.com/argoproj/argo-rollouts v1.10.2, which needs Go >= 1.26.10:
# GOTOOLCHAIN=go1.27.3 makes the go command fetch that toolchain through the Go module proxy.
# The binary is rebuilt only when its inputs change: a sha256 of go.mod, go.sum, the *.go files
# and the toolchain setting is kept next to it (.tools/bin/rollout-validate.inputs), so a second
# run only prints. A cold build takes several minutes (it compiles much of Kubernetes).
set -euo pipefail

export GOTOOLCHAIN=go1.27.3

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC_DIR="$REPO_ROOT/tests/go/rollout-validate"
BIN_DIR="$REPO_ROOT/.tools/bin"
BIN="$BIN_DIR/rollout-validate"
STAMP="$BIN.inputs"

log() { printf 'build-validator: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

case "${1:-}" in
    "") ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
esac

go="$(command -v go || true)"
[[ -n $go ]] || go=/usr/local/go/bin/go
[[ -x $go ]] || die "go toolchain not found (needed to build rollout-validate)"

inputs_hash() {
    (
        cd "$SRC_DIR"
        printf 'GOTOOLCHAIN=%s\n' "$GOTOOLCHAIN"
        sha256sum go.mod go.sum $(find . -name '*.go' -type f | LC_ALL=C sort)
    ) | sha256sum | cut -c1-64
}

want="$(inputs_hash)"
if [[ ! -x $BIN || ! -e $STAMP || $(<"$STAMP") != "$want" ]]; then
    start=$SECONDS
    log "building rollout-validate (takes several minutes on a cold Go cache)"
    mkdir -p "$BIN_DIR"
    rm -f "$STAMP"
    (cd "$SRC_DIR" && CGO_ENABLED=0 "$go" build -trimpath -ldflags '-s -w' -o "$BIN" .) >&2
    echo "$want" >"$STAMP"
    log "built rollout-validate in $((SECONDS - start))s"
fi
echo "$BIN"
