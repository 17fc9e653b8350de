#!/usr/bin/env bash
# Compile a free-threaded CPython (./configure --disable-gil) from Debian's source
# package, verified, and cache it outside the clone.
#
# No free-threaded build is packaged anywhere our machines can reach, and `uv python
# install` cannot download here; Debian's archive has CPython's source. This script
# tries the versions newest first (3.15, 3.14, 3.13): for each it reads Debian
# sid's signed InRelease (checked with gpgv against debian-archive-keyring), the
# Sources index it lists (sha256 checked), and the package's .orig.tar.xz (sha256
# from that index), then configures, builds and installs it. It says which version
# it got and why the newer ones were not had.
#
# Usage:
#   tools/ft-python.sh [--versions "3.15 3.14 3.13"] [--rebuild]
#       build (or reuse) the newest that can be had; print the interpreter's path
#       on the last line of stdout
#   tools/ft-python.sh --find
#       print the path of a cached, complete build (exit 3 if there is none)
#
# The cache: ${POTOK_PYTHONS_CACHE:-${XDG_CACHE_HOME:-~/.cache}/potok/pythons}/
# cpython-X.Y.Zt-<recipe>/. A build counts only when its `potok-ready` file holds
# this recipe's hash and the interpreter passes its check (Py_GIL_DISABLED=1, the
# GIL off at run time, its own prefix, the standard library the examples use);
# a build that was killed half-way has no such file and is removed and rebuilt,
# and so is one whose check fails (a damaged standard library, say). Changing the recipe
# below (configure flags, build dependencies) gives a new hash, so a new build.
#
# Needs: root and apt-get for the build dependencies (or them installed already:
# see BUILD_DEPS), gpgv and debian-archive-keyring, the Debian mirror
# (POTOK_DEBIAN_MIRROR), about 8 minutes on 2 cores the first time.
set -euo pipefail

MIRROR="${POTOK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE="${POTOK_PYTHONS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/potok/pythons}"
# apt-get of this script and of tools/sid-python.sh take turns on this lock
APT_LOCK_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/potok"
VERSIONS="3.15 3.14 3.13"
REBUILD=0
ACTION=build
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
BUILD_DEPS=(build-essential pkg-config xz-utils libssl-dev zlib1g-dev libffi-dev
    libbz2-dev liblzma-dev libsqlite3-dev libreadline-dev uuid-dev libgdbm-dev
    libncurses-dev libzstd-dev)
CONFIGURE=(--disable-gil --with-ensurepip=install --without-static-libpython)
RECIPE_TEXT="1 ${CONFIGURE[*]} ${BUILD_DEPS[*]}"

while [ $# -gt 0 ]; do
    case "$1" in
        --versions) VERSIONS="$2"; shift 2 ;;
        --rebuild) REBUILD=1; shift ;;
        --find) ACTION=find; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "ft-python: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

say() { echo "ft-python: $*" >&2; }
cannot() { say "cannot build a free-threaded CPython here: $*"; exit 3; }
RECIPE="$(printf '%s' "$RECIPE_TEXT" | sha256sum | cut -c1-12)"

# A complete build: the marker of this recipe, and an interpreter that really
# runs without the GIL.
check_build() {
    local dir="$1" py
    [ -f "$dir/potok-ready" ] && [ "$(cat "$dir/potok-ready")" = "$RECIPE" ] || return 1
    py="$(ls "$dir"/bin/python3.*t 2>/dev/null | head -1)"
    # It runs without the GIL, from its own folder (a copied cache would fall
    # back to the prefix compiled in), with the standard library the examples
    # use importable: a damaged cache is removed and rebuilt, never trusted.
    [ -n "$py" ] && "$py" -c 'import os, sys, sysconfig
import asyncio, concurrent.futures.process, concurrent.futures.thread, json
import multiprocessing.pool, queue, subprocess, threading
same = os.path.realpath(sys.prefix) == os.path.realpath(sys.argv[1])
sys.exit(0 if same and sysconfig.get_config_var("Py_GIL_DISABLED") == 1
         and not sys._is_gil_enabled() else 1)' "$dir" 2>/dev/null || return 1
    echo "$py"
}

find_cached() {
    local v dir py
    for v in $VERSIONS; do
        for dir in "$CACHE"/cpython-"$v".*t-"$RECIPE"; do
            [ -d "$dir" ] || continue
            if py="$(check_build "$dir")"; then echo "$py"; return 0; fi
        done
    done
    return 1
}

# Remove builds that are incomplete, broken or of another recipe.
sweep() {
    local dir
    for dir in "$CACHE"/cpython-*; do
        [ -d "$dir" ] || continue
        if ! check_build "$dir" >/dev/null; then
            say "removing $dir (incomplete, broken or an older recipe)"
            rm -rf "$dir"
        fi
    done
}

if [ "$ACTION" = find ]; then
    find_cached || { say "no complete free-threaded build in $CACHE"; exit 3; }
    exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9  # one build at a time (the matrix and the docs may both ask)
[ "$REBUILD" = 1 ] && rm -rf "$CACHE"/cpython-* "$CACHE"/unavailable-*
sweep
if py="$(find_cached)"; then say "cached: $py"; echo "$py"; exit 0; fi

command -v gpgv >/dev/null || cannot "gpgv is not installed (apt-get install -y gpgv)"
[ -f "$KEYRING" ] || cannot "$KEYRING is missing (apt-get install -y debian-archive-keyring)"

