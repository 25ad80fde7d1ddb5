#!/usr/bin/env bash
# Build every file of a release of the current version (krm_fn/__init__.py's __version__) into
# dist/release/, reproducibly where the tools allow:
#
#   scripts/release.sh [--skip-image] [--allow-dirty] [--out DIR]
#
#   --skip-image    no container image (for machines without podman or root); everything else
#   --allow-dirty   build from a work tree with uncommitted changes (the image's revision label and
#                   the manifest then say <commit>-dirty); without it such a tree is refused
#   --out DIR       where the files go (default dist/release); it is replaced as a whole at the end
#
# The files (VERSION is __version__, e.g. 1.2.3):
#   krm_progressive_delivery-VERSION-py3-none-any.whl   the wheel } python -m build (from the sdist),
#   krm_progressive_delivery-VERSION.tar.gz              the sdist } checked by twine check --strict
#   krm-progressive-delivery-VERSION-linux-amd64.tar.gz  the self-contained folder of
#                      scripts/build-bundle.sh (Python included), as krm-progressive-delivery/
#   krm-progressive-delivery-VERSION.helm-plugin.tgz     deploy/helm-plugin as a Helm v4 plugin
#                      archive (helm plugin install --verify=false FILE: it is not signed)
#   krm-progressive-delivery-VERSION-image.oci.tar       the image of scripts/build-image.sh, an OCI
#                      archive whose index names it under three tags: VERSION, vMAJOR.MINOR, vMAJOR
#   *.cdx.json         CycloneDX SBOMs (cyclonedx-py): the wheel's, of the wheel installed into a
#                      fresh venv with the dependency versions the folder carries; the folder's, of
#                      its build venv, each package marked as in the folder or a build tool only,
#                      plus the Python runtime and the shared libraries the packager copied in
#   krm-progressive-delivery-VERSION.release.json        what was built: the commit, the
#                      folder's glibc floor (the highest GLIBC_x.y any ELF file in it needs, from
#                      objdump -T), the image's tags, digests and labels, the file of each artifact
#   SHA256SUMS         sha256sum's format, by name
#
# SOURCE_DATE_EPOCH is HEAD's commit time: the wheel's and the archives' file times, the image's
# created time and files (podman build --timestamp), the SBOMs' timestamp. The tar archives are
# written sorted by name, owner 0:0 and gzip without a name or time; the sdist is repacked so. The
# image carries the OCI labels version, revision (the commit), source ($KRM_FN_SOURCE_URL, else the
# origin remote's URL; left out when neither is known), licenses (pyproject.toml's) and created.
# The image is named $KRM_FN_RELEASE_IMAGE (default localhost/krm-progressive-delivery) with the
# three tags, in podman's storage too.
#
# The packaging tools are pinned in pyproject.toml's `release` extra and installed into their own
# venv, .tools/release/venv (git-ignored), again only when the pins or the Python change. The
# folder and the image come from scripts/build-bundle.sh and scripts/build-image.sh, which rebuild
# only when their inputs change. The image needs root (rootful podman).
#
# Progress goes to stderr; stdout gets, at the end:
#   RELEASE=/path/to/dist/release
#   VERSION=1.2.3
#   IMAGE=localhost/krm-progressive-delivery:1.2.3     (unless --skip-image)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_dir=$repo_root/.tools/release
venv=$tools_dir/venv
python=${PYTHON:-python3}
name=krm-progressive-delivery

log() { printf 'release: %s\n' "$*" >&2; }
die() {
    log "$*"
    exit 1
}

