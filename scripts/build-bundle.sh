#!/usr/bin/env bash
# Build the function as a self-contained executable folder: Python, the
# package, PyYAML (with its libyaml C extension) and pydantic (with
# pydantic_core's compiled extension), for hosts that have no Python, such as
# Argo CD's repo-server (copy the folder in with an initContainer, put it on
# PATH, and the kustomize exec transformer finds it).
#
#   scripts/build-bundle.sh [DIR]      DIR default: dist/krm-progressive-delivery
#
# Entry point: DIR/krm-progressive-delivery (same arguments, stdin, stdout,
# stderr and exit codes as the console script). Runs on Linux x86-64 with a
# glibc at least as new as the build machine's; it writes nothing at run time.
#
# Packager: PyInstaller in one-folder mode (modules as .pyc files, symbol
# tables stripped: needs binutils, for objdump and strip), version pinned
# below, installed into its own build venv (.tools/bundle/venv, git-ignored)
# together with the project's runtime dependencies (read from pyproject.toml),
# never into the project's .venv. The entry point is the console script's, read from
# pyproject.toml ([project.scripts]). The Python bundled is $PYTHON (default
# python3); it must have its shared library (libpython3.X.so), as pyenv's
# --enable-shared builds, the official python images and Debian with
# libpython3.X have.
#
# Rebuilds only when the inputs change: krm_fn/**, pyproject.toml, this
# script, the packager pins and the Python used are hashed, and the hash is
# stored in DIR/BUILD-INFO, which also records what went in. A run with
# nothing to do takes a fraction of a second. KRM_FN_REBUILD=1 forces a build.
#
# Before the folder replaces DIR it is checked: `--help` runs, and the bundle's
# self-test (KRM_FN_BUNDLE_SELFTEST=1, answered by the launcher, not by the
# function) reports PyYAML's C loader and pydantic_core's compiled extension.
#
# Progress goes to stderr; stdout gets two lines at the end:
#   BUNDLE=/path/to/dist/krm-progressive-delivery
#   SIZE=32143663      (bytes, du --apparent-size)
set -euo pipefail

PYINSTALLER_VERSION=6.22.3
PYINSTALLER_HOOKS_CONTRIB_VERSION=2026.9

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
name=krm-progressive-delivery
out_dir=${1:-$repo_root/dist/$name}
tools_dir=$repo_root/.tools/bundle
venv=$tools_dir/venv
python=${PYTHON:-python3}

log() { printf 'build-bundle: %s\n' "$*" >&2; }

mkdir -p "$tools_dir" "$(dirname "$out_dir")"
out_dir=$(cd "$(dirname "$out_dir")" && pwd)/$(basename "$out_dir")

# One build at a time (the tests, the image build and a shell may all ask).
exec 9>"$tools_dir/build-bundle.lock"
flock 9

# The Python to bundle, as `version realpath`; its venv must match it.
python_id=$("$python" -c 'import os, sys; print(sys.version.split()[0], os.path.realpath(sys.executable))')

inputs_hash() {
    (
        cd "$repo_root"
        find krm_fn \( -name __pycache__ -o -name '*.egg-info' \) -prune \
            -o -type f ! -name '*.py[co]' -print0 |
            LC_ALL=C sort -z | xargs -0 -r sha256sum
        sha256sum pyproject.toml scripts/build-bundle.sh
        echo "pyinstaller==$PYINSTALLER_VERSION pyinstaller-hooks-contrib==$PYINSTALLER_HOOKS_CONTRIB_VERSION"
        echo "python $python_id"
    ) | sha256sum | cut -d' ' -f1
}
want=$(inputs_hash)
have=$(sed -n 's/^inputs-sha256=//p' "$out_dir/BUILD-INFO" 2>/dev/null || true)

size() { du -sb --apparent-size "$out_dir" | cut -f1; }

if [[ $have == "$want" && -x $out_dir/$name && ${KRM_FN_REBUILD:-0} != 1 ]]; then
    log "$out_dir is up to date (inputs $want)"
    echo "BUNDLE=$out_dir"
    echo "SIZE=$(size)"
    exit 0
fi
log "building $out_dir (inputs ${have:-none} -> $want)"
start=$SECONDS

