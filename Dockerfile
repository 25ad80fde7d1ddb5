# syntax=docker/dockerfile:1
#
# Container image of the krm-progressive-delivery KRM function, for
# kustomize (`config.kubernetes.io/function: {container: {image: ...}}`) and
# `kpt fn render` / `kpt fn eval`. It reads a ResourceList on stdin and writes
# one on stdout; it needs no network and no writable filesystem.
#
# Build where a container registry is reachable:
#   docker build -t krm-progressive-delivery:dev .
#
# Build from Debian packages only (no registry; rootful podman, see scripts/):
#   scripts/container-runtime.sh
#   scripts/base-image.sh
#   podman build --isolation chroot \
#     --build-arg BASE_IMAGE=localhost/krm-fn-base:bookworm-python3 \
#     --build-arg BUILD_IMAGE=localhost/krm-fn-base:bookworm-python3-venv \
#     -v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro \
#     -t localhost/krm-progressive-delivery:dev .
# The -v makes pip inside the build trust the host's CA bundle (needed where
# HTTPS goes through a TLS-inspecting proxy); Debian's pip reads that file.
#
# Run it as kustomize does:
#   docker run --rm -i --network none --user nobody --read-only \
#     --security-opt=no-new-privileges IMAGE < resource-list.yaml

# Runtime base. The default is the official image, pinned by digest (digest of
# python:3.11.13-slim-bookworm as published on Docker Hub; refresh tag and
# digest together).
ARG BASE_IMAGE=docker.io/library/python:3.11.13-slim-bookworm@sha256:86adf8dbadc3d6e82ee5dd2c74bec2e1c2467cdad47886280501df722372d2e1
# Build base: must have the same Python, at the same path, as BASE_IMAGE (the
# venv copied into the runtime stage links to it), plus the venv module with
# ensurepip. The official image has both, so by default it is the same image.
ARG BUILD_IMAGE=${BASE_IMAGE}

FROM ${BUILD_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# A throwaway venv that holds pip (Debian's python3 has no pip of its own).
RUN python3 -m venv /opt/pip

WORKDIR /src
# .dockerignore lets in only what the wheel is built from.
COPY . .

# Build the project's wheel, then install it and its runtime dependencies
# (PyYAML with its bundled libyaml, pydantic) into a venv that has no pip.
RUN /opt/pip/bin/pip wheel --no-deps --wheel-dir /dist . \
 && python3 -m venv --without-pip /opt/venv \
 && /opt/pip/bin/pip --python /opt/venv/bin/python install /dist/*.whl \
 && /opt/venv/bin/python -c "import yaml, pydantic; assert yaml.__with_libyaml__, 'PyYAML without libyaml'"

FROM ${BASE_IMAGE}

LABEL org.opencontainers.image.title="krm-progressive-delivery" \
      org.opencontainers.image.description="KRM function (kustomize/kpt) that turns selected Deployments into Argo Rollouts canaries" \
      org.opencontainers.image.licenses="Apache-2.0"

COPY --from=build /opt/venv /opt/venv

# Bytecode was compiled at install time; the root filesystem is read-only.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# nobody:nogroup; kustomize also passes --user nobody.
USER 65534:65534
ENTRYPOINT ["/opt/venv/bin/krm-progressive-delivery"]
