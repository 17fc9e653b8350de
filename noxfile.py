"""Every workflow a person runs on potok.

    nox -s docs        build the site strictly into docs/_build/html
    nox -s docs-live   rebuild and reload in the browser while you write
    nox -s tests       unit tests and build checks, per Python
    nox -s matrix      every example (quick) on every Python x start method: a table
    nox -s lint        ruff lint and format check, sphinx-lint on the reST
    nox -s bench       how long builds and rebuilds take on this machine
    nox -s new-example -- 04_gil my_topic   start a new gallery example
    nox -s browser     the built site in headless Chromium (after nox -s docs)
    nox -s versions    every release tag and main into one site (GitHub Pages)
    nox -s versions-test   that site in headless Chromium (tests/test_versions.py)
    nox                the whole test gate (what CI runs)

Interpreters: the supported Pythons are looked for on PATH and under pyenv's
versions folder (they are installed there on our machines but not on PATH); which
were found is printed. Under CI=true a missing one is an error.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
DOCS_PYTHON = "3.13"
CI = os.environ.get("CI", "").lower() not in ("", "0", "false")
SPHINX_STRICT = ["-n", "-W", "--keep-going"]
# sphinx-lint reads .rst (and .po) files; MyST .md pages are checked by the
# strict build instead, the reST prose inside examples by tools/lint_gallery_rst.py.
SPHINX_LINT = ["docs", "examples", "-i", "docs/_build", "-i", "docs/auto_examples"]
SPHINX_LINT += ["-i", "docs/locale"]  # catalogs keep msgstr spacing on purpose

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = CI
nox.options.sessions = ["lint", "tests", "matrix", "docs", "browser", "versions-test"]

# uv must use the machine's interpreters, never download its own.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")


def _works(python: str, free_threaded: bool = False) -> bool:
    """Runs, and is a free-threaded build exactly when one is asked for."""
    check = (
        "import sys, sysconfig; "
        "sys.exit(bool(sysconfig.get_config_var('Py_GIL_DISABLED')))"
    )
    try:
        proc = subprocess.run([python, "-c", check], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == int(free_threaded)


def find_interpreters(versions: list[str]) -> dict[str, str | None]:
    """Map each X.Y to a working ``pythonX.Y`` executable, or None.

    A pyenv *shim* on PATH is not enough (it fails unless that version is
    selected), so every candidate is run once before it counts.
    """
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found: dict[str, str | None] = {}
    for v in versions:
        ft = v.endswith("t")  # free-threaded: pyenv names it e.g. 3.14.0t
        base = v.removesuffix("t")
        candidates = [shutil.which(f"python{v}")]
        candidates += sorted(
            glob.glob(
                f"{pyenv_root}/versions/{base}.*{'t' if ft else ''}/bin/python{v}"
            )
        )
        candidates += [f"/usr/bin/python{v}", f"/usr/local/bin/python{v}"]
        found[v] = next((c for c in candidates if c and _works(c, ft)), None)
    return found


def _put_on_path(found: dict[str, str | None]) -> None:
    dirs = [str(Path(p).parent) for p in found.values() if p]
    path = os.environ.get("PATH", "").split(os.pathsep)
    os.environ["PATH"] = os.pathsep.join(dict.fromkeys(dirs + path))


def _report(found: dict[str, str | None]) -> None:
    print("potok: supported Pythons", file=sys.stderr)
    for v, path in found.items():
        print(f"  python{v}: {path or 'NOT FOUND'}", file=sys.stderr)
    missing = [v for v, p in found.items() if p is None]
    if missing and CI:
        raise SystemExit(
            f"potok: CI=true and supported Pythons are missing: {', '.join(missing)}; "
            "install them (pyenv, Debian packages) or put them on PATH"
        )
    if missing:
        print(
            f"  warning: sessions for {', '.join(missing)} will be SKIPPED, not passed",
            file=sys.stderr,
        )


INTERPRETERS = find_interpreters(PYTHONS)
_put_on_path(INTERPRETERS)
_report(INTERPRETERS)


def sync(session: nox.Session, *groups: str) -> None:
    """Install the project and the given dependency groups exactly as uv.lock says."""
    args = ["uv", "sync", "--locked", "--no-default-groups"]
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # Python may not write .pyc files here, so without this every
        # sphinx-build would compile Sphinx, matplotlib and numpy from source
        # again: 5-7 s of each rebuild (measured with cProfile, issue 7).
        args.append("--compile-bytecode")
    for g in groups:
        args += ["--group", g]
    session.run_install(
        *args,
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
        external=True,
    )


def example_option(args: list[str]) -> tuple[str | None, list[str]]:
    """Take ``--example NAME`` (or ``--example=NAME``) out of the session's args."""
    rest, name = [], None
    it = iter(args)
    for arg in it:
        if arg == "--example":
            name = next(it, None)
            if not name or name.startswith("-"):
                raise SystemExit(
                    "potok: --example needs a name, e.g. plot_gil_timeline"
                )
        elif arg.startswith("--example="):
            name = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return name, rest


