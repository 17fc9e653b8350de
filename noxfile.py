"""Every workflow a person runs on potok.

    nox -s docs        build the site strictly into docs/_build/html, and its
                       EPUB edition (docs/_build/html/potok.epub)
    nox -s epub        check that EPUB with EPUBCheck (builds it if it is not
                       the current HTML build's)
    nox -s docs-live   rebuild and reload in the browser while you write
    nox -s tests       unit tests and build checks, per Python
    nox -s matrix      every example (quick) on every Python x start method: a table
    nox -s pythons     which Python comes from where (finds or obtains them)
    nox -s lint        ruff lint and format check, sphinx-lint on the reST
    nox -s bench       how long builds and rebuilds take on this machine
    nox -s new-example -- 04_gil my_topic   start a new gallery example
    nox -s browser     the built site in headless Chromium (after nox -s docs)
    nox -s versions    every release tag and main into one site (GitHub Pages)
    nox -s versions-test   that site in headless Chromium (tests/test_versions.py)
    nox                the whole test gate (what CI runs)

Interpreters: tools/pythons.py is the one place that finds them (PATH, pyenv,
uv) and obtains what is missing (uv python install with internet; otherwise a
Debian sid chroot for 3.13-3.15 and a free-threaded build compiled from Debian's
source). The test sessions run on what PATH and pyenv have; the matrix and the
build's comparisons use every interpreter it can get. System tools a session
needs (uv, Chromium, npm) are installed by that session where it can (root,
apt-get) and said, or named with the command that installs them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import pythons  # noqa: E402  tools/pythons.py: the one place that finds interpreters
from potok_sphinx import examples, limits  # noqa: E402  (standard library only)

DOCS_PYTHON = limits.DOCS_PYTHON
CI = os.environ.get("CI", "").lower() not in ("", "0", "false")
SPHINX_STRICT = list(limits.SPHINX_STRICT)
# sphinx-lint reads .rst (and .po) files; MyST .md pages are checked by the
# strict build instead, the reST prose inside examples by tools/lint_gallery_rst.py.
SPHINX_LINT = ["docs", "examples", "-i", "docs/_build", "-i", "docs/auto_examples"]
SPHINX_LINT += ["-i", "docs/locale"]  # catalogs keep msgstr spacing on purpose

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
# A session whose Python is missing fails, naming it, instead of being "skipped"
# with exit code 0 (a newcomer's `nox -s docs` that built nothing).
nox.options.error_on_missing_interpreters = True
nox.options.sessions = [
    "lint",
    "tests",
    "matrix",
    "docs",
    "epub",
    "browser",
    "versions-test",
]

# uv must use the machine's interpreters; tools/pythons.py alone may download one
# (`uv python install`, where there is internet).
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")

#: Interpreters this machine has as they are (PATH, pyenv), by name: the test
#: sessions run on these. Nothing is run to find them (nox -l stays instant); a
#: version no host interpreter has is obtained by tools/pythons.py for the
#: matrix and the build (Debian sid chroot, a compiled free-threaded build).
HOST = pythons.on_host([*pythons.SUPPORTED, *pythons.FREE_THREADED])
TEST_PYTHONS = list(HOST) or [DOCS_PYTHON]
_dirs = [str(Path(path).parent) for path in HOST.values()]
os.environ["PATH"] = os.pathsep.join(
    dict.fromkeys(_dirs + os.environ.get("PATH", "").split(os.pathsep))
)


def require_tool(session: nox.Session, tool: str, fix: str) -> str:
    """The path of ``tool``, or one line that names it and the fix."""
    found = shutil.which(tool)
    if not found:
        session.error(f"potok: {tool} is not installed: {fix}")
    return found


def sync(session: nox.Session, *groups: str) -> None:
    """Install the project and the given dependency groups exactly as uv.lock says."""
    require_tool(session, "uv", "python3 -m pip install -r bootstrap.txt (nox and uv)")
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


#: Where the build describes the interpreters its examples may use.
INTERPRETERS = ROOT / "docs" / "_build" / "interpreters.json"


def describe_interpreters(session: nox.Session) -> Path:
    """Find (or obtain) every other supported interpreter once, and describe
    them in one file for the examples (``POTOK_INTERPRETERS``).

    The examples that compare versions and builds measure in these; they
    probe nothing themselves. tools/pythons.py finds or obtains each;
    POTOK_OBTAIN_PYTHONS=0 takes only what is here (a quicker first build: the
    pages say what was not measured). POTOK_EXTRA_PYTHONS (paths) names the
    interpreters by hand instead; each is checked.
    """
    wanted = [
        v for v in (*pythons.SUPPORTED, *pythons.FREE_THREADED) if v != DOCS_PYTHON
    ]
    given = os.environ.get("POTOK_EXTRA_PYTHONS", "")
    if given.strip():
        paths = [p for p in given.split(os.pathsep) if p.strip()]
        for path in paths:
            if why := pythons.check_given(path):
                session.error(f"potok: POTOK_EXTRA_PYTHONS: {why}")
        found = [p for p in pythons.from_paths(paths) if p.version in wanted]
        print("potok: interpreters for the examples (POTOK_EXTRA_PYTHONS):")
    else:
        found = pythons.find_all(wanted, obtain=pythons.obtain_allowed())
        print("potok: other interpreters for the examples (tools/pythons.py):")
    print(pythons.table(found))
    text = json.dumps(
        pythons.describe(found, given=bool(given.strip())), ensure_ascii=False, indent=1
    )
    INTERPRETERS.parent.mkdir(parents=True, exist_ok=True)
    if not INTERPRETERS.exists() or INTERPRETERS.read_text(encoding="utf-8") != text:
        INTERPRETERS.write_text(text, encoding="utf-8")
    return INTERPRETERS


def docs_env(session: nox.Session) -> dict[str, str]:
    return {
        "MPLBACKEND": "Agg",
        "POTOK_INTERPRETERS": str(describe_interpreters(session)),
    }


def example_args(session: nox.Session, example: str | None) -> list[str]:
    """sphinx-gallery's -D pair that runs the example ``example`` names alone."""
    if not example:
        return []
    try:
        script = examples.find(example, ROOT / "examples")
    except LookupError as exc:
        session.error(f"potok: {exc}")
    return examples.sphinx_options(script)


