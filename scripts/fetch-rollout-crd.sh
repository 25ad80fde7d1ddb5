#!/usr/bin/env bash
# Vendor the Argo Rollouts Rollout CRD (pinned release, checksum verified) into
# kustomize/components/argo-rollouts-crd/rollout-crd.yaml, where the canary overlay
# finds it. The file is git-ignored: fetched, never committed.
#
# Source, first that works:
#   $ROLLOUT_CRD_SOURCE            a local copy of the release's manifests/crds/rollout-crd.yaml
#   the upstream release           $ROLLOUT_CRD_URL (pinned to v1.10.2 below)
#   ../shared/argo-rollouts/rollout-crd-v1.10.2.yaml  the copy beside this checkout (offline machines)
# Whatever the source, its sha256 must be $ROLLOUT_CRD_SHA256.
set -euo pipefail

ARGO_ROLLOUTS_VERSION="v1.10.2"
ROLLOUT_CRD_URL="${ROLLOUT_CRD_URL:-https://raw.githubusercontent.com/argoproj/argo-rollouts/$ARGO_ROLLOUTS_VERSION/manifests/crds/rollout-crd.yaml}"
ROLLOUT_CRD_SHA256="${ROLLOUT_CRD_SHA256:-1562decc7b3720c31cbe382eeb62b6fbfd236f8e81a1f98644a9774d1e7d7933}"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$REPO_ROOT/kustomize/components/argo-rollouts-crd/rollout-crd.yaml"
SIBLING="$REPO_ROOT/../shared/argo-rollouts/rollout-crd-$ARGO_ROLLOUTS_VERSION.yaml"

log() { printf 'fetch-rollout-crd: %s\n' "$*" >&2; }
verified() { [[ -s $1 ]] && [[ $(sha256sum "$1" | cut -d' ' -f1) == "$ROLLOUT_CRD_SHA256" ]]; }

if verified "$TARGET"; then
    log "$TARGET is Argo Rollouts $ARGO_ROLLOUTS_VERSION (sha256 ok)"
    exit 0
fi

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
fetched=""
if [[ -n ${ROLLOUT_CRD_SOURCE:-} ]]; then
    cp "$ROLLOUT_CRD_SOURCE" "$tmp" && fetched="$ROLLOUT_CRD_SOURCE"
elif command -v curl >/dev/null && curl -fsSL --max-time 20 -o "$tmp" "$ROLLOUT_CRD_URL" 2>/dev/null; then
    fetched="$ROLLOUT_CRD_URL"
elif [[ -f $SIBLING ]]; then
    cp "$SIBLING" "$tmp" && fetched="$SIBLING"
fi
[[ -n $fetched ]] || { log "could not download $ROLLOUT_CRD_URL; set ROLLOUT_CRD_SOURCE to a local copy"; exit 1; }
verified "$tmp" || { log "$fetched: sha256 $(sha256sum "$tmp" | cut -d' ' -f1) is not the pinned $ROLLOUT_CRD_SHA256"; exit 1; }
chmod 644 "$tmp"
mv "$tmp" "$TARGET"
trap - EXIT
log "vendored $fetched -> $TARGET"
