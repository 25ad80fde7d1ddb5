#!/usr/bin/env bash
# Build the function's container image on a machine without a Docker engine or
# a reachable container registry: rootful podman, local Debian base images.
#
#   scripts/build-image.sh [--label KEY=VALUE]... [IMAGE]
#                                      IMAGE default: $KRM_FN_IMAGE, else
#                                      localhost/krm-progressive-delivery:dev
#
#   --label KEY=VALUE   a label on the image (podman build --label), e.g. the
#                       OCI annotations of a release (scripts/release.sh)
#   SOURCE_DATE_EPOCH   when set, the image's created time and the time of every
#                       file in its layers (podman build --timestamp), so that
#                       two builds of the same inputs can give the same image;
#                       such a build takes nothing from the layer cache
#
# Steps (each idempotent, each fast when there is nothing to do):
#   1. scripts/container-runtime.sh    podman + runc, configured
#   2. scripts/base-image.sh           localhost/krm-fn-base:bookworm (no Python:
#                                      the runtime base) and :bookworm-python3-build
#   3. podman build --isolation chroot with those base images as BASE_IMAGE and
#      BUILD_IMAGE, and the host's CA bundle mounted read-only (when the file
#      exists) so that pip inside the build trusts a TLS-inspecting proxy. The
#      build stage runs scripts/build-bundle.sh; the image holds the
#      self-contained executable folder at /opt/krm-progressive-delivery/, and
#      runs it.
#
# Step 3 runs only when the image is missing or was built from other inputs:
# the build context the .dockerignore lets in (pyproject.toml, krm_fn/,
# scripts/build-bundle.sh), the Dockerfile, the .dockerignore, the base
# images' IDs, and the --label pairs and SOURCE_DATE_EPOCH when given, are
# hashed, and the hash is stored on the image as the label
# dev.krm-fn.build.inputs-sha256, which the next run compares with
# `podman image inspect`. KRM_FN_REBUILD=1 forces a build.
#
# Nothing here changes the Dockerfile: `docker build .` elsewhere still uses
# its defaults (the official python image, pinned by digest).
#
# kpt needs an image name with a registry part (a slash), hence localhost/.
#
# Progress goes to stderr; stdout gets two lines at the end:
#   IMAGE=localhost/krm-progressive-delivery:dev
#   SIZE=134217728        (bytes, as `podman image inspect` reports it)
#
# Needs root (as the two scripts it runs do).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
label=dev.krm-fn.build.inputs-sha256
ca_bundle=/etc/ssl/certs/ca-certificates.crt
cache_dir=${KRM_FN_CONTAINER_CACHE:-$repo_root/.tools/container}

log() { printf 'build-image: %s\n' "$*" >&2; }

labels=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --label)
            if [[ $# -lt 2 || $2 != ?*=* ]]; then
                log "--label takes KEY=VALUE"
                exit 2
            fi
            labels+=("$2")
            shift 2
            ;;
        --label=?*=*) labels+=("${1#--label=}") && shift ;;
        -*) log "unknown option: $1" && exit 2 ;;
        *) break ;;
    esac
done
if [[ $# -gt 1 ]]; then
    log "one IMAGE at most (got: $*)"
    exit 2
fi
image=${1:-${KRM_FN_IMAGE:-localhost/krm-progressive-delivery:dev}}
timestamp=${SOURCE_DATE_EPOCH:-}
if [[ -n $timestamp && ! $timestamp =~ ^[0-9]+$ ]]; then
    log "SOURCE_DATE_EPOCH must be seconds since the epoch (got '$timestamp')"
    exit 2
fi

if [[ $(id -u) -ne 0 ]]; then
    log "must run as root (rootful podman; the scripts it runs install packages and debootstrap)"
    exit 1
fi

# One build at a time per repository (parallel test runs, a second shell).
mkdir -p "$cache_dir"
exec 9>"$cache_dir/build-image.lock"
flock 9

"$repo_root/scripts/container-runtime.sh" >&2

base_images=$("$repo_root/scripts/base-image.sh")
base_image='' build_image=''
while IFS='=' read -r key value; do
    case $key in
        BASE_IMAGE) base_image=$value ;;
        BUILD_IMAGE) build_image=$value ;;
    esac
