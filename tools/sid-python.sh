#!/usr/bin/env bash
# Run a command under CPython 3.13, 3.14 or 3.15 from Debian sid, in a chroot.
#
# potok supports Python 3.11-3.15, but our machines have pyenv's 3.11-3.13 only
# and cannot download an interpreter; Debian's sid archive packages python3.13,
# python3.14 and python3.15. This script makes a minimal sid chroot with
# debootstrap, installs those there, builds an environment from uv.lock inside it,
# and runs a command in the repository under the chosen interpreter.
# tools/pythons.py (the one place that finds interpreters) calls it for a
# version no other provider has; tools/sid-python3.X are the interpreters it
# hands out.
#
# Usage:
#   tools/sid-python.sh --check
#       exit 0 if it can run here; otherwise print why and exit 3
#   tools/sid-python.sh --python 3.15 --find
#       exit 0 if a chroot with that Python was built here before (builds
#       nothing, asks no network); otherwise print why and exit 3
#   tools/sid-python.sh [--python 3.15] [--rebuild] -- CMD [ARG...]
#       run CMD in the repository (bind-mounted at /repo), with the environment
#       for that Python (project + the "test" group, exactly as uv.lock says)
#       first on PATH, e.g.
#       tools/sid-python.sh -- python -m pytest examples --start-methods=all
#   tools/sid-python.sh --list
#       print the Pythons the chroot has (3.13, 3.14, 3.15, and any X.Yt if packaged)
#
# Needs: root (debootstrap, chroot and mount do); debootstrap
# (`apt-get install -y debootstrap`); the Debian mirror for the first run and PyPI
# whenever uv.lock changes. The chroot is cached outside the clone, in
# ~/.cache/potok/sid-python/ (XDG_CACHE_HOME is honoured), so every clone and CI
# run on the machine shares it: the first run takes about a minute, later runs a
# few seconds. A chroot is used only when its `ready` file names this recipe, so
# one killed half-way is rebuilt. --rebuild (or deleting that folder) starts over.
# POTOK_SID_MIRROR picks another mirror, POTOK_SID_CACHE another folder.
#
# Inside the chroot /proc and /dev/shm are mounted (multiprocessing needs both)
# and the repository is bind-mounted at /repo (POTOK_HOST_REPO says where it is
# outside, so potok.interpreters can find a module beside an example); all mounts
# live in a private mount namespace, so they disappear with the command, even if
# it is killed.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${POTOK_SID_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/potok/sid-python}"
# apt-get of this script and of tools/ft-python.sh take turns on this lock
APT_LOCK_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/potok"
ROOTFS="$CACHE/root"
MIRROR="${POTOK_SID_MIRROR:-http://deb.debian.org/debian}"
# Bump when the recipe below changes: a cached chroot of another recipe is rebuilt.
VERSIONS=(3.13 3.14 3.15)
RECIPE="2 ${VERSIONS[*]} venv"

PYTHON=3.15
ACTION=run
REBUILD=0
while [ $# -gt 0 ]; do
    case "$1" in
        --check) ACTION=check; shift ;;
        --find) ACTION=find; shift ;;
        --list) ACTION=list; shift ;;
        --rebuild) REBUILD=1; shift ;;
        --python) PYTHON="$2"; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "sid-python: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

cannot() {
    echo "sid-python: cannot run Python $PYTHON from Debian sid here: $*" >&2
    exit 3
}

ready() { [ -f "$CACHE/ready" ] && [ "$(cat "$CACHE/ready")" = "$RECIPE" ]; }

check() {
    [ "$(id -u)" = 0 ] || cannot "it needs root (debootstrap, chroot and mount do)"
    if ! command -v debootstrap >/dev/null && command -v apt-get >/dev/null; then
        # One apt at a time: tools/pythons.py asks for 3.13, 3.14 and 3.15 side
        # by side, and tools/ft-python.sh may be installing its dependencies.
        mkdir -p "$APT_LOCK_DIR"
        {
            flock 8
            if ! command -v debootstrap >/dev/null; then
                echo "sid-python: installing debootstrap (apt-get install -y debootstrap)" >&2
                { apt-get -o DPkg::Lock::Timeout=600 update -q \
                    && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
                        install -y -q --no-install-recommends debootstrap; } >/dev/null 2>&1
            fi
        } 8>"$APT_LOCK_DIR/.apt.lock" || cannot "apt-get install -y debootstrap failed"
    fi
    for tool in debootstrap chroot unshare mount; do
        command -v "$tool" >/dev/null \
            || cannot "'$tool' is not installed (apt-get install -y debootstrap util-linux)"
    done
    if [ "$REBUILD" = 1 ] || ! ready; then
        python3 - "$MIRROR" 2>/dev/null <<'EOF' || cannot "the Debian mirror $MIRROR cannot be reached (set POTOK_SID_MIRROR to another)"
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/dists/sid/Release", timeout=20).read(1)
EOF
    fi
    if ready && ! [ -x "$ROOTFS/usr/bin/python$PYTHON" ]; then
        cannot "Debian sid does not package python$PYTHON"
    fi
}