@nox.session(python=DOCS_PYTHON)
def docs(session: nox.Session) -> None:
    """Build the site strictly (-n -W); every example runs. Then its EPUB
    edition, from the same gallery output (no example runs again).

    ``nox -s docs -- --example plot_gil_timeline`` runs that example only (even
    if unchanged) and prints its page; the others keep their last output.
    """
    example, args = example_option(session.posargs)
    sync(session, "docs")
    html = ROOT / "docs/_build/html"
    finished = html / ".doctrees" / limits.FINISHED_MARK
    finished.unlink(missing_ok=True)
    session.run(
        "sphinx-build",
        *SPHINX_STRICT,
        "-b",
        "html",
        "docs",
        str(html.relative_to(ROOT)),
        *example_args(session, example),
        *args,
        env=docs_env(session),
    )
    if not finished.is_file():
        session.error(
            "potok: sphinx-build exited with code 0 but the build did not finish "
            f"(no {finished.relative_to(ROOT)}): something ended it half-way; "
            "the site was not built"
        )
    build_book(session)
    pages = (
        sorted(html.glob(f"auto_examples/*/{Path(example).stem}.html"))
        if example
        else []
    )
    print(f"site: {pages[0] if pages else html / 'index.html'}")


#: The EPUB edition, in the HTML site (potok_sphinx.epub writes it there).
BOOK = ROOT / "docs" / "_build" / "html" / "potok.epub"


def build_book(session: nox.Session, python: str = "python") -> None:
    """The EPUB from the finished HTML build's output, put into the site.

    Runs with the docs session's interpreter: the examples' cache key names
    it, and the book must reuse the HTML build's results (its build stops,
    naming them, if any example would run again).
    """
    session.run(
        python,
        "docs/_ext/potok_sphinx/epub.py",
        "docs/_build/html",
        env=docs_env(session),
        external=python != "python",
    )


