"""The one place that knows how to get each Python potok supports.

``noxfile.py`` imports it (the test sessions, the matrix, the build's other
interpreters); ``nox -s pythons`` prints its table. Each version is looked for by
providers in this order, and the one that served is reported:

already there
    ``PATH`` (``python3.14``, ``python3.14t``), pyenv's versions folder
    (``~/.pyenv/versions/3.14.*/bin/python3.14``), ``uv python find``, a
    Debian sid chroot this machine built before (``tools/sid-python.sh``'s
    cache) and a free-threaded build this machine compiled before
    (``tools/ft-python.sh``'s cache).
obtained, when asked to (``obtain=True``; ``POTOK_OBTAIN_PYTHONS=0`` says no)
    ``uv python install`` (needs the internet: a contributor's laptop, GitHub
    Actions; that is how 3.14t and 3.15t arrive there), then, on a machine with
    no internet but Debian's archive: CPython 3.13-3.15 from Debian sid's binary
    packages in a cached chroot (``tools/sid-python.sh``, root), and a
    free-threaded build compiled from Debian's CPython source
    (``tools/ft-python.sh``, root for the build dependencies).

A candidate counts only when it runs, is a version potok supports, imports
the standard library the examples use, and is the build asked for: ``3.14``
has the GIL, ``3.14t`` is free-threaded (``Py_GIL_DISABLED`` is 1) and runs
with the GIL off. Providers that install system packages (apt) take turns.
Standard library only: the noxfile imports this before any environment exists.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"
# The probe and the description's format are potok's own (standard library
# only, like this module): potok.interpreters reads what this module writes.
sys.path.insert(0, str(ROOT / "src"))
from potok import interpreters  # noqa: E402
from potok.interpreters import FREE_THREADED, SUPPORTED, Interpreter  # noqa: E402

#: What Debian sid packages as binaries (tools/sid-python.sh).
SID = ("3.13", "3.14", "3.15")
#: What tools/ft-python.sh can compile from Debian's source, newest first.
COMPILABLE = ("3.15t", "3.14t", "3.13t")

OBTAIN_ENV = "POTOK_OBTAIN_PYTHONS"


@dataclass
class Python:
    """One supported version: where it was found and by whom, or why not."""

    version: str  # "3.14" or "3.14t"
    path: str | None = None
    provider: str = ""
    full_version: str = ""
    reason: str = ""  # why it is missing (or what to know about it)
    tried: list[str] = field(default_factory=list)
    info: dict = field(default_factory=dict)  # what the probe said

    @property
    def free_threaded(self) -> bool:
        return self.version.endswith("t")

    @property
    def build(self) -> str:
        return "free-threaded" if self.free_threaded else "GIL"


def obtain_allowed() -> bool:
    return os.environ.get(OBTAIN_ENV, "1").strip().lower() not in ("0", "no", "false")


def probe(path: str) -> dict | None:
    """:func:`potok.interpreters.probe`, with the time a chroot's first start
    takes."""
    return interpreters.probe(path, timeout=120)


def support(info: dict) -> str:
    """Why potok cannot use the interpreter the probe's ``info`` describes, or ""."""
    if info.get("broken"):
        return f"its standard library is damaged ({info['broken']})"
    base = ".".join(info["version"].split(".")[:2])
    if base not in SUPPORTED:
        return (
            f"it is Python {info['version']}; potok supports "
            f"{SUPPORTED[0]}-{SUPPORTED[-1]} and their free-threaded builds"
        )
    return ""


def check_given(path: str) -> str:
    """Why ``path`` (given by hand, as in ``POTOK_EXTRA_PYTHONS``) cannot be
    used, or "" if it can."""
    if not Path(path).exists():
        return f"{path} does not exist"
    info = probe(path)
    if info is None:
        return f"{path} is not a Python that runs (`{path} -c pass` fails)"
    why = support(info)
    return f"{path}: {why}" if why else ""


def _check(version: str, path: str) -> tuple[dict | None, str]:
    """The probe's answer if ``path`` is the build ``version`` asks for."""
    info = probe(path)
    if info is None:
        return None, f"{path} does not run"
    if why := support(info):
        return None, f"{path}: {why}"
    base = version.removesuffix("t")
    if not info["version"].startswith(base + "."):
        return None, f"{path} is Python {info['version']}, not {base}"
    if version.endswith("t"):
        if not info["free_threaded"]:
            return None, f"{path} is not a free-threaded build"
        if info["gil_enabled"]:
            return None, f"{path} is free-threaded but runs with the GIL enabled"
    elif info["free_threaded"]:
        return None, f"{path} is a free-threaded build, not {version}"
    return info, ""


# --- providers: each returns candidate paths (maybe none) -------------------------


def _on_path(version: str) -> list[str]:
    found = shutil.which(f"python{version}")
    return [found] if found else []