SID_CHROOT_READY = ROOT / ".nox" / "sid-python" / "ready"


def extra_pythons() -> tuple[str, str]:
    """POTOK_EXTRA_PYTHONS for the build, and a line saying where 3.14 comes from.

    The "Python today" example measures 3.14's InterpreterPoolExecutor (and a
    free-threaded 3.14t) in other interpreters. A 3.14 on this machine is found
    by the example itself; otherwise, when the matrix has built the Debian sid
    chroot (root, tools/sid-python.sh), its python3.14 is used.
    """
    if os.environ.get("POTOK_EXTRA_PYTHONS"):
        return os.environ["POTOK_EXTRA_PYTHONS"], "from POTOK_EXTRA_PYTHONS"
    if find_interpreters(["3.14"])["3.14"]:
        return "", "installed on this machine"
    if SID_CHROOT_READY.exists() and os.geteuid() == 0:
        return str(ROOT / "tools" / "sid-python3.14"), "from the Debian sid chroot"
    return "", (
        "NOT available: the 'Python today' page will say what it needs "
        "(as root, `nox -s matrix -- 3.14` builds the Debian sid chroot first)"
    )


def docs_env(example: str | None) -> dict[str, str]:
    env = {"MPLBACKEND": "Agg"}
    if example:
        env["POTOK_EXAMPLE"] = example  # read by docs/_ext/potok_gallery.py
    extra, where = extra_pythons()
    print(f"potok: Python 3.14 for the examples: {where}", file=sys.stderr)
    if extra:
        env["POTOK_EXTRA_PYTHONS"] = extra
    return env


@nox.session(python=DOCS_PYTHON)
def docs(session: nox.Session) -> None:
    """Build the site strictly (-n -W); every example runs.

    ``nox -s docs -- --example plot_gil_timeline`` runs that example only (even
    if unchanged) and prints its page; the others keep their last output.
    """
    example, args = example_option(session.posargs)
    sync(session, "docs")
    session.run(
        "sphinx-build",
        *SPHINX_STRICT,
        "-b",
        "html",
        "docs",
        "docs/_build/html",
        *args,
        env=docs_env(example),
    )
    html = ROOT / "docs/_build/html"
    pages = (
        sorted(html.glob(f"auto_examples/*/{Path(example).stem}.html"))
        if example
        else []
    )
    print(f"site: {pages[0] if pages else html / 'index.html'}")


@nox.session(python=DOCS_PYTHON)
def browser(session: nox.Session) -> None:
    """Every page of the built site in headless Chromium (tests/browser/).

    Builds nothing: it tests docs/_build/html as `nox -s docs` left it. Needs
    Debian's chromium (`apt-get install -y chromium`) and axe-core (`npm ci`).
    """
    html = ROOT / "docs" / "_build" / "html"
    if not (html / "index.html").is_file():
        session.error(f"{html} is missing or empty: build the site first: nox -s docs")
    axe = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.is_file():
        session.error(f"{axe} is missing: install the npm dependencies: npm ci")
    sync(session, "browser")
    session.run("pytest", "tests/browser", "-m", "browser", *session.posargs)