def _apt_install(session: nox.Session, package: str, why: str) -> bool:
    """Install a Debian package as a named step, when this is root with apt-get."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    session.log(f"potok: installing {package} ({why}): apt-get install -y {package}")
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    wait = ["-o", "DPkg::Lock::Timeout=600"]  # another apt may be running
    session.run("apt-get", *wait, "update", "-q", external=True, env=env, silent=True)
    session.run(
        "apt-get",
        *wait,
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        package,
        external=True,
        env=env,
        silent=True,
    )
    return True


def need_chromium(session: nox.Session) -> None:
    """Debian's Chromium for the browser tests (or POTOK_CHROMIUM's browser)."""
    given = os.environ.get("POTOK_CHROMIUM")
    if given:
        if not (Path(given).is_file() and os.access(given, os.X_OK)):
            session.error(f"potok: POTOK_CHROMIUM={given} is not an executable file")
        return
    if shutil.which("chromium"):
        return
    if not _apt_install(session, "chromium", "the browser tests drive it"):
        session.error(
            "potok: Chromium is not installed: as root, apt-get install -y chromium "
            "(Debian), or set POTOK_CHROMIUM=/path/to/chrome"
        )


def need_axe(session: nox.Session) -> None:
    """axe-core from package-lock.json (npm ci), for the accessibility checks."""
    axe = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if axe.is_file():
        return
    if not shutil.which("npm"):
        _apt_install(session, "npm", "npm ci installs axe-core")
    require_tool(
        session, "npm", "apt-get install -y npm (or install Node.js), then npm ci"
    )
    session.log("potok: installing axe-core from package-lock.json: npm ci")
    session.run("npm", "ci", "--no-audit", "--no-fund", external=True)


@nox.session(python=DOCS_PYTHON)
def browser(session: nox.Session) -> None:
    """Every page of the built site in headless Chromium (tests/browser/).

    Builds nothing: it tests docs/_build/html as `nox -s docs` left it. Installs
    Debian's chromium and axe-core (`npm ci`) first if they are missing.
    """
    html = ROOT / "docs" / "_build" / "html"
    if not (html / "index.html").is_file():
        session.error(f"{html} is missing or empty: build the site first: nox -s docs")
    need_chromium(session)
    need_axe(session)
    sync(session, "browser")
    session.run("pytest", "tests/browser", "-m", "browser", *session.posargs)


#: EPUBCheck: Debian's package, a Java program (its /usr/bin/epubcheck is the jar
#: itself, which runs only where binfmt_misc knows jars: java -jar runs it anywhere)
EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")


def need_epubcheck(session: nox.Session) -> list[str]:
    """The command that runs EPUBCheck (POTOK_EPUBCHECK: a jar of your own)."""
    given = os.environ.get("POTOK_EPUBCHECK")
    jar = Path(given) if given else EPUBCHECK_JAR
    if given and not jar.is_file():
        session.error(f"potok: POTOK_EPUBCHECK={given} is not a file")
    if not jar.is_file():
        _apt_install(session, "epubcheck", "nox -s epub checks the EPUB with it")
    if not jar.is_file() or not shutil.which("java"):
        session.error(
            "potok: EPUBCheck is not installed: as root, apt-get install -y "
            "epubcheck (Debian), or set POTOK_EPUBCHECK=/path/to/epubcheck.jar"
        )
    return ["java", "-jar", str(jar)]


@nox.session(python=False)
def epub(session: nox.Session) -> None:
    """The site's EPUB edition, checked by EPUBCheck (Debian's epubcheck).

    Checks docs/_build/html/potok.epub, which nox -s docs made with the HTML
    build; if it is missing or older than that build, makes it first with the
    docs session's interpreter (from the HTML build's output: no example runs
    again). Installs epubcheck if it is missing.
    """
    html = ROOT / "docs" / "_build" / "html"
    finished = html / ".doctrees" / limits.FINISHED_MARK
    docs_python = ROOT / ".nox" / "docs" / "bin" / "python"
    if not finished.is_file() or not docs_python.is_file():
        session.error(
            "potok: no finished HTML build: build the site first: nox -s docs"
        )
    check = need_epubcheck(session)
    if not BOOK.is_file() or BOOK.stat().st_mtime < finished.stat().st_mtime:
        session.log("potok: the site has no EPUB of its current build: making it")
        build_book(session, str(docs_python))
    session.run(*check, str(BOOK), external=True)


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
        *example_args(session, example),
        *args,
        env=docs_env(session),
    )


@nox.session(python=TEST_PYTHONS)
def tests(session: nox.Session) -> None:
    """pytest: potok's unit tests and the build checks (examples and the
    exercises' solutions: see matrix, which runs them on every Python)."""
    # lint: tests of the lint tools; nox: tests of the noxfile
    sync(session, "test", "docs", "lint", "nox")
    # browser tests run once, in their own sessions, not per Python; the
    # solutions run in the matrix, on every interpreter, so not twice here
    default = ["tests", "-k", "not test_solution_runs_and_shows_its_answer"]
    session.run(
        "pytest",
        "-m",
        "not browser",
        *(session.posargs or default),
        env={"MPLBACKEND": "Agg"},
    )


