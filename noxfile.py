"""Every workflow a person runs on potok.

    nox -s docs        build the site strictly into docs/_build/html
    nox -s docs-live   rebuild and reload in the browser while you write
    nox -s tests       unit tests, build checks and every example, per Python
    nox -s lint        ruff lint and format check
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
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
DOCS_PYTHON = "3.13"
CI = os.environ.get("CI", "").lower() not in ("", "0", "false")
SPHINX_STRICT = ["-n", "-W", "--keep-going"]

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = CI
nox.options.sessions = ["lint", "tests", "docs", "browser", "versions-test"]

# uv must use the machine's interpreters, never download its own.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")


def _works(python: str) -> bool:
    try:
        subprocess.run([python, "-c", ""], check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def find_interpreters(versions: list[str]) -> dict[str, str | None]:
    """Map each X.Y to a working ``pythonX.Y`` executable, or None.

    A pyenv *shim* on PATH is not enough (it fails unless that version is
    selected), so every candidate is run once before it counts.
    """
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found: dict[str, str | None] = {}
    for v in versions:
        candidates = [shutil.which(f"python{v}")]
        candidates += sorted(glob.glob(f"{pyenv_root}/versions/{v}.*/bin/python{v}"))
        candidates += [f"/usr/bin/python{v}", f"/usr/local/bin/python{v}"]
        found[v] = next((c for c in candidates if c and _works(c)), None)
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
    for g in groups:
        args += ["--group", g]
    session.run_install(
        *args,
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
        external=True,
    )


@nox.session(python=DOCS_PYTHON)
def docs(session: nox.Session) -> None:
    """Build the site strictly (-n -W); every example runs."""
    sync(session, "docs")
    session.run(
        "sphinx-build",
        *SPHINX_STRICT,
        "-b",
        "html",
        "docs",
        "docs/_build/html",
        *session.posargs,
        env={"MPLBACKEND": "Agg"},
    )
    print(f"site: {ROOT / 'docs/_build/html/index.html'}")


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
    """Serve the site on localhost and rebuild it as files change."""
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
        *session.posargs,
        env={"MPLBACKEND": "Agg"},
    )


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """pytest: potok's unit tests, the build checks and every example (quick)."""
    sync(session, "test", "docs")
    # browser tests run once, in their own session (versions-test), not per Python
    session.run(
        "pytest", "-m", "not browser", *session.posargs, env={"MPLBACKEND": "Agg"}
    )


@nox.session(python=DOCS_PYTHON)
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    sync(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


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