skip_image=false allow_dirty=false out=$repo_root/dist/release
while [[ $# -gt 0 ]]; do
    case $1 in
        --skip-image) skip_image=true && shift ;;
        --allow-dirty) allow_dirty=true && shift ;;
        --out)
            [[ $# -ge 2 ]] || die "--out takes a directory"
            out=$2 && shift 2
            ;;
        -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" && exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

for tool in git tar gzip objdump sha256sum flock; do
    command -v "$tool" >/dev/null || die "$tool not found (objdump: binutils)"
done
if ! $skip_image && [[ $(id -u) -ne 0 ]]; then
    die "the image needs root (rootful podman): run as root, or with --skip-image"
fi

cd "$repo_root"
mkdir -p "$tools_dir" "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

# One release build at a time per repository.
exec 7>"$tools_dir/release.lock"
flock 7
start=$SECONDS

# The version, read from the one place it is written (parsed, not imported).
version=$("$python" - krm_fn/__init__.py <<'EOF'
import ast, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
for node in tree.body:
    if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__version__"]:
        print(node.value.value)
        break
else:
    sys.exit("no __version__ = '...' in " + sys.argv[1])
EOF
)
if [[ ! $version =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]]; then
    die "krm_fn.__version__ is '$version', not MAJOR.MINOR.PATCH"
fi
major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}

commit=$(git rev-parse HEAD)
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct HEAD)
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
changes=$(git status --porcelain --untracked-files=all)
dirty=false revision=$commit
if [[ -n $changes ]]; then
    if ! $allow_dirty; then
        log "the work tree has changes that are not in $commit (commit them, or --allow-dirty):"
        printf '%s\n' "$changes" | head -20 >&2
        exit 1
    fi
    dirty=true revision=$commit-dirty
    log "WARNING: building from a work tree with uncommitted changes ($(wc -l <<<"$changes") paths): revision $revision"
fi
log "$name $version, commit $revision, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH ($created)"