# --- the matrix: every example on every Python under every start method ----------

MATRIX_PYTHONS = [*pythons.SUPPORTED, *pythons.FREE_THREADED]
MATRIX_REPORTS = ROOT / ".nox" / "matrix-reports"
#: Every example, and every exercise's solution (tests/test_exercises.py), on
#: each interpreter: an exercise must be true on every build it runs on.
MATRIX_PYTEST = ["-m", "pytest", "examples", "tests/test_exercises.py"]
MATRIX_PYTEST += ["-q", "-p", "no:cacheprovider"]
#: The columns that run every example under every start method in the gate: the
#: docs' Python (3.13) and the free-threaded builds. The others run each example
#: once, under their own default method: fork on 3.11 and 3.12, forkserver on
#: 3.14 and 3.15. So every example runs under fork, spawn and forkserver, and
#: on every interpreter, without the whole product, which for 69 examples would
#: take the gate past its 90 minutes on two cores.
#: POTOK_MATRIX_FULL=1 runs every start method on every interpreter.
MATRIX_ALL_METHODS = {"3.13", *pythons.FREE_THREADED}
MATRIX_FULL = os.environ.get("POTOK_MATRIX_FULL", "").strip() == "1"


def _start_methods_option(version: str) -> str:
    wanted = MATRIX_FULL or version in MATRIX_ALL_METHODS
    return f"--start-methods={'all' if wanted else 'default'}"


#: How many interpreters' columns run side by side. Quick-scale cells check
#: correctness, not timing, so two at a time (this machine has two cores).
MATRIX_PARALLEL = int(os.environ.get("POTOK_MATRIX_PARALLEL", "2"))
#: uv.lock cannot describe a free-threaded 3.13: the locked numpy, matplotlib,
#: pillow and kiwisolver publish no cp313t wheels. Its column installs from this
#: file instead (pinned with hashes; `nox -s lock-free-threaded` writes it).
FREE_THREADED_313 = ROOT / "requirements" / "free-threaded-3.13.txt"


def _matrix_command(session: nox.Session, p: pythons.Python, report: Path) -> list[str]:
    """The command that runs the examples on ``p``, after installing its env."""
    if p.path.startswith(str(ROOT / "tools" / "sid-python")):
        sid = ["bash", str(ROOT / "tools" / "sid-python.sh"), "--python", p.version]
        return [
            *sid,
            "--",
            "python",
            *MATRIX_PYTEST,
            _start_methods_option(p.version),
            f"--matrix-report=/repo/{report.relative_to(ROOT)}",
        ]
    envdir = ROOT / ".nox" / f"matrix-{p.version}"
    uv_env = {"UV_PROJECT_ENVIRONMENT": str(envdir)}
    if p.version == "3.13t":
        session.run(
            "uv",
            "venv",
            "-q",
            "--allow-existing",
            "--python",
            p.path,
            str(envdir),
            external=True,
        )
        session.run(
            "uv",
            "pip",
            "sync",
            "-q",
            "--python",
            str(envdir / "bin" / "python"),
            str(FREE_THREADED_313),
            external=True,
        )
        session.run(
            "uv",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--python",
            str(envdir / "bin" / "python"),
            "-e",
            ".",
            external=True,
        )
    else:
        session.run(
            "uv",
            "sync",
            "--locked",
            "--no-default-groups",
            "--group",
            "test",
            "--python",
            p.path,
            "--quiet",
            env=uv_env,
            external=True,
        )
    return [
        str(envdir / "bin" / "python"),
        *MATRIX_PYTEST,
        _start_methods_option(p.version),
        f"--matrix-report={report}",
    ]