def _pyenv(version: str) -> list[str]:
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    base, t = version.removesuffix("t"), "t" if version.endswith("t") else ""
    return sorted(glob.glob(f"{root}/versions/{base}.*{t}/bin/python{version}"))


def _uv(*args: str, timeout: float) -> subprocess.CompletedProcess | None:
    if not shutil.which("uv"):
        return None
    try:
        return subprocess.run(
            ["uv", "python", *args], capture_output=True, text=True, timeout=timeout
        )
    except (OSError, subprocess.SubprocessError):
        return None


def _uv_find(version: str) -> list[str]:
    proc = _uv("find", "--system", "--no-project", version, timeout=60)
    if proc is None or proc.returncode != 0:
        return []
    return [line for line in proc.stdout.splitlines() if line.strip()][-1:]


def _sid_cached(version: str) -> list[str]:
    """A Debian sid chroot built here before (no building, no network)."""
    if version not in SID or os.geteuid() != 0:
        return []
    proc = subprocess.run(
        ["bash", str(TOOLS / "sid-python.sh"), "--python", version, "--find"],
        capture_output=True,
        text=True,
    )
    return [str(TOOLS / f"sid-python{version}")] if proc.returncode == 0 else []


def _ft_cached(version: str) -> list[str]:
    if version not in COMPILABLE:
        return []
    proc = subprocess.run(
        ["bash", str(TOOLS / "ft-python.sh"), "--find", "--versions", version[:-1]],
        capture_output=True,
        text=True,
    )
    return proc.stdout.split()[-1:] if proc.returncode == 0 else []


_INTERNET: list[bool] = []


def _internet() -> bool:
    """Can uv's Python downloads be reached? (Asked once per process.)"""
    if not _INTERNET:
        try:
            socket.create_connection(("github.com", 443), timeout=5).close()
            _INTERNET.append(True)
        except OSError:
            _INTERNET.append(False)
    return _INTERNET[0]


def _uv_install(version: str) -> tuple[list[str], str]:
    if not _internet():
        return (
            [],
            "no internet here (github.com, where uv downloads from, is unreachable)",
        )
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="automatic")
    try:
        proc = subprocess.run(
            ["uv", "python", "install", version],
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )
    except FileNotFoundError:
        return [], "uv is not installed"
    except subprocess.SubprocessError:
        return [], "uv python install timed out"
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        return [], f"uv python install: {last.strip()[:160]}"
    return _uv_find(version), ""


def _sid(version: str) -> tuple[list[str], str]:
    if version not in SID:
        return [], f"Debian sid packages no python{version}"
    script = ["bash", str(TOOLS / "sid-python.sh"), "--python", version]
    check = subprocess.run([*script, "--check"], capture_output=True, text=True)
    if check.returncode != 0:
        why = (check.stderr.strip().splitlines() or ["no reason given"])[-1]
        return [], why.removeprefix("sid-python: ")
    print(f"pythons: Python {version}: from Debian sid ({TOOLS}/sid-python.sh)")
    built = subprocess.run([*script, "--list"], text=True, stdout=subprocess.PIPE)
    if built.returncode != 0:
        return [], "tools/sid-python.sh could not build the chroot (see above)"
    return [str(TOOLS / f"sid-python{version}")], ""


def _ft_compile(version: str) -> tuple[list[str], str]:
    if version not in COMPILABLE:
        return [], f"tools/ft-python.sh cannot compile {version}"
    print(f"pythons: Python {version}: from Debian's source (tools/ft-python.sh)")
    proc = subprocess.run(
        ["bash", str(TOOLS / "ft-python.sh"), "--versions", version[:-1]],
        text=True,
        capture_output=True,
    )
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        lines = [ln.removeprefix("ft-python: ") for ln in proc.stderr.splitlines()]
        mine = [ln for ln in lines if ln.startswith(f"python{version[:-1]}:")]
        return [], (mine or lines or ["tools/ft-python.sh failed"])[-1]
    return proc.stdout.split()[-1:], ""


FOUND_BY = [
    ("PATH", _on_path),
    ("pyenv", _pyenv),
    ("uv python find", _uv_find),
    ("Debian sid chroot, built here before (tools/sid-python.sh)", _sid_cached),
    ("compiled here before (tools/ft-python.sh)", _ft_cached),
]
OBTAINED_BY = [
    ("uv python install", _uv_install),
    ("Debian sid chroot (tools/sid-python.sh)", _sid),
    ("compiled from Debian's source (tools/ft-python.sh)", _ft_compile),
]


def on_host(versions: list[str]) -> dict[str, str]:
    """Version -> the path PATH or pyenv has for it, by name only: nothing is
    run, so the noxfile may ask on every start. (The sessions that use one check
    it: nox runs it, the matrix and the build probe what they are given.)"""
    found = {}
    for v in versions:
        for _provider, look in FOUND_BY[:2]:
            paths = [p for p in look(v) if os.access(p, os.X_OK) and not _shim(p)]
            if paths:
                found[v] = paths[0]
                break
    return found


