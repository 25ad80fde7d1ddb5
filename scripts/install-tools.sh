#!/usr/bin/env bash
# Install pinned kustomize and helm binaries into .tools/bin/ at the repo root (what rendering
# needs); with --test-tools also helm4, actionlint (and shellcheck, from apt when missing), the
# test tools rollout-validate and argocd-build (scripts/build-go-tool.sh), the policy engines' CRDs (scripts/fetch-engine-crds.sh), the test
# control plane (scripts/build-control-plane.sh), and check that kpt is available.
#
# Usage:
#   scripts/install-tools.sh [--test-tools]               # install if needed, then print one
#                                                         # line per tool: <tool> <version> <path>
#   scripts/install-tools.sh [--test-tools] --print-path  # install if needed, print only the
#                                                         # bin dir (build output goes to stderr)
#
#   PATH="$(scripts/install-tools.sh --print-path):$PATH"
#   kustomize build --enable-helm kustomize/...   # finds .tools/bin/helm on PATH
#
# The tools are built from source with `go install` (through the Go module
# proxy), so only a Go toolchain is needed. A tool is rebuilt only when its
# binary is missing or reports a version other than the pin, so a second run
# only prints. Pins can be overridden with KUSTOMIZE_VERSION / HELM_VERSION.
#
# The pins must build with the local Go toolchain (GOTOOLCHAIN=local here):
# kustomize v5.8.3 needs Go >= 1.27, helm v3.22.0 needs Go >= 1.26.
# kpt is not installed by this script; it must already be on PATH.
# rollout-validate and argocd-build (Argo CD's own code, for tests/test_argocd.py) need a
# newer Go: their scripts set GOTOOLCHAIN (fetched through the module proxy) and rebuild
# only when their sources change.
set -euo pipefail

KUSTOMIZE_VERSION="${KUSTOMIZE_VERSION:-v5.8.2}"
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
# Helm v4, for its post-renderer plugins (tests/test_helm.py); installed as helm4.
HELM4_VERSION="${HELM4_VERSION:-v4.3.1}"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="$REPO_ROOT/.tools/bin"

log() { printf 'install-tools: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

print_path=false
test_tools=false
for arg in "$@"; do
    case "$arg" in
        --print-path) print_path=true ;;
        --test-tools) test_tools=true ;;
        -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) die "unknown argument: $arg (try --help)" ;;
    esac
done

go_cmd() {
    local go
    go="$(command -v go || true)"
    [[ -n $go ]] || go=/usr/local/go/bin/go
    [[ -x $go ]] || die "go toolchain not found (needed to build $*)"
    CGO_ENABLED=0 "$go" "$@"
}

# Version a binary reports, or nothing if it is missing or broken.
kustomize_version() { "$BIN_DIR/kustomize" version 2>/dev/null || true; }
helm_version() { "$BIN_DIR/helm" version --template '{{.Version}}' 2>/dev/null || true; }
helm4_version() { "$BIN_DIR/helm4" version --template '{{.Version}}' 2>/dev/null || true; }

