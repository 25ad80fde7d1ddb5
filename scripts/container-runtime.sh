#!/usr/bin/env bash
# Make a rootful podman usable on this kind of machine, for building and
# running the function's container image in tests.
#
# Idempotent and fast when everything is in place: it installs only the
# missing Debian packages, rewrites the config only when it differs, and
# checks that `podman info` works. Prints one summary line on stdout.
#
# Needs root (apt-get, /etc). Debian bookworm is assumed.
#
# Why this configuration (each seen failing here without it):
#  * runtime = "runc": crun (podman's preferred runtime) fails on this
#    machine's cgroup v1/v2 hybrid setup ("cgroups in hybrid mode not
#    supported"); Debian's runc works.
#  * default_ulimits = []: podman's default nofile ulimit cannot be applied
#    ("error setting rlimit type 7: operation not permitted").
#  * cgroup_manager = "cgroupfs", events_logger = "file": there is no
#    systemd/journald; podman falls back to these itself, set explicitly so
#    it does not try.
# The config is a system-wide drop-in in /etc/containers/containers.conf.d/
# because podman is used as root here (root reads it; rootless users also
# read it, and the same keys apply to them).
set -euo pipefail

CONF_DIR=/etc/containers/containers.conf.d
CONF_FILE="$CONF_DIR/50-krm-fn-runtime.conf"
PACKAGES=(podman runc debootstrap)

log() { printf 'container-runtime: %s\n' "$*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
    log "must run as root (installs Debian packages, writes $CONF_FILE)"
    exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    if [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # --no-install-recommends: no buildah/fuse-overlayfs/slirp4netns/uidmap,
    # which rootful podman with native overlay does not need. Listing runc
    # explicitly makes apt satisfy podman's "crun | runc" with runc.
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

desired_conf='# Written by scripts/container-runtime.sh (krm-progressive-delivery).
# crun fails on this cgroup setup; runc works. Default ulimits cannot be set
# here. No systemd/journald on this machine.
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
'
if [[ ! -f $CONF_FILE ]] || [[ $(cat "$CONF_FILE") != "${desired_conf%$'\n'}" ]]; then
    mkdir -p "$CONF_DIR"
    printf '%s' "$desired_conf" >"$CONF_FILE"
    log "wrote $CONF_FILE"
fi

if ! info=$(podman info --format '{{.Version.Version}} {{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}' 2>&1); then
    log "podman info failed:"
    printf '%s\n' "$info" >&2
    exit 1
fi
read -r pd_version oci_runtime graph_driver <<<"$info"
if [[ $oci_runtime != runc ]]; then
    log "podman uses OCI runtime '$oci_runtime', expected runc (is $CONF_FILE read?)"
    exit 1
fi
echo "container runtime ok: podman $pd_version, OCI runtime $oci_runtime, storage $graph_driver, config $CONF_FILE"
