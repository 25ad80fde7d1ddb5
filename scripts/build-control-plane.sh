#!/usr/bin/env bash
# Build the parts of the tests' control plane (tests/controlplane.py) from upstream code, through
# the Go module proxy, into .tools/bin/: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, kwok, rollouts-controller and kubectl-argo-rollouts; and copy kwok's
# stage configs (a node that becomes Ready and keeps a heartbeat, pods that become Ready) from its
# module into .tools/share/kwok-stages/, and the Argo Rollouts CRDs other than the Rollout's into
# .tools/share/argo-rollouts-crds/.
#
# Usage:
#   scripts/build-control-plane.sh               # build if needed; print one line per tool:
#                                                # <tool> <version> <path>
#   scripts/build-control-plane.sh --print-path  # build if needed; print only the bin dir
#
# Each part is a wrapper module in tests/go/control-plane/ (go.mod and go.sum pin it; its commands
# are the module's `tool` lines), built with the version ldflags its own release build sets:
#   etcd           go.etcd.io/etcd/server/v3 v3.6.17
#   kubernetes     k8s.io/kubernetes v1.34.5 (its staging modules replaced by v0.34.5)
#   kwok           sigs.k8s.io/kwok v0.8.0
#   argo-rollouts  github.com/argoproj/argo-rollouts v1.10.2 (with that module's replace block)
# All are built with $GO_TOOL_TOOLCHAIN (go1.27.3, fetched from the module proxy; Argo Rollouts
# needs Go >= 1.26.10), the flags scripts/build-go-tool.sh uses, so the Go build cache is shared
# with the other test tools. A module is rebuilt only when its inputs change (go.mod, go.sum, the
# toolchain, the flags: hashed, the hash kept beside each binary as NAME.inputs-sha256), so a
# second run only prints. A cold build takes many minutes (the API server alone compiles much of
# Kubernetes); CONTROL_PLANE_REBUILD=1 forces one.
set -euo pipefail

GO_TOOL_TOOLCHAIN="${GO_TOOL_TOOLCHAIN:-go1.27.3}"
GCFLAGS="all=-dwarf=false"  # -w leaves DWARF out of the binary anyway: not making it saves compile time

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="$REPO_ROOT/.tools/bin"
SHARE_DIR="$REPO_ROOT/.tools/share"
SRC_ROOT="$REPO_ROOT/tests/go/control-plane"

log() { printf 'build-control-plane: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

print_path=false
for arg in "$@"; do
    case "$arg" in
        --print-path) print_path=true ;;
        -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) die "unknown argument: $arg (try --help)" ;;
    esac
done

go_cmd() {  # go_cmd MODULE ARGS...: the go command in tests/go/control-plane/MODULE
    local go module=$1
    shift
    go="$(command -v go || true)"
    [[ -n $go ]] || go=/usr/local/go/bin/go
    [[ -x $go ]] || die "go toolchain not found (needed to build the control plane)"
    (cd "$SRC_ROOT/$module" && GOTOOLCHAIN="$GO_TOOL_TOOLCHAIN" CGO_ENABLED=0 GOFLAGS=-mod=readonly "$go" "$@")
}

# The version of MODULE_PATH that the wrapper module MODULE selects.
module_version() { go_cmd "$1" list -m -f '{{.Version}}' "$2"; }
# Its directory in the module cache (downloaded if needed).
module_dir() { go_cmd "$1" mod download -json "$2@$(module_version "$1" "$2")" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'; }
# The time the module proxy gives for the release: the build date, the same on every build.
module_time() { go_cmd "$1" list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' "$2"; }

ldflags_for() {  # ldflags_for MODULE: what the project's own release build sets
    local version date
    case "$1" in
        etcd) echo "-s -w" ;;  # etcd's version is a constant in go.etcd.io/etcd/api/v3/version
        kubernetes)
            version="$(module_version kubernetes k8s.io/kubernetes)"
            date="$(module_time kubernetes k8s.io/kubernetes)"
            local minor major flags="-s -w"
            major="${version#v}"; major="${major%%.*}"
            minor="$(cut -d. -f2 <<<"$version")"
            # hack/lib/version.sh sets both packages; without them the server reports v0.0.0-master.
            for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
                flags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
                flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date"
            done
            echo "$flags" ;;
        kwok)
            version="$(module_version kwok sigs.k8s.io/kwok)"
            echo "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$version" ;;
        argo-rollouts)
            local pkg=github.com/argoproj/argo-rollouts/utils/version
            version="$(module_version argo-rollouts github.com/argoproj/argo-rollouts)"
            date="$(module_time argo-rollouts github.com/argoproj/argo-rollouts)"
            # The Makefile's VERSION is the number alone; with no commit known, the tools report
            # v1.10.2+unknown.
            echo "-s -w -X $pkg.version=${version#v} -X $pkg.buildDate=$date -X $pkg.gitTreeState=clean" ;;
        *) die "unknown module $1" ;;
    esac
}

inputs_hash() {  # inputs_hash MODULE LDFLAGS
    {
        (cd "$SRC_ROOT/$1" && find . -maxdepth 1 -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) -print0 |
            LC_ALL=C sort -z | xargs -0 sha256sum)
        printf 'toolchain %s\nldflags %s\ngcflags %s\n' "$GO_TOOL_TOOLCHAIN" "$2" "$GCFLAGS"
    } | sha256sum | cut -d' ' -f1
}