@nox.session(python=False)
def matrix(session: nox.Session) -> None:
    """Every example, quick, on every Python x start method; prints a table.
    The exercises' solutions run on every Python too. In the gate, 3.11, 3.12,
    3.14 and 3.15 run each example under their default start method only
    (MATRIX_ALL_METHODS); POTOK_MATRIX_FULL=1 runs the whole product.

    Runs examples/**/plot_*.py through conftest.py's runner on 3.11-3.15 and
    every free-threaded build that tools/pythons.py finds or obtains (a missing
    3.14 or 3.15 comes from Debian sid, a free-threaded build is compiled from
    Debian's source), two interpreters side by side. Fails on any failed
    example and, under CI=true, on a missing 3.11-3.15 or when no free-threaded
    build ran at all; a free-threaded version no provider here can supply is
    reported, not failed. ``nox -s matrix -- 3.13 3.14`` runs only those columns.
    """
    start = time.monotonic()
    wanted = session.posargs or MATRIX_PYTHONS
    unknown = [v for v in wanted if v not in MATRIX_PYTHONS]
    if unknown:
        session.error(f"matrix: choose from {', '.join(MATRIX_PYTHONS)}: {unknown}")
    require_tool(session, "uv", "python3 -m pip install -r bootstrap.txt (nox and uv)")
    shutil.rmtree(MATRIX_REPORTS, ignore_errors=True)
    MATRIX_REPORTS.mkdir(parents=True)
    found = pythons.find_all(wanted, obtain=True)
    print(pythons.table(found))
    where: dict[str, str] = {}  # python -> how it ran, or why not
    jobs = []
    for p in found:
        if not p.path:
            where[p.version] = f"NOT FOUND: {p.reason}"
            continue
        where[p.version] = f"{p.path} ({p.provider})"
        report = MATRIX_REPORTS / f"{p.version}.json"
        jobs.append((p, _matrix_command(session, p, report)))

    def run(job):
        p, cmd = job
        began = time.monotonic()
        log = MATRIX_REPORTS / f"{p.version}.log"
        with open(log, "w", encoding="utf-8") as out:
            proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        return p, proc.returncode, time.monotonic() - began, log

    session.log(f"matrix: {len(jobs)} interpreters, {MATRIX_PARALLEL} at a time")
    codes: dict[str, int] = {}
    with ThreadPoolExecutor(max(1, MATRIX_PARALLEL)) as pool:
        for p, code, seconds, log in pool.map(run, jobs):
            codes[p.version] = code
            text = log.read_text(encoding="utf-8", errors="replace")
            # pytest: 0 all passed, 1 some failed (the table says which)
            shown = text if code != 0 else "\n".join(text.splitlines()[-2:])
            print(f"--- matrix: Python {p.version} (exit code {code}) ---\n{shown}")
            where[p.version] += f"; {seconds:.0f} s"
            if not (MATRIX_REPORTS / f"{p.version}.json").exists():
                where[p.version] += " (no report: the run itself failed, see above)"

    failed, missing = _matrix_table(where)
    print(f"matrix: {time.monotonic() - start:.0f} s in all")
    if failed:
        session.error(f"matrix: {failed} example run(s) FAILED (see the table)")
    # every example passed, but pytest did not: an exercise failed (its log above)
    others = [v for v, code in codes.items() if code != 0]
    if others:
        session.error(
            f"matrix: on Python {', '.join(others)} a test besides the examples "
            "failed (the exercises, tests/test_exercises.py): see the log above"
        )
    required = [v for v in missing if v in pythons.SUPPORTED]
    ran_free_threaded = [
        v for v in wanted if v in pythons.FREE_THREADED and v not in missing
    ]
    if CI and required:
        session.error(f"matrix: CI=true and Python {', '.join(required)} did not run")
    if CI and not session.posargs and not ran_free_threaded:
        session.error("matrix: CI=true and no free-threaded build ran (see the table)")


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
            missing.append(v)
            rows.append((v, "(not run)", {m: "-" for m in methods}))
            continue
        data = json.loads(report.read_text(encoding="utf-8"))
        build = " free-threaded" if data["free_threaded"] else ""
        if data["free_threaded"] and data.get("gil_enabled_after_imports"):
            build += " (GIL ENABLED after importing numpy/matplotlib: does not count)"
            missing.append(v)
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
                if run.get("claims"):
                    text += f", claims {run['confirmed']}/{run['claims']}"
            elif run["status"] == "failed":
                text = f"FAILED {run['seconds']:.1f} s"
            if run["reason"]:
                if run["reason"] not in notes:
                    notes.append(run["reason"])
                text += f" [{notes.index(run['reason']) + 1}]"
            example = run["example"].removeprefix("examples/")
            method = run["start_method"]
            if method == "default":  # this column ran each example once
                method = data["default_start_method"]
            cells.setdefault(example, {})[method] = text
        if not cells:
            rows.append((v, "(no examples)", {m: "-" for m in methods}))
        once = not any(r["start_method"] != "default" for r in data["runs"])
        for example, by_method in cells.items():
            absent = "(gate: default only)" if once else "n/a"
            rows.append((v, example, {m: by_method.get(m, absent) for m in methods}))
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


