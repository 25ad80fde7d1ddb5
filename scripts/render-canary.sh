#!/usr/bin/env bash
# Set up (first run only) and render the canary overlay: the agents chart with its
# Deployments converted to Argo Rollouts by the function, in exec mode. The rendered list goes
# to stdout; the function's results (each canary's plan, and why) to stderr.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PATH="$("$REPO_ROOT/scripts/setup.sh"):$PATH"
export PATH
# Every result on stderr, infos too: each canary's plan in pods, and what explains it.
KRM_FN_STDERR=info exec kustomize build --enable-alpha-plugins --enable-exec --enable-helm "$REPO_ROOT/kustomize/overlays/canary"