# Each built with -gcflags=all=-dwarf=false: -ldflags -w leaves DWARF out of the binary anyway, and not
# making it saves an eighth of a cold build's CPU time.
build() {  # build <tool> <version> <go install args...>: installed as $BIN_DIR/<tool>, whatever the command's name
    local tool=$1 version=$2 start=$SECONDS gobin="$REPO_ROOT/.tools/gobin/$1"
    shift 2
    log "building $tool $version (takes minutes on a cold Go cache)"
    rm -rf "$gobin"
    mkdir -p "$BIN_DIR" "$gobin"
    GOBIN="$gobin" go_cmd install -trimpath "$@" >&2
    mv "$gobin"/* "$BIN_DIR/$tool"
    log "built $tool $version in $((SECONDS - start))s"
}

install_kustomize() {
    [[ $(kustomize_version) == "$KUSTOMIZE_VERSION" ]] && return
    # `kustomize version` reports the module version from the build info.
    build kustomize "$KUSTOMIZE_VERSION" -gcflags=all=-dwarf=false -ldflags '-s -w' \
        "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
    [[ $(kustomize_version) == "$KUSTOMIZE_VERSION" ]] ||
        die "kustomize reports '$(kustomize_version)', expected $KUSTOMIZE_VERSION"
}

install_helm() {
    [[ $(helm_version) == "$HELM_VERSION" ]] && return
    # Same ldflags as helm's release Makefile: the version string, and the
    # default Kubernetes version (.Capabilities.KubeVersion, used by charts'
    # kubeVersion constraints), which is derived from the client-go version
    # (v0.N.x -> 1.N) and would otherwise fall back to 1.20.
    local gomod client_go minor pkg=helm.sh/helm/v3
    gomod="$(go_cmd mod download -json "$pkg@$HELM_VERSION" |
        sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
    client_go="$(awk '$1 == "k8s.io/client-go" { print $2 }' "$gomod")"
    minor="$(cut -d. -f2 <<<"$client_go")"
    [[ $minor =~ ^[0-9]+$ ]] || die "cannot find k8s.io/client-go version in $gomod"
    local ldflags="-s -w -X $pkg/internal/version.version=$HELM_VERSION"
    ldflags+=" -X $pkg/pkg/chartutil.k8sVersionMajor=1 -X $pkg/pkg/chartutil.k8sVersionMinor=$minor"
    ldflags+=" -X $pkg/pkg/lint/rules.k8sVersionMajor=1 -X $pkg/pkg/lint/rules.k8sVersionMinor=$minor"
    build helm "$HELM_VERSION" -gcflags=all=-dwarf=false -ldflags "$ldflags" "$pkg/cmd/helm@$HELM_VERSION"
    [[ $(helm_version) == "$HELM_VERSION" ]] ||
        die "helm reports '$(helm_version)', expected $HELM_VERSION"
}

install_helm4() {
    [[ $(helm4_version) == "$HELM4_VERSION" ]] && return
    # v4 derives its default Kubernetes version from the client-go in its build info; only the
    # version string needs an ldflag.
    local pkg=helm.sh/helm/v4
    build helm4 "$HELM4_VERSION" -gcflags=all=-dwarf=false -ldflags "-s -w -X $pkg/internal/version.version=$HELM4_VERSION" "$pkg/cmd/helm@$HELM4_VERSION"
    [[ $(helm4_version) == "$HELM4_VERSION" ]] ||
        die "helm4 reports '$(helm4_version)', expected $HELM4_VERSION"
}

# actionlint, the GitHub Actions workflow linter (tests/test_workflows.py), and the shellcheck it runs on
# `run:` scripts (Debian's package, installed when missing: root and apt-get). Pinned here, overridable
# with ACTIONLINT_VERSION; its module needs Go >= 1.25. The first line of `actionlint -version` is the
# module version from the build info, so the binary is rebuilt only when the pin changes.
install_actionlint() {
    if ! command -v shellcheck >/dev/null; then
        command -v apt-get >/dev/null && [[ $(id -u) == 0 ]] ||
            die "shellcheck not found on PATH, and apt-get cannot install it here: install shellcheck"
        log "installing shellcheck (apt-get)"
        apt-get install -y -qq --no-install-recommends shellcheck >/dev/null ||
            { apt-get update -qq && apt-get install -y -qq --no-install-recommends shellcheck >/dev/null; } ||
            die "apt-get could not install shellcheck"
    fi
    : "${ACTIONLINT_VERSION:=v1.7.12}"
    local bin="$BIN_DIR/actionlint"
    [[ $("$bin" -version 2>/dev/null | sed -n 1p) == "$ACTIONLINT_VERSION" ]] && return
    build actionlint "$ACTIONLINT_VERSION" -gcflags=all=-dwarf=false -ldflags '-s -w' \
        "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
    [[ $("$bin" -version 2>/dev/null | sed -n 1p) == "$ACTIONLINT_VERSION" ]] ||
        die "actionlint reports '$("$bin" -version 2>/dev/null | sed -n 1p)', expected $ACTIONLINT_VERSION"
}

# One after the other, helm first: most of kustomize's packages are helm's too, at the same
# versions, and then come from the build cache.
install_helm
install_kustomize
if $test_tools; then
    kpt_path="$(command -v kpt || true)"
    [[ -n $kpt_path ]] || die "kpt not found on PATH; install kpt v1 (https://kpt.dev/installation/)"
    kpt_version="$(kpt version 2>/dev/null)" || die "'$kpt_path version' failed"
    install_helm4
    install_actionlint
    validator="$("$REPO_ROOT/scripts/build-go-tool.sh" rollout-validate)"
    argocd_build="$("$REPO_ROOT/scripts/build-go-tool.sh" argocd-build)"
    "$REPO_ROOT/scripts/fetch-engine-crds.sh" >/dev/null
    "$REPO_ROOT/scripts/build-control-plane.sh" >/dev/null
fi

if $print_path; then
    echo "$BIN_DIR"
    exit 0
fi
echo "kustomize $KUSTOMIZE_VERSION $BIN_DIR/kustomize"
echo "helm $HELM_VERSION $BIN_DIR/helm"
if $test_tools; then
    echo "helm4 $HELM4_VERSION $BIN_DIR/helm4"
    echo "actionlint $ACTIONLINT_VERSION $BIN_DIR/actionlint"
    echo "rollout-validate $(cut -c1-12 "$validator.inputs-sha256") $validator"
    echo "argocd-build $(sed -n 's/^\tgithub.com\/argoproj\/argo-cd\/v3 //p' "$REPO_ROOT/tests/go/argocd-build/go.mod") $argocd_build"
    echo "kpt $kpt_version $kpt_path"
    "$REPO_ROOT/scripts/build-control-plane.sh"
fi