@nox.session(name="pythons", python=False, default=False)
def list_pythons(session: nox.Session) -> None:
    """Find or obtain every supported Python; print version, build, path, provider.

    ``nox -s pythons -- 3.15 3.13t`` asks for those only. Under CI=true a
    missing 3.11-3.15, or no free-threaded build at all, is an error.
    """
    wanted = session.posargs or [*pythons.SUPPORTED, *pythons.FREE_THREADED]
    found = pythons.find_all(wanted, obtain=True)
    print(pythons.table(found))
    missing = [
        p.version for p in found if not p.path and p.version in pythons.SUPPORTED
    ]
    if CI and missing:
        session.error(f"pythons: CI=true and Python {', '.join(missing)} cannot be had")


@nox.session(name="lock-free-threaded", python=False, default=False)
def lock_free_threaded(session: nox.Session) -> None:
    """Write requirements/free-threaded-3.13.txt (what uv.lock cannot say for 3.13t)."""
    p = pythons.find("3.13t", obtain=True)
    if not p.path:
        session.error(f"lock-free-threaded: no free-threaded 3.13: {p.reason}")
    session.run(
        "uv",
        "pip",
        "compile",
        "pyproject.toml",
        "--group",
        "pyproject.toml:test",
        "--python",
        p.path,
        "--only-binary",
        ":all:",
        "--generate-hashes",
        "--custom-compile-command",
        "nox -s lock-free-threaded",
        "-o",
        str(FREE_THREADED_313),
        external=True,
    )


@nox.session(python=DOCS_PYTHON)
def lint(session: nox.Session) -> None:
    """ruff (lint and format), sphinx-lint and the style table: what
    .pre-commit-config.yaml runs."""
    sync(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("sphinx-lint", *SPHINX_LINT)
    session.run("python", "tools/lint_gallery_rst.py")
    session.run("python", "tools/lint_style.py")  # CONTRIBUTING's style table


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
    need_chromium(session)
    sync(session, "browser", "docs")
    session.run(
        "pytest",
        "-m",
        "browser",
        "tests/test_versions.py",
        *session.posargs,
        env={"MPLBACKEND": "Agg"},
    )
