#!/usr/bin/env bash
# Build a test tool from tests/go/NAME into .tools/bin/NAME. The tools use upstream code as Go
# modules: rollout-validate (Argo Rollouts' and Kubernetes' own validation of Rollouts, Services,
# RBAC, admission policies and custom resources: the tests' judge, see tests/validator.py) and argocd-build (Argo CD's own kustomize build, plugin server and
# the API server's validation, see tests/test_argocd.py). Called by scripts/install-tools.sh.
#
# Usage:
#   scripts/build-go-tool.sh NAME                 # build if needed; print the binary's path
#   scripts/build-go-tool.sh NAME --module-dir M  # also download module M if needed; print its
#                                                 # directory in the module cache (where the
#                                                 # Argo CD tests find manifests/install.yaml)
#
# Their upstream modules need a newer Go than the machine's: the go command fetches
# $GO_TOOL_TOOLCHAIN (go1.27.3) from the module proxy. A binary is rebuilt only when its inputs
# change: go.mod, go.sum, the *.go files, the toolchain and the build flags are hashed, and the
# hash is kept beside it (.tools/bin/NAME.inputs-sha256), so a second run only prints. A cold
# build takes many minutes (it compiles much of Kubernetes); GO_TOOL_REBUILD=1 forces one.
set -euo pipefail

GO_TOOL_TOOLCHAIN="${GO_TOOL_TOOLCHAIN:-go1.27.3}"
LDFLAGS="-s -w"
GCFLAGS="all=-dwarf=false"  # -w leaves DWARF out of the binary anyway: not making it saves compile time

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="$REPO_ROOT/.tools/bin"

log() { printf 'build-go-tool: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

case "${1:-}" in
    "" | -*) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; [[ ${1:-} == -h || ${1:-} == --help ]] && exit 0; exit 2 ;;
esac
name=$1
module=""
case "${2:-}" in
    "") ;;
    --module-dir) module=${3:?--module-dir needs a module path} ;;
    *) die "unknown argument: $2 (try --help)" ;;
esac
SRC_DIR="$REPO_ROOT/tests/go/$name"
BINARY="$BIN_DIR/$name"
STAMP="$BINARY.inputs-sha256"
[[ -f $SRC_DIR/go.mod ]] || die "no Go module at $SRC_DIR"

go_cmd() {
    local go
    go="$(command -v go || true)"
    [[ -n $go ]] || go=/usr/local/go/bin/go
    [[ -x $go ]] || die "go toolchain not found (needed to build $name)"
    (cd "$SRC_DIR" && GOTOOLCHAIN="$GO_TOOL_TOOLCHAIN" CGO_ENABLED=0 "$go" "$@")
}

inputs_hash() {
    {
        (cd "$SRC_DIR" && find . -maxdepth 1 -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) -print0 |
            LC_ALL=C sort -z | xargs -0 sha256sum)
        printf 'toolchain %s\nldflags %s\ngcflags %s\n' "$GO_TOOL_TOOLCHAIN" "$LDFLAGS" "$GCFLAGS"
    } | sha256sum | cut -d' ' -f1
}

# One build of a tool at a time per repository (parallel test runs, a second shell).
mkdir -p "$BIN_DIR"
exec 9>"$BIN_DIR/.$name.lock"
flock 9

hash="$(inputs_hash)"
if [[ ${GO_TOOL_REBUILD:-} == 1 || ! -x $BINARY || ! -f $STAMP || $(<"$STAMP") != "$hash" ]]; then
    log "building $name with $GO_TOOL_TOOLCHAIN (takes many minutes on a cold Go cache)"
    start=$SECONDS
    rm -f "$STAMP"
    go_cmd build -trimpath -gcflags "$GCFLAGS" -ldflags "$LDFLAGS" -o "$BINARY.tmp" . >&2
    mv "$BINARY.tmp" "$BINARY"
    echo "$hash" >"$STAMP"
    log "built $BINARY in $((SECONDS - start))s"
fi

if [[ -n $module ]]; then
    version="$(go_cmd list -m -f '{{.Path}}@{{.Version}}' "$module")"
    go_cmd mod download -json "$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'
else
    echo "$BINARY"
fi