@nox.session(name="docs-live", python=DOCS_PYTHON, default=False)
def docs_live(session: nox.Session) -> None:
    """Serve the site on localhost and rebuild it as files change.

    A prose edit rebuilds without running any example; an edited example runs
    again (sphinx-gallery compares each script with the checksum of its last
    run). ``-- --example NAME`` runs only that example.
    """
    example, args = example_option(session.posargs)
    sync(session, "live")
    session.run(
        "sphinx-autobuild",
        *SPHINX_STRICT,
        "docs",
        "docs/_build/html",
        "--watch",
        "src",
        "--watch",
        "examples",
        "--re-ignore",
        r"auto_examples/|sg_execution_times",
        *args,
        env=docs_env(example),
    )


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """pytest: potok's unit tests and the build checks (examples: see matrix)."""
    sync(session, "test", "docs", "lint")  # lint: tests of the lint tools
    # browser tests run once, in their own sessions, not per Python
    session.run(
        "pytest",
        "-m",
        "not browser",
        *(session.posargs or ["tests"]),
        env={"MPLBACKEND": "Agg"},
    )


# --- the matrix: every example on every Python under every start method ----------

#: 3.14t (free-threaded) runs where one is found; the others are required under CI.
MATRIX_PYTHONS = [*PYTHONS, "3.14", "3.14t"]
MATRIX_OPTIONAL = {"3.14t"}
#: Where no such Python is installed, tools/sid-python.sh runs it from Debian sid.
SID_PYTHONS = {"3.14", "3.14t"}
MATRIX_REPORTS = ROOT / ".nox" / "matrix-reports"
MATRIX_PYTEST = ["-m", "pytest", "examples", "-q", "-p", "no:cacheprovider"]
MATRIX_PYTEST += ["--start-methods=all"]


@nox.session(python=False)
def matrix(session: nox.Session) -> None:
    """Every example, quick, on every Python x start method; prints a table.

    Runs examples/**/plot_*.py through conftest.py's runner on 3.10-3.14 (and
    3.14t where found), one after another (examples time themselves). A missing
    3.14 comes from Debian sid through tools/sid-python.sh (root). Fails on any
    failed example and, under CI=true, on any missing Python but 3.14t.
    ``nox -s matrix -- 3.13 3.14`` runs only those columns.
    """
    start = time.monotonic()
    pythons = session.posargs or MATRIX_PYTHONS
    unknown = [v for v in pythons if v not in MATRIX_PYTHONS]
    if unknown:
        session.error(f"matrix: choose from {', '.join(MATRIX_PYTHONS)}: {unknown}")
    shutil.rmtree(MATRIX_REPORTS, ignore_errors=True)
    found = find_interpreters(pythons)
    where: dict[str, str] = {}  # python -> how it ran, or why not
    for v in pythons:
        report = MATRIX_REPORTS / f"{v}.json"
        began = time.monotonic()
        if found[v]:
            where[v] = found[v]
            envdir = ROOT / ".nox" / f"matrix-{v}"
            session.run(
                "uv", "sync", "--locked", "--no-default-groups", "--group", "test",
                "--python", found[v], "--quiet",
                env={"UV_PROJECT_ENVIRONMENT": str(envdir)}, external=True,
            )  # fmt: skip
            cmd = [str(envdir / "bin" / "python"), *MATRIX_PYTEST]
            cmd.append(f"--matrix-report={report}")
        elif v in SID_PYTHONS:
            sid = ["bash", str(ROOT / "tools" / "sid-python.sh"), "--python", v]
            check = subprocess.run([*sid, "--check"], capture_output=True, text=True)
            if check.returncode != 0:
                why = (check.stderr.strip().splitlines() or ["no reason given"])[-1]
                where[v] = "NOT FOUND; " + why.removeprefix("sid-python: ")
                continue
            where[v] = f"Debian sid chroot (tools/sid-python.sh), /usr/bin/python{v}"
            cmd = [*sid, "--", "python", *MATRIX_PYTEST]
            cmd.append(f"--matrix-report=/repo/{report.relative_to(ROOT)}")
        else:
            where[v] = "NOT FOUND"
            continue
        session.log(f"matrix: Python {v}")
        # pytest exits 1 when an example fails; the table says which, then we fail.
        session.run(*cmd, external=True, success_codes=[0, 1, 3])
        where[v] += f"; {time.monotonic() - began:.0f} s with its setup"
        if not report.exists():
            where[v] += " (no report: the run itself failed, see above)"

    failed, missing = _matrix_table(where)
    print(f"matrix: {time.monotonic() - start:.0f} s in all")
    if failed:
        session.error(f"matrix: {failed} example run(s) FAILED (see the table)")
    if missing and CI:
        session.error(f"matrix: CI=true and Python {', '.join(missing)} did not run")