# Where the code is published: for the image's source label.
# The origin remote counts when it is on a host (https://, ssh://, or user@host:path), as https
# without credentials; not a local path.
source_url=${KRM_FN_SOURCE_URL:-}
if [[ -z $source_url ]] && remote=$(git remote get-url origin 2>/dev/null) &&
    [[ $remote =~ ^(https?|ssh|git)://[^/]+/. || $remote =~ ^[^/:@]+@[^/:]+:. ]]; then
    source_url=$(sed -E -e 's#^[^/:@]+@([^/:]+):#https://\1/#' -e 's#^(ssh|git)://#https://#' \
        -e 's#^(https?://)[^/@]*@#\1#' -e 's#\.git$##' <<<"$remote")
fi
[[ -n $source_url ]] || log "WARNING: no source URL (KRM_FN_SOURCE_URL, or an origin remote on a host): the image gets no source label"

# The packaging tools, pinned in pyproject.toml's `release` extra, in their own venv.
mapfile -t pins < <("$python" - pyproject.toml <<'EOF'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    project = tomllib.load(f)["project"]
print(*project["optional-dependencies"]["release"], sep="\n")
license = project.get("license")
print("LICENSE=" + (license if isinstance(license, str) else (license or {}).get("text", "")))
EOF
)
license=${pins[-1]#LICENSE=}
unset 'pins[-1]'
[[ -n $license ]] || die "pyproject.toml names no license (project.license)"
python_id=$("$python" -c 'import os, sys; print(sys.version.split()[0], os.path.realpath(sys.executable))')
venv_stamp=$venv/.installed-$(printf '%s\n' "$python_id" "${pins[@]}" | sha256sum | cut -c1-16)
if [[ ! -e $venv_stamp ]]; then
    rm -rf "$venv"
    log "creating the release venv $venv (${pins[*]})"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}" >&2
    touch "$venv_stamp"
fi

export SOURCE_DATE_EPOCH
stage=$(mktemp -d "$out.partial.XXXXXX")
work=$(mktemp -d "$tools_dir/work.XXXXXX")
trap 'rm -rf "$stage" "$work"' EXIT

# deterministic_tar DIR ENTRY... : a tar of DIR's ENTRYs, sorted, owned by 0:0, every time
# SOURCE_DATE_EPOCH, no group or other write bit; on stdout.
deterministic_tar() {
    local dir=$1
    shift
    tar -C "$dir" --format=gnu --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
        --mode='go-w,a+rX' -cf - "$@"
}

# --- the wheel and the sdist ------------------------------------------------------------------

step=$SECONDS
log "the sdist and the wheel (python -m build, no isolation, the pinned backend)"
# From a copy of the files git sees (tracked and not ignored), so that the build leaves nothing
# in the work tree.
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' path; do [[ -e $path || -L $path ]] && printf '%s\0' "$path"; done |
    tar --null -T - -cf - | tar -C "$work/src" -xf -
"$venv/bin/python" -m build --no-isolation --sdist --outdir "$work/python" "$work/src" >"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; die "python -m build --sdist failed"; }
sdist=$(cd "$work/python" && ls -- *.tar.gz)
[[ $sdist == krm_progressive_delivery-$version.tar.gz ]] || die "unexpected sdist $sdist"
# setuptools writes the sdist with the build's times and the builder's owner; repacked: sorted,
# every time SOURCE_DATE_EPOCH, owner 0:0, gzip's header time SOURCE_DATE_EPOCH and no name.
"$venv/bin/python" - "$work/python/$sdist" "$stage/$sdist" <<'EOF'
import gzip, io, os, sys, tarfile
source, target = sys.argv[1:]
epoch = int(os.environ["SOURCE_DATE_EPOCH"])
with tarfile.open(source, "r:gz") as archive:
    members = [(m, archive.extractfile(m).read() if m.isfile() else None) for m in archive.getmembers()]
packed = io.BytesIO()
with tarfile.open(fileobj=packed, mode="w", format=tarfile.PAX_FORMAT) as archive:
    for member, data in sorted(members, key=lambda item: item[0].name):
        member.mtime, member.uid, member.gid, member.uname, member.gname = epoch, 0, 0, "", ""
        member.pax_headers = {}  # setuptools' carry the times again, to the microsecond
        member.mode = 0o755 if member.isdir() or member.mode & 0o111 else 0o644
        archive.addfile(member, io.BytesIO(data) if data is not None else None)
with open(target, "wb") as file, gzip.GzipFile(filename="", mode="wb", fileobj=file, mtime=epoch) as compressed:
    compressed.write(packed.getvalue())
EOF
# The wheel from the sdist, as pip would build it.
mkdir "$work/sdist"
tar -C "$work/sdist" -xzf "$stage/$sdist"
"$venv/bin/python" -m build --no-isolation --wheel --outdir "$work/python" "$work/sdist/${sdist%.tar.gz}" >>"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; die "python -m build --wheel failed"; }
wheel=krm_progressive_delivery-$version-py3-none-any.whl
[[ -f $work/python/$wheel ]] || die "python -m build made no $wheel: $(ls "$work/python")"
cp "$work/python/$wheel" "$stage/"
grep -h '^WARNING\|[Dd]eprecat' "$work/build.log" | sort -u | sed 's/^/release:   build: /' >&2 || true
"$venv/bin/twine" --no-color check --strict "$stage/$wheel" "$stage/$sdist" >&2
log "  $wheel, $sdist ($((SECONDS - step))s)"

# --- the self-contained folder ----------------------------------------------------------------

step=$SECONDS
log "the self-contained folder (scripts/build-bundle.sh)"
bundle_dir=$("$repo_root/scripts/build-bundle.sh" | sed -n 's/^BUNDLE=//p')
[[ -x $bundle_dir/$name ]] || die "scripts/build-bundle.sh printed no BUNDLE= folder with $name in it"
[[ $(basename "$bundle_dir") == "$name" ]] || die "the folder is $bundle_dir, not .../$name"
bundle=$name-$version-linux-amd64.tar.gz
# Under the build's lock, so that no build replaces the folder halfway through.
(
    flock 8
    deterministic_tar "$(dirname "$bundle_dir")" "$name" | gzip -9n >"$stage/$bundle"
    cp "$bundle_dir/BUILD-INFO" "$work/BUILD-INFO"
) 8>"$repo_root/.tools/bundle/build-bundle.lock"

# The glibc floor: every ELF file's undefined dynamic symbols, by the GLIBC_x.y version they need.
mkdir "$work/bundle"
tar -C "$work/bundle" -xzf "$stage/$bundle"
(
    cd "$work/bundle"
    find "$name" -type f -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' file; do
        if [[ $(head -c4 "$file" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]]; then
            objdump -T "$file" | awk -v file="$file" '/\*UND\*/ && match($0, /GLIBC_[0-9.]+/) { print substr($0, RSTART + 6, RLENGTH - 6), file }'
        fi
    done
) | sort -u >"$work/glibc-needs"
glibc_floor=$(cut -d' ' -f1 "$work/glibc-needs" | sort -V | tail -1)
[[ -n $glibc_floor ]] || die "no ELF file in the folder needs a GLIBC_ symbol version: objdump -T found nothing"
log "  $bundle, glibc floor $glibc_floor ($(awk -v v="$glibc_floor" '$1 == v { print $2 }' "$work/glibc-needs" | sort -u | paste -sd' '))" \
    "($((SECONDS - step))s)"

# --- the Helm v4 plugin -----------------------------------------------------------------------

# Helm v4 installs a local archive as the folder named like the file up to "-<version>": the folder
# in it must be the plugin's name. Its own `helm plugin package` names the file
# <name>-<version>.tgz; ".helm-plugin" keeps it apart from the sdist and the folder's archive.
plugin_name=$(sed -n 's/^name:[[:space:]]*//p' deploy/helm-plugin/plugin.yaml)
plugin_version=$(sed -n 's/^version:[[:space:]]*//p' deploy/helm-plugin/plugin.yaml)
[[ $plugin_name == "$name" ]] || die "deploy/helm-plugin/plugin.yaml names the plugin '$plugin_name', not $name"
[[ $plugin_version == "$version" ]] || die "deploy/helm-plugin/plugin.yaml is version '$plugin_version', not $version"
plugin=$name-$version.helm-plugin.tgz
mkdir -p "$work/plugin/$name"
cp -R deploy/helm-plugin/. "$work/plugin/$name/"
deterministic_tar "$work/plugin" "$name" | gzip -9n >"$stage/$plugin"
log "  $plugin"

# --- the image --------------------------------------------------------------------------------

image_repo=${KRM_FN_RELEASE_IMAGE:-localhost/$name}
image_archive=$name-$version-image.oci.tar
tags=("$version" "v$major.$minor" "v$major")
if ! $skip_image; then
    step=$SECONDS
    log "the image $image_repo:$version (scripts/build-image.sh)"
    labels=(
        "org.opencontainers.image.version=$version"
        "org.opencontainers.image.revision=$revision"
        "org.opencontainers.image.licenses=$license"
        "org.opencontainers.image.created=$created"
    )
    [[ -n $source_url ]] && labels+=("org.opencontainers.image.source=$source_url")
    label_args=()
    for label in "${labels[@]}"; do
        label_args+=(--label "$label")
    done
    "$repo_root/scripts/build-image.sh" "${label_args[@]}" "$image_repo:$version" >/dev/null
    image_id=$(podman image inspect --format '{{.Id}}' "$image_repo:$version")
    replaced=()
    for tag in "${tags[@]:1}"; do
        old=$(podman image inspect --format '{{.Id}}' "$image_repo:$tag" 2>/dev/null || true)
        podman tag "$image_repo:$version" "$image_repo:$tag"
        [[ -n $old && $old != "$image_id" ]] && replaced+=("$old")
    done
    for old in "${replaced[@]}"; do  # an earlier release build's image, now without a tag
        if [[ -z $(podman image inspect --format '{{join .RepoTags ","}}' "$old" 2>/dev/null) ]]; then
            podman image rm "$old" >/dev/null 2>&1 || true
        fi
    done
    # podman save --format oci-archive writes its tar with the time of the save, and names one tag:
    # the same layout is saved as a folder, its index gets a descriptor for each tag (what
    # `skopeo copy oci-archive:FILE:NAME` picks), and it is packed like the other archives.
    podman save --quiet --format oci-dir -o "$work/oci" "$image_repo:$version"
    "$venv/bin/python" - "$work/oci/index.json" "$image_repo" "${tags[@]}" <<'EOF'
import json, sys
path, repo, *tags = sys.argv[1:]
with open(path) as f:
    index = json.load(f)
(descriptor,) = index["manifests"]
index["manifests"] = [
    {**descriptor, "annotations": {**descriptor.get("annotations", {}), "org.opencontainers.image.ref.name": f"{repo}:{tag}"}}
    for tag in tags
]
with open(path, "w") as f:
    json.dump(index, f, separators=(",", ":"))
EOF
    deterministic_tar "$work/oci" blobs index.json oci-layout >"$stage/$image_archive"
    log "  $image_archive: $image_repo:{$(IFS=,; echo "${tags[*]}")} $image_id ($((SECONDS - step))s)"
fi

# --- the SBOMs --------------------------------------------------------------------------------

step=$SECONDS
log "the SBOMs (cyclonedx-py)"
# The wheel's: installed into a fresh venv, its dependencies at the versions the folder carries
# (the folder's BUILD-INFO lists its build venv).
sed -n 's/^build-venv=//p' "$work/BUILD-INFO" >"$work/constraints.txt"
"$python" -m venv --without-pip "$work/wheel-venv"
"$venv/bin/python" -m pip --python "$work/wheel-venv/bin/python" install --quiet --disable-pip-version-check \
    --constraint "$work/constraints.txt" "$stage/$wheel" >&2
"$venv/bin/cyclonedx-py" environment --output-reproducible --of JSON --mc-type application \
    --pyproject pyproject.toml -o "$work/wheel.cdx.json" "$work/wheel-venv/bin/python" 2>"$work/sbom.log" ||
    { cat "$work/sbom.log" >&2; die "cyclonedx-py failed on the wheel's venv"; }
# The folder's: its build venv (scripts/build-bundle.sh's own), then what the folder holds.
"$venv/bin/cyclonedx-py" environment --output-reproducible --of JSON --mc-type application \
    --pyproject pyproject.toml -o "$work/bundle.cdx.json" "$repo_root/.tools/bundle/venv/bin/python" 2>"$work/sbom.log" ||
    { cat "$work/sbom.log" >&2; die "cyclonedx-py failed on the folder's build venv"; }
"$venv/bin/python" - "$work/wheel.cdx.json" "$stage/$wheel.cdx.json" "$stage/$wheel" "$version" <<'EOF'
import hashlib, json, sys
source, target, artifact, version = sys.argv[1:]
bom = json.load(open(source))
root = bom["metadata"]["component"]
root["version"] = version
root["purl"] = f"pkg:pypi/{root['name']}@{version}"
root["hashes"] = [{"alg": "SHA-256", "content": hashlib.sha256(open(artifact, "rb").read()).hexdigest()}]
with open(target, "w") as f:
    json.dump(bom, f, indent=2, sort_keys=True)
    f.write("\n")
EOF
"$venv/bin/python" - "$work/bundle.cdx.json" "$stage/$bundle.cdx.json" "$stage/$bundle" "$version" \
    "$work/bundle/$name" "$repo_root/.tools/bundle/venv/bin/python" <<'EOF'
import hashlib, json, os, re, shutil, subprocess, sys
from pathlib import Path

source, target, artifact, version, folder, build_python = sys.argv[1:]
folder = Path(folder)
internal = folder / "_internal"
bom = json.load(open(source))
root = bom["metadata"]["component"]
root["version"] = version
root["hashes"] = [{"alg": "SHA-256", "content": hashlib.sha256(open(artifact, "rb").read()).hexdigest()}]
root["properties"] = [{"name": "krm-fn:platform", "value": "linux/amd64"}]


def sha256(path):
    return [{"alg": "SHA-256", "content": hashlib.sha256(path.read_bytes()).hexdigest()}]


def key(name):
    return re.sub(r"[-_.]+", "-", name).lower()


# Each package of the build venv, by the files it installed: in the folder (a module as .pyc, an
# extension module as is) or not. PyInstaller's bootloader is the folder's executable.
listing = subprocess.run(
    [build_python, "-c", "import importlib.metadata as m, json; print(json.dumps({d.metadata['Name']: [str(f) for f in d.files or []] for d in m.distributions()}))"],
    check=True, capture_output=True, text=True,
).stdout
in_folder = set()
for dist, files in json.loads(listing).items():
    for file in files:
        if file.endswith(".py") and (internal / (file[:-3] + ".pyc")).exists() or file.endswith(".so") and (internal / file).exists():
            in_folder.add(key(dist))
            break
in_folder.add("pyinstaller")
for component in bom["components"]:
    bundled = key(component["name"]) in in_folder
    component["scope"] = "required" if bundled else "excluded"
    note = "the bootloader is the folder's executable" if key(component["name"]) == "pyinstaller" else (
        "in the folder" if bundled else "a build tool: not in the folder")
    component["properties"] = [{"name": "krm-fn:bundle", "value": note}]

# The Python runtime, as the folder's self-test reports it.
info = dict(line.split("=", 1) for line in (folder / "BUILD-INFO").read_text().splitlines() if "=" in line and not line.startswith("build-venv="))
python_version = re.search(r"python=(\S+)", info["selftest"]).group(1)
added = []
libpython = sorted(internal.glob("libpython*.so*"))
added.append({
    "bom-ref": f"cpython=={python_version}",
    "type": "library",
    "name": "cpython",
    "version": python_version,
    "purl": f"pkg:generic/cpython@{python_version}",
    "cpe": f"cpe:2.3:a:python:python:{python_version}:*:*:*:*:*:*:*",
    "scope": "required",
    "hashes": sha256(libpython[0]) if libpython else [],
    "properties": [{"name": "krm-fn:bundle", "value": "the interpreter (" + ", ".join(p.name for p in libpython) + ") and the standard library modules it uses"}],
})

# The shared libraries the packager copied from the build machine, by the Debian package that
# installed the file of that name there (when the machine is Debian's, and it still has it).
def ldconfig():
    found = {}
    try:
        lines = subprocess.run([shutil.which("ldconfig") or "/sbin/ldconfig", "-p"], check=True, capture_output=True, text=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return found
    for line in lines:
        match = re.match(r"\s+(\S+) \(([^)]*)\) => (\S+)", line)
        if match and "x86-64" in match.group(2):
            found.setdefault(match.group(1), match.group(3))
    return found


def debian_package(path):
    real = os.path.realpath(path)
    for candidate in sorted({real, re.sub(r"^/usr/lib/", "/lib/", real), re.sub(r"^/lib/", "/usr/lib/", real)}):
        try:
            done = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True)
        except OSError:  # not a Debian machine
            return None
        match = re.match(r"([^:,\s]+)(?::([^:,\s]+))?: ", done.stdout)
        if done.returncode == 0 and match:
            package, arch = match.group(1), match.group(2) or ""
            query = f"{package}:{arch}" if arch else package
            version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", query], capture_output=True, text=True).stdout
            return package, arch, version
    return None


os_release = dict(
    line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line
) if Path("/etc/os-release").exists() else {}
distro = os_release.get("ID", "").strip('"'), os_release.get("VERSION_ID", "").strip('"')
system = ldconfig()
libraries = {}
for library in sorted(p for p in internal.iterdir() if p.is_file() and ".so" in p.name and not p.name.startswith("libpython")):
    owner = debian_package(system[library.name]) if library.name in system else None
    if owner and owner[2]:
        package, arch, package_version = owner
        component = libraries.setdefault(package, {
            "bom-ref": f"{package}=={package_version}",
            "type": "library",
            "name": package,
            "version": package_version,
            "purl": f"pkg:deb/{distro[0] or 'debian'}/{package}@{package_version}?arch={arch or 'amd64'}"
            + (f"&distro={distro[0]}-{distro[1]}" if distro[1] else ""),
            "scope": "required",
            "properties": [],
        })
    else:
        component = libraries.setdefault(library.name, {
            "bom-ref": f"file:{library.name}", "type": "library", "name": library.name, "scope": "required", "properties": []
        })
    digest = hashlib.sha256(library.read_bytes()).hexdigest()
    component["properties"].append({"name": "krm-fn:bundle", "value": f"_internal/{library.name} (sha256 {digest}), copied from the build machine"})
added += libraries.values()

refs = {c["bom-ref"] for c in bom["components"]}
added = [c for c in added if c["bom-ref"] not in refs]
bom["components"] = sorted(bom["components"] + added, key=lambda c: c["bom-ref"])
required = {c["bom-ref"] for c in bom["components"] if c["scope"] == "required"}
dependencies = {d["ref"]: d for d in bom.get("dependencies", [])}
root_ref = root["bom-ref"]
direct = set(dependencies.get(root_ref, {}).get("dependsOn", [])) & required
direct |= {c["bom-ref"] for c in added} | {c["bom-ref"] for c in bom["components"] if key(c["name"]) == "pyinstaller"}
dependencies[root_ref] = {"ref": root_ref, "dependsOn": sorted(direct)}
for component in added:
    dependencies.setdefault(component["bom-ref"], {"ref": component["bom-ref"]})
bom["dependencies"] = sorted(dependencies.values(), key=lambda d: d["ref"])
assert len(refs | {c["bom-ref"] for c in added}) == len(bom["components"]), "bom-refs are not unique"

text = json.dumps(bom, indent=2, sort_keys=True) + "\n"
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

error = JsonStrictValidator(SchemaVersion.from_version(bom["specVersion"])).validate_str(text)
if error:
    sys.exit(f"the folder's SBOM is not valid CycloneDX {bom['specVersion']}: {error}")
with open(target, "w") as f:
    f.write(text)
EOF
log "  $wheel.cdx.json, $bundle.cdx.json ($((SECONDS - step))s)"

# --- the manifest and the checksums -----------------------------------------------------------

manifest=$name-$version.release.json
image_json=null
if ! $skip_image; then
    image_json=$(podman image inspect --format json "$image_repo:$version")
fi
"$venv/bin/python" - "$stage/$manifest" "$work/glibc-needs" "$work/BUILD-INFO" "$image_json" "$work/oci/index.json" \
    name="$name" version="$version" commit="$commit" dirty="$dirty" revision="$revision" created="$created" \
    source="$source_url" license="$license" wheel="$wheel" sdist="$sdist" bundle="$bundle" plugin="$plugin" \
    glibc_floor="$glibc_floor" image_archive="$image_archive" image_repo="$image_repo" tags="${tags[*]}" <<'EOF'
import json, os, sys
from pathlib import Path

target, needs, build_info, image, index = sys.argv[1:6]
v = dict(arg.split("=", 1) for arg in sys.argv[6:])
info = dict(line.split("=", 1) for line in Path(build_info).read_text().splitlines() if "=" in line and not line.startswith("build-venv="))
floor = v["glibc_floor"]
needed_by = sorted({line.split(" ", 1)[1] for line in Path(needs).read_text().splitlines() if line.split(" ", 1)[0] == floor})
manifest = {
    "name": v["name"],
    "version": v["version"],
    "commit": v["commit"],
    "dirty": v["dirty"] == "true",
    "revision": v["revision"],
    "source_date_epoch": int(os.environ["SOURCE_DATE_EPOCH"]),
    "created": v["created"],
    "source": v["source"] or None,
    "license": v["license"],
    "python": {"wheel": v["wheel"], "sdist": v["sdist"], "sbom": v["wheel"] + ".cdx.json"},
    "bundle": {
        "archive": v["bundle"],
        "folder": v["name"] + "/",
        "executable": v["name"] + "/" + v["name"],
        "platform": "linux/amd64",
        "glibc_floor": floor,
        "glibc_floor_needed_by": needed_by,
        "build_info": {key: info[key] for key in ("inputs-sha256", "packager", "selftest")},
        "sbom": v["bundle"] + ".cdx.json",
    },
    "helm_plugin": {"archive": v["plugin"], "name": v["name"], "install": "helm plugin install --verify=false " + v["plugin"]},
    "image": None,
}
if image != "null":
    (inspected,) = json.loads(image)
    descriptors = json.loads(Path(index).read_text())["manifests"]
    manifest["image"] = {
        "archive": v["image_archive"],
        "repository": v["image_repo"],
        "tags": v["tags"].split(),
        "id": "sha256:" + inspected["Id"],
        "manifest_digest": descriptors[0]["digest"],
        "labels": {k: value for k, value in sorted(inspected["Labels"].items()) if k.startswith("org.opencontainers.image.")},
    }
with open(target, "w") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")
EOF

(cd "$stage" && find . -maxdepth 1 -type f -printf '%f\n' | LC_ALL=C sort | xargs -d '\n' sha256sum) >"$work/SHA256SUMS"
mv "$work/SHA256SUMS" "$stage/SHA256SUMS"
chmod 0644 "$stage"/*
chmod 0755 "$stage"

rm -rf "$out"
mv "$stage" "$out"
log "built $out in $((SECONDS - start))s:"
(cd "$out" && find . -maxdepth 1 -type f -printf 'release:   %10s  %f\n' | LC_ALL=C sort -k3) >&2
echo "RELEASE=$out"
echo "VERSION=$version"
$skip_image || echo "IMAGE=$image_repo:$version"
