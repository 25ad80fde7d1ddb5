#!/usr/bin/env bash
# Fetch the policy engines' own CRDs (pinned releases, checksum verified) into .tools/crds/, where
# the tests that validate Kyverno and Gatekeeper policy objects find them (tests/engine_crds.py):
#
#   kyverno-clusterpolicies.yaml   Kyverno's ClusterPolicy and Policy CRDs (kyverno.io), as published
#   kyverno-policies.yaml          in its module source: config/crds/kyverno/kyverno.io_*.yaml
#   gatekeeper-k8srequiredlabels-constraint.yaml
#                                  the CRD Gatekeeper creates for the constraints
#                                  (constraints.gatekeeper.sh/v1beta1 K8sRequiredLabels) of the
#                                  template in its module source (example/templates/)
#
# Gatekeeper publishes no constraint CRD: it makes one per ConstraintTemplate when the template is
# added, from the template's parameters and the match schema of its admission target (pkg/target,
# generated from pkg/mutation/match). tests/go/constraint-crd runs that code (scripts/build-go-tool.sh
# builds it), so the CRD is exactly what the engine would create, not a copy assembled here.
#
# Usage: scripts/fetch-engine-crds.sh   # fetch if needed; print the CRD files' paths, one a line
#
# The modules come through the Go module proxy (`go mod download`, checked against go.sum and the
# checksum database) into the module cache, read-only; the files are copied out of it. Whatever the
# source, each file's sha256 must be its pin below. A second run only verifies and prints.
set -euo pipefail

KYVERNO_VERSION="v1.19.1"
GATEKEEPER_VERSION="v3.23.1"  # the version tests/go/constraint-crd/go.mod requires
KYVERNO_CLUSTERPOLICIES_SHA256="8b567653a33c7db9843ec2d2c2f4845625bed6d4b005dbb5485e6646b9376703"
KYVERNO_POLICIES_SHA256="fffdcf308c638c699b8e90eb31d130a19928709e6309319942f5fb4cd412122b"
GATEKEEPER_CONSTRAINT_SHA256="87cdd7c168bd52600f3b0025e69afbd278e0351807cc36cabb32bd4097305c06"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CRD_DIR="$REPO_ROOT/.tools/crds"
KYVERNO_CLUSTERPOLICIES="$CRD_DIR/kyverno-clusterpolicies.yaml"
KYVERNO_POLICIES="$CRD_DIR/kyverno-policies.yaml"
GATEKEEPER_CONSTRAINT="$CRD_DIR/gatekeeper-k8srequiredlabels-constraint.yaml"
GATEKEEPER_TEMPLATE="example/templates/k8srequiredlabels_template.yaml"  # in the Gatekeeper module

log() { printf 'fetch-engine-crds: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
verified() { [[ -s $1 ]] && [[ $(sha256sum "$1" | cut -d' ' -f1) == "$2" ]]; }
all_verified() {
    verified "$KYVERNO_CLUSTERPOLICIES" "$KYVERNO_CLUSTERPOLICIES_SHA256" &&
        verified "$KYVERNO_POLICIES" "$KYVERNO_POLICIES_SHA256" &&
        verified "$GATEKEEPER_CONSTRAINT" "$GATEKEEPER_CONSTRAINT_SHA256"
}

go_cmd() {
    local go
    go="$(command -v go || true)"
    [[ -n $go ]] || go=/usr/local/go/bin/go
    [[ -x $go ]] || die "go toolchain not found (needed to download $*)"
    (cd "$REPO_ROOT/.tools" && "$go" "$@")
}

# module_dir MODULE@VERSION: download if needed; print its directory in the module cache.
module_dir() {
    local json dir
    json="$(go_cmd mod download -json "$1")" || die "go mod download $1 failed: $json"
    dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")"
    [[ -d $dir ]] || die "go mod download $1 gave no directory: $json"
    echo "$dir"
}

# put SOURCE TARGET SHA256: copy SOURCE to TARGET, if its sha256 is the pin.
put() {
    local tmp
    verified "$1" "$3" || die "$1: sha256 $(sha256sum "$1" | cut -d' ' -f1) is not the pinned $3"
    tmp="$(mktemp "$2.XXXXXX")"
    cp "$1" "$tmp"
    chmod 644 "$tmp"
    mv "$tmp" "$2"
    log "fetched $2"
}

mkdir -p "$CRD_DIR"
# One fetch at a time per repository (parallel test runs, a second shell).
exec 9>"$CRD_DIR/.lock"
flock 9

if all_verified; then
    log "Kyverno $KYVERNO_VERSION and Gatekeeper $GATEKEEPER_VERSION CRDs in $CRD_DIR (sha256 ok)"
else
    start=$SECONDS
    kyverno="$(module_dir "github.com/kyverno/kyverno@$KYVERNO_VERSION")"
    put "$kyverno/config/crds/kyverno/kyverno.io_clusterpolicies.yaml" "$KYVERNO_CLUSTERPOLICIES" "$KYVERNO_CLUSTERPOLICIES_SHA256"
    put "$kyverno/config/crds/kyverno/kyverno.io_policies.yaml" "$KYVERNO_POLICIES" "$KYVERNO_POLICIES_SHA256"

    required="$(awk '$1 == "github.com/open-policy-agent/gatekeeper/v3" { print $2 }' "$REPO_ROOT/tests/go/constraint-crd/go.mod")"
    [[ $required == "$GATEKEEPER_VERSION" ]] ||
        die "tests/go/constraint-crd/go.mod requires Gatekeeper '$required', not the pinned $GATEKEEPER_VERSION"
    tool="$("$REPO_ROOT/scripts/build-go-tool.sh" constraint-crd)"
    gatekeeper="$(module_dir "github.com/open-policy-agent/gatekeeper/v3@$GATEKEEPER_VERSION")"
    made="$(mktemp)"
    trap 'rm -f "$made"' EXIT
    "$tool" "$gatekeeper/$GATEKEEPER_TEMPLATE" >"$made" || die "constraint-crd $gatekeeper/$GATEKEEPER_TEMPLATE failed"
    put "$made" "$GATEKEEPER_CONSTRAINT" "$GATEKEEPER_CONSTRAINT_SHA256"
    log "fetched Kyverno $KYVERNO_VERSION and Gatekeeper $GATEKEEPER_VERSION CRDs in $((SECONDS - start))s"
fi

printf '%s\n' "$KYVERNO_CLUSTERPOLICIES" "$KYVERNO_POLICIES" "$GATEKEEPER_CONSTRAINT"