def _matrix_table(where: dict[str, str]) -> tuple[int, list[str]]:
    """Print interpreter x example x start method; return (failures, missing)."""
    methods = ["fork", "spawn", "forkserver"]
    notes: list[str] = []
    rows = []
    counts = {s: 0 for s in ("passed", "skipped", "failed")}
    missing = []
    print("\nmatrix: every example at quick scale (POTOK_QUICK=1)")
    for v, how in where.items():
        report = MATRIX_REPORTS / f"{v}.json"
        if not report.exists():
            print(f"  {v:6} {how}")
            if v not in MATRIX_OPTIONAL:
                missing.append(v)
            rows.append((v, "(not run)", {m: "-" for m in methods}))
            continue
        data = json.loads(report.read_text(encoding="utf-8"))
        build = " free-threaded" if data["free_threaded"] else ""
        print(
            f"  {v:6} {data['implementation']} {data['python']}{build}: {how} "
            f"(start methods: {', '.join(data['start_methods'])}; "
            f"default {data['default_start_method']})"
        )
        cells: dict[str, dict[str, str]] = {}
        for run in data["runs"]:
            counts[run["status"]] += 1
            text = run["status"]
            if run["status"] == "passed":
                text = f"passed {run['seconds']:.1f} s"
            elif run["status"] == "failed":
                text = f"FAILED {run['seconds']:.1f} s"
            if run["reason"]:
                if run["reason"] not in notes:
                    notes.append(run["reason"])
                text += f" [{notes.index(run['reason']) + 1}]"
            example = run["example"].removeprefix("examples/")
            cells.setdefault(example, {})[run["start_method"]] = text
        if not cells:
            rows.append((v, "(no examples)", {m: "-" for m in methods}))
        for example, by_method in cells.items():
            rows.append((v, example, {m: by_method.get(m, "n/a") for m in methods}))
    header = ("python", "example", *methods)
    table = [header] + [(v, ex, *(c[m] for m in methods)) for v, ex, c in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    print()
    for r in table:
        print(
            "  "
            + "  ".join(
                cell.ljust(w) for cell, w in zip(r, widths, strict=True)
            ).rstrip()
        )
    for i, note in enumerate(notes, 1):
        print(f"  [{i}] {note}")
    print("  " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    print()
    return counts["failed"], missing


@nox.session(python=DOCS_PYTHON)
def lint(session: nox.Session) -> None:
    """ruff (lint and format) and sphinx-lint: what .pre-commit-config.yaml runs."""
    sync(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("sphinx-lint", *SPHINX_LINT)
    session.run("python", "tools/lint_gallery_rst.py")


@nox.session(python=DOCS_PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Time cold builds and rebuilds on this machine, in a copy of the tree.

    ``-- --repeats 5 --cold-repeats 3 --parallel``; POTOK_QUICK=1 for a rough run.
    """
    sync(session, "docs")
    session.run("python", "tools/bench.py", *session.posargs)


@nox.session(name="new-example", python=False, default=False)
def new_example(session: nox.Session) -> None:
    """Create examples/<folder>/plot_<name>.py from the template: FOLDER NAME."""
    session.run(sys.executable, "tools/new_example.py", *session.posargs)


@nox.session(python=DOCS_PYTHON, default=False)
def versions(session: nox.Session) -> None:
    """Every release tag (vX.Y.Z) and main into docs/_build/versions, one site.

    Each version builds strictly in its own environment from its own uv.lock.
    POTOK_SITE_URL (the public root URL) gives canonical URLs, sitemap, OpenGraph;
    POTOK_QUICK=1 gives a quick preview. Serve: python -m http.server -d
    docs/_build/versions
    """
    sync(session, "docs")
    session.run("python", "docs/_polyversion/poly.py", *session.posargs)


@nox.session(name="versions-test", python=DOCS_PYTHON)
def versions_test(session: nox.Session) -> None:
    """The multi-version site in headless Chromium (tests/test_versions.py)."""
    sync(session, "browser", "docs")
    session.run(
        "pytest",
        "-m",
        "browser",
        "tests/test_versions.py",
        *session.posargs,
        env={"MPLBACKEND": "Agg"},
    )
