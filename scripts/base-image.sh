#!/usr/bin/env bash
# Build local base images for the function's Dockerfile from Debian packages,
# for machines that reach Debian's package mirror but no container registry.
#
#   localhost/krm-fn-base:bookworm                runtime base: minbase, no Python
#                                                 at all (the image runs the
#                                                 self-contained executable; the
#                                                 bundle tests run in it too)
#   localhost/krm-fn-base:bookworm-python3-build  build base: python3 with
#                                                 python3-venv (venv/ensurepip,
#                                                 i.e. pip), libpython3.11 (the
#                                                 shared library PyInstaller puts
#                                                 into the bundle) and binutils
#                                                 (PyInstaller runs objdump)
#
# Each image is made by `debootstrap --variant=minbase`, packed to a tarball
# and `podman import`ed. Idempotent: an image that exists is skipped; a cached
# tarball is imported without running debootstrap again. Cache (tarballs and
# downloaded .debs): $KRM_FN_CONTAINER_CACHE, default <repo>/.tools/container
# (git-ignored). Needs root and scripts/container-runtime.sh run first.
#
# Prints the two image names as `BASE_IMAGE=...` and `BUILD_IMAGE=...` lines
# on stdout (progress goes to stderr), e.g. for:
#   podman build --build-arg BASE_IMAGE=... --build-arg BUILD_IMAGE=... .
#
# Note: debootstrap installs from the bookworm suite only (no
# bookworm-security / bookworm-updates); good enough for a test image.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache_dir=${KRM_FN_CONTAINER_CACHE:-$repo_root/.tools/container}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
repo_name=localhost/krm-fn-base

runtime_image=$repo_name:$suite
build_image=$repo_name:$suite-python3-build

log() { printf 'base-image: %s\n' "$*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
    log "must run as root (debootstrap)"
    exit 1
fi
for tool in podman debootstrap; do
    if ! command -v "$tool" >/dev/null; then
        log "$tool not found: run scripts/container-runtime.sh first"
        exit 1
    fi
done

# make_image IMAGE CMD [PACKAGES(comma-separated)]
make_image() {
    local image=$1 cmd=$2 packages=${3:-}
    local include=()
    [[ -n $packages ]] && include=(--include="$packages")
    local name=${image##*:}
    local tarball=$cache_dir/$name.rootfs.tar
    if podman image exists "$image"; then
        log "$image exists, skipped"
        return
    fi
    if [[ ! -s $tarball ]]; then
        mkdir -p "$cache_dir/debs"
        local rootfs
        rootfs=$(mktemp -d "$cache_dir/rootfs.$name.XXXXXX")
        # shellcheck disable=SC2064  # expand $rootfs now
        trap "rm -rf '$rootfs'" EXIT
        log "debootstrap $suite (minbase${packages:+ + $packages}) into $rootfs"
        local start=$SECONDS
        debootstrap --variant=minbase "${include[@]}" \
            --cache-dir="$cache_dir/debs" \
            "$suite" "$rootfs" "$mirror" >"$cache_dir/debootstrap.$name.log" 2>&1 || {
            log "debootstrap failed, see $cache_dir/debootstrap.$name.log"
            tail -n 20 "$cache_dir/debootstrap.$name.log" >&2
            exit 1
        }
        log "debootstrap took $((SECONDS - start))s"
        # Trim what a container never uses: package lists and .debs, docs
        # (keeping the copyright files), man/info pages, message catalogues
        # (~33 MB; keeping locale.alias).
        rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* \
            "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/log/* \
            "$rootfs"/usr/share/man "$rootfs"/usr/share/info
        find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
        find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
        find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
        # /dev, /proc, /sys are provided by the container runtime.
        tar --numeric-owner --xattrs -C "$rootfs" \
            --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* \
            -cf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        rm -rf "$rootfs"
        trap - EXIT
    else
        log "using cached $tarball"
    fi
    podman import --quiet \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change "CMD [\"$cmd\"]" \
        --message "debootstrap --variant=minbase${packages:+ --include=$packages} $suite" \
        "$tarball" "$image" >/dev/null
    log "imported $image ($(podman image inspect --format '{{.Size}}' "$image") bytes)"
}

make_image "$runtime_image" /bin/bash
make_image "$build_image" /usr/bin/python3 python3,python3-venv,libpython3.11,binutils

echo "BASE_IMAGE=$runtime_image"
echo "BUILD_IMAGE=$build_image"