def _shim(path: str) -> bool:
    """A pyenv shim (a script that runs whichever version pyenv has selected,
    and fails for the others), not an interpreter: told by its text."""
    try:
        with open(path, "rb") as f:
            head = f.read(256)
    except OSError:
        return False
    return head.startswith(b"#!") and b"pyenv" in head


def find(version: str, *, obtain: bool = False) -> Python:
    """Find ``version`` ("3.14", "3.14t"); with ``obtain``, get it if it is not here."""
    result = Python(version)

    def accept(provider: str, paths: list[str]) -> bool:
        for path in paths:
            info, why = _check(version, path)
            if info:
                result.path, result.provider = path, provider
                result.full_version, result.info = info["version"], info
                return True
            result.tried.append(f"{provider}: {why}")
        return False

    for provider, look in FOUND_BY:
        if accept(provider, look(version)):
            return result
    if not obtain or not obtain_allowed():
        result.reason = (
            "not on this machine"
            + ("" if obtain else "; `nox -s pythons` obtains what it can")
            + (f" ({OBTAIN_ENV}=0)" if obtain else "")
        )
        return result
    reasons = []
    for provider, get in OBTAINED_BY:
        if provider == "uv python install" and os.environ.get("POTOK_OFFLINE"):
            reasons.append("uv python install: skipped (POTOK_OFFLINE)")
            continue
        paths, why = get(version)
        if accept(provider, paths):
            return result
        if why:
            reasons.append(f"{provider.split(' (')[0]}: {why}")
    result.reason = "; ".join(reasons) or "no provider has it"
    return result


def find_all(versions: tuple[str, ...] | list[str], *, obtain: bool) -> list[Python]:
    """:func:`find` for each version, side by side (each asks a wrapper script or
    a chroot that takes a few tenths of a second to answer; the scripts that
    build something hold a lock, so two builds never run at once)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda v: find(v, obtain=obtain), versions))


#: What a page says of a version the build did not measure in, by why.
NOT_GIVEN = "сборке его не передали"
NOT_OBTAINED = "на машине сборки его не было, а добывать недостающие сборка не стала"
NOT_HERE = "на машине сборки его нет и получить его там нельзя"


def describe(found: list[Python], *, given: bool = False) -> dict:
    """What the build hands to its examples (``POTOK_INTERPRETERS``): every
    interpreter found, and for each supported version not found, why, in words
    for the page. ``given``: the paths came from POTOK_EXTRA_PYTHONS."""
    ok, missing = [], {}
    for p in found:
        if p.path:
            info = p.info
            ok.append(
                Interpreter(
                    p.version,
                    p.path,
                    p.full_version,
                    info["free_threaded"],
                    info["gil_enabled"],
                    info["interpreter_pool"],
                    p.provider,
                )
            )
        elif given:
            missing[p.version] = NOT_GIVEN
        elif not obtain_allowed():
            missing[p.version] = NOT_OBTAINED
        else:
            missing[p.version] = NOT_HERE
    source = "POTOK_EXTRA_PYTHONS" if given else "tools/pythons.py"
    return interpreters.describe(ok, missing, source)


def from_paths(paths: list[str]) -> list[Python]:
    """The interpreters at ``paths`` (given by hand), as found ones, each
    checked; one per version and build, in the order the figures use."""
    by_key: dict[str, Python] = {}
    for path in paths:
        info = probe(path)
        if info is None or support(info):
            raise ValueError(check_given(path) or f"{path} does not run")
        key = interpreters.key_of(info["version"], info["free_threaded"])
        if key in by_key:
            continue
        by_key[key] = Python(
            key, path, "POTOK_EXTRA_PYTHONS", info["version"], info=info
        )
    wanted = [*SUPPORTED, *FREE_THREADED]
    return [by_key.get(v, Python(v, reason="not given")) for v in wanted]


def table(found: list[Python]) -> str:
    rows = [("version", "build", "found", "path", "provider / reason")]
    for p in found:
        rows.append(
            (
                p.version,
                p.build,
                p.full_version or "-",
                p.path or "-",
                p.provider if p.path else f"MISSING: {p.reason}",
            )
        )
    widths = [max(len(r[i]) for r in rows[:]) for i in range(4)]
    return "\n".join(
        "  "
        + "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True))
        + "  "
        + r[4]
        for r in rows
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tools/pythons.py", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("versions", nargs="*", default=[*SUPPORTED, *FREE_THREADED])
    parser.add_argument("--obtain", action="store_true", help="get what is missing")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    unknown = [v for v in args.versions if v not in (*SUPPORTED, *FREE_THREADED)]
    if unknown:
        parser.error(f"unsupported: {', '.join(unknown)}")
    found = find_all(args.versions, obtain=args.obtain)
    if args.json:
        print(json.dumps([asdict(p) for p in found], indent=1))
    else:
        print(table(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
