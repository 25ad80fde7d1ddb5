#!/usr/bin/env bash
# Set up (first run only) and render the canary overlay: the agents chart with its
# Deployments converted to Argo Rollouts by the function, in exec mode.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PATH="$("$REPO_ROOT/scripts/setup.sh"):$PATH"
export PATH
exec kustomize build --enable-alpha-plugins --enable-exec --enable-helm "$REPO_ROOT/kustomize/overlays/canary"
