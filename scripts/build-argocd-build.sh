#!/usr/bin/env bash
# Build tests/go/argocd-build (Argo CD's own kustomize build and plugin server, and the API
# server's validation: see its main.go) into .tools/bin/argocd-build. Called by
# scripts/install-tools.sh.
#
# Usage:
#   scripts/build-argocd-build.sh               # build if needed; print the binary's path
#   scripts/build-argocd-build.sh --module-dir  # also download argo-cd's module if needed;
#                                               # print its directory in the module cache
#                                               # (where the tests find manifests/install.yaml)
#
# The program depends on github.com/argoproj/argo-cd/v3, which needs a newer Go than the
# machine's: the go command fetches $ARGOCD_BUILD_GOTOOLCHAIN from the module proxy. The
# binary is rebuilt only when its inputs change: go.mod, go.sum, the *.go files, the toolchain
# and the build flags are hashed, and the hash is stored beside the binary
# (.tools/bin/argocd-build.inputs-sha256). A cold build takes minutes and a large Go cache;
# ARGOCD_BUILD_REBUILD=1 forces one.
set -euo pipefail

ARGOCD_BUILD_GOTOOLCHAIN="${ARGOCD_BUILD_GOTOOLCHAIN:-go1.27.3}"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC_DIR="$REPO_ROOT/tests/go/argocd-build"
BIN_DIR="$REPO_ROOT/.tools/bin"
BINARY="$BIN_DIR/argocd-build"
STAMP="$BINARY.inputs-sha256"
LDFLAGS="-s -w"

log() { printf 'build-argocd-build: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

print_module_dir=false
case "${1:-}" in
    "") ;;
    --module-dir) print_module_dir=true ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
esac

go_cmd() {
    local go
    go="$(command -v go || true)"
    [[ -n $go ]] || go=/usr/local/go/bin/go
    [[ -x $go ]] || die "go toolchain not found (needed to build argocd-build)"
    (cd "$SRC_DIR" && GOTOOLCHAIN="$ARGOCD_BUILD_GOTOOLCHAIN" CGO_ENABLED=0 "$go" "$@")
}

inputs_hash() {
    {
        (cd "$SRC_DIR" && find . -maxdepth 1 -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) -print0 |
            LC_ALL=C sort -z | xargs -0 sha256sum)
        printf 'toolchain %s\nldflags %s\n' "$ARGOCD_BUILD_GOTOOLCHAIN" "$LDFLAGS"
    } | sha256sum | cut -d' ' -f1
}

# One build at a time per repository (parallel test runs, a second shell).
mkdir -p "$BIN_DIR"
exec 9>"$BIN_DIR/.argocd-build.lock"
flock 9

hash="$(inputs_hash)"
if [[ ${ARGOCD_BUILD_REBUILD:-} == 1 || ! -x $BINARY || ! -f $STAMP || $(<"$STAMP") != "$hash" ]]; then
    log "building argocd-build with $ARGOCD_BUILD_GOTOOLCHAIN (takes several minutes on a cold Go cache)"
    start=$SECONDS
    rm -f "$STAMP"
    go_cmd build -trimpath -ldflags "$LDFLAGS" -o "$BINARY.tmp" . >&2
    mv "$BINARY.tmp" "$BINARY"
    echo "$hash" >"$STAMP"
    log "built $BINARY in $((SECONDS - start))s"
fi

if $print_module_dir; then
    module="$(go_cmd list -m -f '{{.Path}}@{{.Version}}' github.com/argoproj/argo-cd/v3)"
    dir="$(go_cmd mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
    [[ -f $dir/manifests/install.yaml ]] || die "no manifests/install.yaml in $module's module directory '$dir'"
    echo "$dir"
else
    echo "$BINARY"
fi