# Entry point and runtime dependencies, from pyproject.toml.
mapfile -t project < <("$python" - "$repo_root/pyproject.toml" "$name" <<'EOF'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    project = tomllib.load(f)["project"]
print(project["scripts"][sys.argv[2]])
print(*project["dependencies"], sep="\n")
EOF
)
entry_point=${project[0]}
dependencies=("${project[@]:1}")
if [[ ! $entry_point =~ ^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    log "unexpected entry point in pyproject.toml: '$entry_point' (module:function)"
    exit 1
fi
package=${entry_point%%.*}
package=${package%%:*}

# The build venv: the packager and the project's dependencies, installed again
# only when they or the Python change.
requirements=("pyinstaller==$PYINSTALLER_VERSION" "pyinstaller-hooks-contrib==$PYINSTALLER_HOOKS_CONTRIB_VERSION" "${dependencies[@]}")
venv_stamp=$venv/.installed-$(printf '%s\n' "$python_id" "${requirements[@]}" | sha256sum | cut -c1-16)
if [[ ! -e $venv_stamp ]]; then
    rm -rf "$venv"
    log "creating the build venv $venv (${requirements[*]})"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir "${requirements[@]}" >&2
    touch "$venv_stamp"
fi

# A snapshot of the package (what was hashed) and the launcher.
work=$(mktemp -d "$tools_dir/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
tar -C "$repo_root" --exclude=__pycache__ --exclude='*.py[co]' --exclude='*.egg-info' -cf - "$package" |
    tar -C "$work/src" -xf -
cat >"$work/launcher.py" <<EOF
"""$name: the console script's entry point ($entry_point), frozen."""

import os
import sys

if os.environ.get("KRM_FN_BUNDLE_SELFTEST") == "1":
    # What the build checks: the C extensions are there and load.
    import pydantic_core._pydantic_core
    import yaml

    print(f"python={sys.version.split()[0]} yaml={yaml.__version__} libyaml={yaml.__with_libyaml__} "
          f"pydantic_core={pydantic_core.__version__} {os.path.basename(pydantic_core._pydantic_core.__file__)}")
    sys.exit(0 if yaml.__with_libyaml__ else 1)

from ${entry_point%%:*} import ${entry_point##*:} as _main

sys.exit(_main())
EOF

# --debug noarchive: the modules as .pyc files in the folder rather than in one
# compressed archive, which saves decompressing them at every start (start-up
# 1.2x the console script's with the archive, 1.0x without; 5 MB more).
log "pyinstaller $PYINSTALLER_VERSION --onedir --strip --debug noarchive"
# PYTHONPATH too: --collect-submodules looks the package up in a separate Python process,
# which does not see --paths (without it, it finds no package, silently, and a module
# imported only by name, as providers are, would be left out).
# --collect-data: the package's data files (the pinned Rollout CRD structure).
PYTHONPATH=$work/src PYINSTALLER_CONFIG_DIR=$tools_dir/pyinstaller-cache \
    "$venv/bin/pyinstaller" --noconfirm --log-level WARN --onedir --strip --debug noarchive --name "$name" \
    --distpath "$work/dist" --workpath "$work/build" --specpath "$work" \
    --paths "$work/src" --collect-submodules "$package" --collect-data "$package" \
    "$work/launcher.py" >&2
bundle=$work/dist/$name

# Check it before it replaces the old one.
if ! "$bundle/$name" --help >/dev/null; then
    log "the new bundle does not run: $bundle/$name --help failed"
    exit 1
fi
if ! selftest=$(KRM_FN_BUNDLE_SELFTEST=1 "$bundle/$name"); then
    log "the new bundle failed its self-test (PyYAML's C extension, pydantic_core): ${selftest:-no output}"
    exit 1
fi
log "self-test: $selftest"

{
    echo "inputs-sha256=$want"
    echo "entry-point=$entry_point"
    echo "packager=pyinstaller $PYINSTALLER_VERSION (--onedir --strip --debug noarchive), pyinstaller-hooks-contrib $PYINSTALLER_HOOKS_CONTRIB_VERSION"
    echo "selftest=$selftest"
    # What the build venv held (the packager's own packages included).
    "$venv/bin/python" -m pip list --disable-pip-version-check --format freeze --exclude pip |
        sed 's/^/build-venv=/'
} >"$bundle/BUILD-INFO"

rm -rf "$out_dir.old"
if [[ -e $out_dir ]]; then
    mv "$out_dir" "$out_dir.old"
fi
mv "$bundle" "$out_dir"
rm -rf "$out_dir.old"
log "built $out_dir in $((SECONDS - start))s: $(size) bytes ($(numfmt --to=si --suffix=B "$(size)"))"
echo "BUNDLE=$out_dir"
echo "SIZE=$(size)"
