# syntax=docker/dockerfile:1
#
# Container image of the krm-progressive-delivery KRM function, for
# kustomize (`config.kubernetes.io/function: {container: {image: ...}}`) and
# `kpt fn render` / `kpt fn eval`. It reads a ResourceList on stdin and writes
# one on stdout; it needs no network and no writable filesystem.
#
# The image holds the function as a self-contained executable folder,
# /opt/krm-progressive-delivery/ (scripts/build-bundle.sh: PyInstaller, one
# folder, with its own Python), and runs it. The same folder is what hosts
# without Python (Argo CD's repo-server) need; copy it out of the image, e.g.
# in an initContainer:
#   cp -r /opt/krm-progressive-delivery /custom-tools/
#
# Build where a container registry is reachable:
#   docker build -t krm-progressive-delivery:dev .
#
# Build from Debian packages only (no registry; rootful podman, see scripts/):
#   scripts/container-runtime.sh
#   scripts/base-image.sh
#   podman build --isolation chroot \
#     --build-arg BASE_IMAGE=localhost/krm-fn-base:bookworm \
#     --build-arg BUILD_IMAGE=localhost/krm-fn-base:bookworm-python3-build \
#     -v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro \
#     -t localhost/krm-progressive-delivery:dev .
# (scripts/build-image.sh does all three.) The -v makes pip inside the build
# trust the host's CA bundle (needed where HTTPS goes through a TLS-inspecting
# proxy); Debian's pip reads that file.
#
# Run it as kustomize does:
#   docker run --rm -i --network none --user nobody --read-only \
#     --security-opt=no-new-privileges IMAGE < resource-list.yaml

# Build base: Debian bookworm with Python 3.11, venv/ensurepip and Python's
# shared library (libpython3.11.so, which the bundle carries). The default is
# the official image, pinned by digest (digest of python:3.11.13-slim-bookworm
# as published on Docker Hub; refresh tag and digest together).
ARG BUILD_IMAGE=docker.io/library/python:3.11.13-slim-bookworm@sha256:86adf8dbadc3d6e82ee5dd2c74bec2e1c2467cdad47886280501df722372d2e1
# Runtime base: needs no Python, only a glibc at least as new as the build
# base's (bookworm: 2.36). The default is the build image, so that nothing
# unpinned comes in; any Debian bookworm (e.g. debian:bookworm-slim, pinned by
# your own digest) gives a smaller image.
ARG BASE_IMAGE=${BUILD_IMAGE}

FROM ${BUILD_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# PyInstaller runs objdump (binutils), which the official python image lacks
# (the local build image has it). Version: Debian bookworm's.
RUN if ! command -v objdump >/dev/null; then \
        apt-get update \
     && apt-get install -y --no-install-recommends binutils=2.40-2 \
     && rm -rf /var/lib/apt/lists/*; \
    fi

WORKDIR /src
# .dockerignore lets in only what the bundle is built from.
COPY . .

# The packager (pinned in the script) and the runtime dependencies go into a
# build venv under /src/.tools; the folder is checked before it is written
# (it starts, and PyYAML's C loader and pydantic_core's extension load).
RUN scripts/build-bundle.sh /opt/krm-progressive-delivery

FROM ${BASE_IMAGE}

LABEL org.opencontainers.image.title="krm-progressive-delivery" \
      org.opencontainers.image.description="KRM function (kustomize/kpt) that turns selected Deployments into Argo Rollouts canaries" \
      org.opencontainers.image.licenses="Apache-2.0"

COPY --from=build /opt/krm-progressive-delivery /opt/krm-progressive-delivery

ENV PATH=/opt/krm-progressive-delivery:$PATH

# nobody:nogroup; kustomize also passes --user nobody.
USER 65534:65534
ENTRYPOINT ["/opt/krm-progressive-delivery/krm-progressive-delivery"]