work="$(mktemp -d "$CACHE/.work.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fetch() { curl -fsSL --retry 2 --connect-timeout 20 -o "$2" "$1"; }
unavailable() { say "$2"; echo "$2" >"$CACHE/unavailable-$1"; }

# A version whose source was not to be had today is not asked for again until
# tomorrow (or --rebuild): the answer is in $CACHE/unavailable-X.Y. If that is
# every version asked for, the index is not downloaded at all.
asked=""
for v in $VERSIONS; do
    if [ "$REBUILD" = 0 ] && [ -n "$(find "$CACHE" -maxdepth 1 -name "unavailable-$v" -mtime -1 2>/dev/null)" ]; then
        say "$(cat "$CACHE/unavailable-$v") (checked within a day; --rebuild asks again)"
    else
        asked="$asked $v"
    fi
done
[ -n "$asked" ] || cannot "no CPython source for any of: $VERSIONS"
VERSIONS="${asked# }"

say "reading Debian sid's signed source index from $MIRROR"
fetch "$MIRROR/dists/sid/InRelease" "$work/InRelease" \
    || cannot "$MIRROR/dists/sid/InRelease cannot be downloaded"
gpgv --keyring "$KEYRING" --output "$work/Release" "$work/InRelease" 2>"$work/gpgv.log" \
    || { cat "$work/gpgv.log" >&2; cannot "the signature of sid's InRelease does not verify"; }
want="$(awk '/^SHA256:/{s=1;next} /^[^ ]/{s=0} s && $3=="main/source/Sources.xz"{print $1}' "$work/Release")"
[ -n "$want" ] || cannot "sid's Release lists no main/source/Sources.xz"
fetch "$MIRROR/dists/sid/main/source/Sources.xz" "$work/Sources.xz" \
    || cannot "cannot download sid's Sources.xz"
echo "$want  $work/Sources.xz" | sha256sum -c --quiet - \
    || cannot "sid's Sources.xz does not match the sha256 in the signed Release"
xz -dc "$work/Sources.xz" >"$work/Sources"

got=""
for v in $VERSIONS; do
    # The stanza of source package python$v: its directory and its orig tarball.
    stanza="$(awk -v pkg="python$v" 'BEGIN{RS=""} $0 ~ "(^|\n)Package: " pkg "\n" {print; exit}' "$work/Sources")"
    if [ -z "$stanza" ]; then unavailable "$v" "python$v: Debian sid has no such source package"; continue; fi
    dir="$(printf '%s\n' "$stanza" | sed -n 's/^Directory: //p')"
    read -r sha size file < <(printf '%s\n' "$stanza" \
        | awk '/^Checksums-Sha256:/{s=1;next} /^[^ ]/{s=0} s && $3 ~ /\.orig\.tar\.(xz|gz)$/{print $1, $2, $3; exit}')
    if [ -z "${file:-}" ]; then unavailable "$v" "python$v: no .orig tarball in its Sources stanza"; continue; fi
    if ! fetch "$MIRROR/$dir/$file" "$work/$file"; then
        unavailable "$v" "python$v: $MIRROR/$dir/$file cannot be downloaded (the mirror answers an error)"
        continue
    fi
    if ! echo "$sha  $work/$file" | sha256sum -c --quiet -; then
        say "python$v: $file does not match its sha256 in the signed index; trying an older version"
        continue
    fi
    say "python$v: $file verified (sha256 $sha, from sid's signed InRelease)"
    got="$work/$file"
    break
done
[ -n "$got" ] || cannot "no CPython source for any of: $VERSIONS"

missing=()
for p in "${BUILD_DEPS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing the build dependencies: ${missing[*]}"
        # one apt at a time: tools/sid-python.sh may be installing too
        mkdir -p "$APT_LOCK_DIR"
        {
            flock 8
            apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
                install -y -q --no-install-recommends "${missing[@]}"
        } 8>"$APT_LOCK_DIR/.apt.lock" >"$work/apt.log" 2>&1 \
            || { tail -20 "$work/apt.log" >&2; cannot "apt-get install ${missing[*]} failed"; }
    else
        cannot "missing build dependencies; as root: apt-get install -y ${missing[*]}"
    fi
fi

tar -xf "$got" -C "$work"
src="$(find "$work" -maxdepth 1 -mindepth 1 -type d -name 'Python-*' | head -1)"
[ -n "$src" ] || cannot "$got holds no Python-* folder"
full="$(basename "$src" | sed 's/^Python-//')"
prefix="$CACHE/cpython-${full}t-$RECIPE"
rm -rf "$prefix"
start=$SECONDS
say "building CPython $full with --disable-gil into $prefix (about 8 minutes on 2 cores; log: $work/build.log)"
(
    cd "$src"
    ./configure --prefix="$prefix" "${CONFIGURE[@]}"
    make -j"$(nproc)"
    make altinstall
) >"$work/build.log" 2>&1 || {
    tail -30 "$work/build.log" >&2
    cp "$work/build.log" "$CACHE/last-failed-build.log" || true
    rm -rf "$prefix"
    cannot "the build of CPython $full failed (log: $CACHE/last-failed-build.log)"
}
echo "$RECIPE" >"$prefix/potok-ready"
py="$(check_build "$prefix")" || { rm -rf "$prefix"; cannot "the new build does not run without the GIL"; }
say "built CPython ${full}t in $((SECONDS - start)) s: $py"
echo "$py"