# The module's commands: its go.mod's `tool` lines (a block or single lines).
tools_of() {
    awk '/^tool \(/ { block = 1; next } block && /^\)/ { block = 0 } block && NF { print $1 } /^tool [^(]/ { print $2 }' \
        "$SRC_ROOT/$1/go.mod"
}

build_module() {  # build_module MODULE: every command of the module into $BIN_DIR, if its inputs changed
    local module=$1 ldflags hash stale=false pkg tmp start
    ldflags="$(ldflags_for "$module")"
    hash="$(inputs_hash "$module" "$ldflags")"
    for pkg in $(tools_of "$module"); do
        local bin="$BIN_DIR/$(binary_name "$pkg")"
        [[ -x $bin && -f $bin.inputs-sha256 && $(<"$bin.inputs-sha256") == "$hash" ]] || stale=true
    done
    [[ ${CONTROL_PLANE_REBUILD:-} == 1 ]] && stale=true
    $stale || return 0
    log "building $module with $GO_TOOL_TOOLCHAIN (takes minutes on a cold Go cache)"
    start=$SECONDS
    tmp="$(mktemp -d "$BIN_DIR/.build-$module.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    # shellcheck disable=SC2046  # one word per package
    go_cmd "$module" build -trimpath -gcflags "$GCFLAGS" -ldflags "$ldflags" -o "$tmp/" $(tools_of "$module") >&2 ||
        { rm -rf "$tmp"; die "building $module failed"; }
    for pkg in $(tools_of "$module"); do
        local name
        name="$(binary_name "$pkg")"
        rm -f "$BIN_DIR/$name.inputs-sha256"
        mv "$tmp/$(go_out_name "$pkg")" "$BIN_DIR/$name"
        echo "$hash" >"$BIN_DIR/$name.inputs-sha256"
    done
    rm -rf "$tmp"
    trap - EXIT
    log "built $module in $((SECONDS - start))s"
}

# The name go build gives a command: its last path element, or the one before a major version (v3).
go_out_name() {
    local base
    base="$(basename "$1")"
    [[ $base =~ ^v[0-9]+$ ]] && base="$(basename "$(dirname "$1")")"
    echo "$base"
}

# The installed name of a command: its last path element, except etcd's server (go.etcd.io/etcd/server/v3).
binary_name() {
    case "$1" in
        go.etcd.io/etcd/server/v3) echo etcd ;;
        *) basename "$1" ;;
    esac
}

copy_from_module() {  # copy_from_module MODULE MODULE_PATH DEST FILE...: files of the module's source, by their path in it
    local module=$1 path=$2 dest="$SHARE_DIR/$3" version dir file
    shift 3
    version="$(module_version "$module" "$path")"
    [[ -f $dest/.version && $(<"$dest/.version") == "$version" ]] && return
    dir="$(module_dir "$module" "$path")"
    rm -rf "$dest"
    mkdir -p "$dest"
    for file in "$@"; do
        [[ -f $dir/$file ]] || die "no $file in $dir"
        cp "$dir/$file" "$dest/"
    done
    chmod u+w "$dest"/*
    echo "$version" >"$dest/.version"
}

mkdir -p "$BIN_DIR"
# One build at a time per repository (parallel test runs, a second shell).
exec 9>"$BIN_DIR/.control-plane.lock"
flock 9

# Smallest first; one at a time (each go build already uses every core).
MODULES=(etcd kubernetes kwok argo-rollouts)
for module in "${MODULES[@]}"; do
    build_module "$module"
done
# kwok's stage configs, from the module the binary was built from: a node that turns Ready at
# once and keeps a heartbeat, pods that turn Ready (and are deleted) at once.
copy_from_module kwok sigs.k8s.io/kwok kwok-stages kustomize/stage/node/fast/node-initialize.yaml \
    kustomize/stage/node/heartbeat/node-heartbeat.yaml kustomize/stage/pod/fast/pod-ready.yaml \
    kustomize/stage/pod/fast/pod-complete.yaml kustomize/stage/pod/fast/pod-delete.yaml
# The Argo Rollouts CRDs besides the Rollout's (whose copy the tests share, ../shared/argo-rollouts):
# the controller waits for their informers too.
copy_from_module argo-rollouts github.com/argoproj/argo-rollouts argo-rollouts-crds \
    manifests/crds/analysis-run-crd.yaml manifests/crds/analysis-template-crd.yaml \
    manifests/crds/cluster-analysis-template-crd.yaml manifests/crds/experiment-crd.yaml

if $print_path; then
    echo "$BIN_DIR"
    exit 0
fi
for module in "${MODULES[@]}"; do
    case "$module" in
        etcd) path=go.etcd.io/etcd/server/v3 ;;
        kubernetes) path=k8s.io/kubernetes ;;
        kwok) path=sigs.k8s.io/kwok ;;
        argo-rollouts) path=github.com/argoproj/argo-rollouts ;;
    esac
    version="$(module_version "$module" "$path")"
    for pkg in $(tools_of "$module"); do
        echo "$(binary_name "$pkg") $version $BIN_DIR/$(binary_name "$pkg")"
    done
done
echo "kwok-stages $(<"$SHARE_DIR/kwok-stages/.version") $SHARE_DIR/kwok-stages"
echo "argo-rollouts-crds $(<"$SHARE_DIR/argo-rollouts-crds/.version") $SHARE_DIR/argo-rollouts-crds"