done <<<"$base_images"
if [[ -z $base_image || -z $build_image ]]; then
    log "scripts/base-image.sh did not print BASE_IMAGE and BUILD_IMAGE"
    exit 1
fi

# The build's inputs, hashed: every file of the build context (the same
# allowlist as .dockerignore), the recipe, and the base images themselves.
inputs_hash() {
    local id path paths=()
    cd "$repo_root"
    for path in pyproject.toml krm_fn scripts/build-bundle.sh Dockerfile .dockerignore; do
        [[ -e $path ]] && paths+=("$path")
    done
    {
        find "${paths[@]}" \( -name __pycache__ -o -name '*.egg-info' \) -prune \
            -o -type f ! -name '*.py[co]' -print0 |
            LC_ALL=C sort -z | xargs -0 -r sha256sum
        for id in "$base_image" "$build_image"; do
            printf '%s %s\n' "$(podman image inspect --format '{{.Id}}' "$id")" "$id"
        done
        if [[ ${#labels[@]} -gt 0 || -n $timestamp ]]; then
            printf 'label %s\n' "${labels[@]}"
            printf 'timestamp %s\n' "$timestamp"
        fi
    } | sha256sum | cut -d' ' -f1
}
want=$(inputs_hash)

have=''
old_id=''
if podman image exists "$image"; then
    old_id=$(podman image inspect --format '{{.Id}}' "$image")
    have=$(podman image inspect --format "{{index .Labels \"$label\"}}" "$image")
fi

if [[ $have == "$want" && ${KRM_FN_REBUILD:-0} != 1 ]]; then
    log "$image is up to date (inputs $want)"
else
    if [[ -z $old_id ]]; then
        log "building $image"
    else
        log "building $image (inputs changed: ${have:-unlabelled} -> $want)"
    fi
    mounts=()
    if [[ -f $ca_bundle ]]; then
        mounts=(-v "$ca_bundle:$ca_bundle:ro")
    fi
    extra=()
    for pair in "${labels[@]}"; do
        extra+=(--label "$pair")
    done
    if [[ -n $timestamp ]]; then
        # Not from the layer cache: a cached layer may come from a build without the timestamp.
        extra+=(--timestamp "$timestamp" --no-cache)
    fi
    start=$SECONDS
    podman build --isolation chroot --pull=never \
        --build-arg "BASE_IMAGE=$base_image" \
        --build-arg "BUILD_IMAGE=$build_image" \
        "${mounts[@]}" \
        "${extra[@]}" \
        --label "$label=$want" \
        -t "$image" \
        -f "$repo_root/Dockerfile" "$repo_root" >&2
    log "built $image in $((SECONDS - start))s"
fi

# Drop what earlier builds left untagged: the image this tag pointed to before
# and the build stages of other inputs (podman build labels every stage). The
# current build stage stays, as layer cache, unless SOURCE_DATE_EPOCH is set
# (such builds use no cache). An image that has a tag, or that a container
# still uses, is not removed.
stale=()
if [[ -n $old_id && -z $(podman image inspect --format '{{join .RepoTags ","}}' "$old_id" 2>/dev/null) ]]; then
    stale+=("$old_id")
fi
while read -r id hash; do
    [[ -n $id && ($hash != "$want" || -n $timestamp) ]] && stale+=("$id")
done < <(podman images --filter dangling=true --filter "label=$label" \
    --format "{{.ID}} {{index .Labels \"$label\"}}")
for id in "${stale[@]}"; do
    podman image rm "$id" >/dev/null 2>&1 || true
done

size=$(podman image inspect --format '{{.Size}}' "$image")
log "$image: $size bytes ($(numfmt --to=si --suffix=B "$size"))"
echo "IMAGE=$image"
echo "SIZE=$size"