in_chroot() { chroot "$ROOTFS" /usr/bin/env -u VIRTUAL_ENV HOME=/root \
    PATH=/usr/local/bin:/usr/bin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

build() {
    local start=$SECONDS new="$CACHE/root.new" uv
    uv="$(sed -n 's/^\(uv==[^ ]*\).*/\1/p' "$REPO/bootstrap.txt")"
    echo "sid-python: building the chroot in $CACHE (debootstrap sid from $MIRROR)" >&2
    rm -rf "$new" "$CACHE/ready"
    mkdir -p "$CACHE"
    debootstrap --variant=minbase sid "$new" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
        || { tail -20 "$CACHE/debootstrap.log" >&2; cannot "debootstrap failed (log: $CACHE/debootstrap.log)"; }
    rm -rf "$ROOTFS"
    mv "$new" "$ROOTFS"
    cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
    # A mirror snapshot's Release file may be past its Valid-Until date.
    echo 'Acquire::Check-Valid-Until "false";' >"$ROOTFS/etc/apt/apt.conf.d/99potok"
    in_chroot apt-get update -q >/dev/null
    local pkgs=() v p
    for v in "${VERSIONS[@]}"; do
        pkgs+=("python$v" "python$v-venv")
        # A free-threaded build, if Debian ever packages one under these names.
        for p in "python${v}t" "python$v-nogil" "python$v-freethreading"; do
            if in_chroot apt-cache show "$p" >/dev/null 2>&1; then pkgs+=("$p"); fi
        done
    done
    in_chroot apt-get install -y -q --no-install-recommends "${pkgs[@]}" >"$CACHE/apt.log" 2>&1 \
        || { tail -20 "$CACHE/apt.log" >&2; cannot "apt-get install ${pkgs[*]} failed"; }
    in_chroot apt-get clean
    # uv, at the version bootstrap.txt pins, installs everything else from uv.lock.
    in_chroot "python${VERSIONS[-1]}" -m venv /opt/potok/tools
    mount_and_run /opt/potok/tools/bin/pip install -q --disable-pip-version-check \
        "${uv:-uv}" || cannot "pip could not install ${uv:-uv} from PyPI in the chroot"
    echo "$RECIPE" >"$CACHE/ready"
    echo "sid-python: chroot ready in $((SECONDS - start)) s" >&2
}

# Run "$@" inside the chroot at /repo, with /proc, /dev/shm and the repository
# mounted in a private mount namespace.
mount_and_run() {
    cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
    # the host's CA bundle, for pip and uv (it may hold a proxy's certificate)
    if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
        mkdir -p "$ROOTFS/etc/ssl/certs"
        cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
    fi
    mkdir -p "$ROOTFS/repo" "$ROOTFS/proc" "$ROOTFS/dev/shm"
    unshare --mount --propagation private /bin/sh -eu -c '
        rootfs="$1" repo="$2"; shift 2
        mount -t proc proc "$rootfs/proc"
        mount -t tmpfs -o mode=1777 shm "$rootfs/dev/shm"
        mount --bind "$repo" "$rootfs/repo"
        exec chroot "$rootfs" /usr/bin/env -u VIRTUAL_ENV -u UV_PROJECT_ENVIRONMENT \
            HOME=/root PATH=/usr/local/bin:/usr/bin:/bin POTOK_HOST_REPO="$repo" \
            SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
            REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
            UV_PYTHON_DOWNLOADS=never UV_CACHE_DIR=/var/cache/uv \
            PYTHONDONTWRITEBYTECODE=1 "$@"
    ' sh "$ROOTFS" "$REPO" "$@"
}

if [ "$ACTION" = find ]; then
    # a chroot built before, of this recipe, with this Python: no building, no
    # network (POTOK_OBTAIN_PYTHONS=0 uses what is here, this included)
    [ "$(id -u)" = 0 ] || cannot "it needs root (chroot and mount do)"
    ready && [ -x "$ROOTFS/usr/bin/python$PYTHON" ] \
        || cannot "no chroot with python$PYTHON built here yet"
    exit 0
fi
check
if [ "$ACTION" = check ]; then
    echo "sid-python: can run Python $PYTHON from Debian sid ($(ready && echo cached || echo "will build the chroot first"))"
    exit 0
fi
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9  # one build at a time; a run waits for a build in progress
if [ "$REBUILD" = 1 ] || ! ready; then build; fi
flock -u 9
if [ "$ACTION" = list ]; then
    for v in "${VERSIONS[@]}"; do
        for b in "$v" "${v}t"; do [ -x "$ROOTFS/usr/bin/python$b" ] && echo "$b"; done
    done
    exit 0
fi
[ -x "$ROOTFS/usr/bin/python$PYTHON" ] || cannot "Debian sid does not package python$PYTHON"
[ $# -gt 0 ] || { echo "sid-python: no command given (see --help)" >&2; exit 2; }

# The environment: the project and the test group, exactly as uv.lock says.
ENV="/opt/potok/env-$PYTHON"
mount_and_run /bin/sh -eu -c '
    env="$1" python="$2"; shift 2
    cd /repo
    UV_PROJECT_ENVIRONMENT="$env" /opt/potok/tools/bin/uv sync -q --locked \
        --no-default-groups --group test --python "/usr/bin/python$python"
    PATH="$env/bin:$PATH" exec "$@"
' sh "$ENV" "$PYTHON" "$@"
