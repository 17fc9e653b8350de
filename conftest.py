"""pytest: every gallery script is a test; shared fixtures.

Each ``examples/**/plot_*.py`` is collected as a test that runs the script in a
fresh interpreter at quick scale (``POTOK_QUICK=1``), as a reader would run it
(``python examples/.../plot_x.py``). This is the one place that runs an example
outside the docs build: ``nox -s matrix`` drives it on every interpreter.

- A failure shows the script's path and its traceback; a script that hangs is
  stopped after ``EXAMPLE_TIMEOUT`` seconds and named.
- A script that calls ``potok.machine.require(...)`` on an interpreter that cannot
  run it exits with ``SKIP_EXIT_CODE`` after printing the reason: a *skip* with
  that reason, never a pass.
- ``--start-methods=all`` (or a list such as ``fork,spawn``) makes one test per
  multiprocessing start method, ``run[fork]``, ``run[spawn]``, ... with
  ``POTOK_START_METHOD`` set. An example that never asks ``potok.start_methods`` for a
  start method does not depend on it: it runs under the first method and the
  other ones are skipped, saying so.
- ``--matrix-report=FILE`` writes every example's outcome and time as JSON,
  with how many of its claims held (read from the run's record,
  :mod:`potok.records`); the matrix session turns the files of all
  interpreters into one table.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import platform
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
from potok_sphinx import limits
from potok_sphinx.leftovers import START_METHOD_USED_ENV

from potok import records
from potok.machine import SKIP_EXIT_CODE, SKIP_MARKER
from potok.start_methods import START_METHOD_ENV

#: tests/sites.py: the small test sites and their ``site`` fixture
pytest_plugins = ["sites"]

ROOT = Path(__file__).resolve().parent
EXAMPLES = ROOT / "examples"
#: Runs the script as `python script.py` would, then fails it, naming what it
#: left, if a thread or child process outlives it (instead of hanging at exit).
GUARD = ROOT / "docs" / "_ext" / "potok_sphinx" / "leftovers.py"
LEFTOVER_EXIT = limits.LEFTOVER_EXIT
#: Characters of output an example may print; past that it fails, named.
OUTPUT_LIMIT = limits.output_limit()
EXAMPLE_TIMEOUT = limits.example_timeout(limits.TEST_TIMEOUT)


def example_env(**extra: str) -> dict[str, str]:
    """The environment an example runs in under the tests."""
    env = dict(os.environ)
    env.pop(START_METHOD_USED_ENV, None)
    env.update(POTOK_QUICK="1", MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


@dataclass
class ExampleRun:
    """What happened when one example ran once."""

    example: str  # path relative to the repository
    start_method: str  # "default" when POTOK_START_METHOD was not set
    status: str  # "passed", "failed" or "skipped"
    seconds: float
    reason: str = ""  # for skipped and failed
    used_start_method: bool = False  # asked potok.start_methods for the method
    output: str = ""
    claims: int = 0  # claims the run's record holds
    confirmed: int = 0  # ...and how many of them held


def run_example(script: Path, start_method: str | None = None) -> ExampleRun:
    """Run one gallery script at quick scale in a fresh interpreter."""
    rel = str(script.relative_to(ROOT) if ROOT in script.parents else script)
    extra = {START_METHOD_ENV: start_method} if start_method else {}
    with tempfile.TemporaryDirectory(prefix="potok-example-") as tmp:
        used_file = Path(tmp, "start-method")
        extra[START_METHOD_USED_ENV] = str(used_file)
        extra[records.DIR_ENV] = tmp  # the run's record (potok.records)
        start = time.perf_counter()
        # A session of its own, so that a timeout ends the example's child
        # processes too: a child left running would keep the output pipes open
        # and the test would hang after all.
        popen = subprocess.Popen(
            [sys.executable, str(GUARD), str(script)],
            cwd=script.parent,
            env=example_env(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = popen.communicate(timeout=EXAMPLE_TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill_group(popen)
            stdout, stderr = popen.communicate()
            return ExampleRun(
                rel,
                start_method or "default",
                "failed",
                time.perf_counter() - start,
                reason=f"timed out after {EXAMPLE_TIMEOUT:g} s",
                output=(
                    f"{rel}: did not finish within {EXAMPLE_TIMEOUT:g} s at quick "
                    f"scale (POTOK_QUICK=1) and was stopped "
                    f"(POTOK_EXAMPLE_TIMEOUT sets the limit).\n"
                    f"--- output so far ---\n{stdout}{stderr}"
                ),
            )
        finally:
            if popen.poll() is None:
                _kill_group(popen)
                popen.wait()
        proc = subprocess.CompletedProcess(popen.args, popen.returncode, stdout, stderr)
        seconds = time.perf_counter() - start
        used = used_file.exists()
        record_file = records.default_path(str(Path(tmp, script.name)))
        record = records.load(record_file) if record_file.exists() else None
    run = ExampleRun(
        rel, start_method or "default", "passed", seconds, used_start_method=used
    )
    if record is not None:
        run.claims = len(record.claims)
        run.confirmed = sum(bool(c["confirmed"]) for c in record.claims)
    skip_lines = [
        line[len(SKIP_MARKER) :]
        for line in proc.stdout.splitlines()
        if line.startswith(SKIP_MARKER)
    ]
    if len(proc.stdout) > OUTPUT_LIMIT:
        run.status = "failed"
        run.reason = (
            f"printed {len(proc.stdout):_} characters, more than the limit of "
            f"{OUTPUT_LIMIT:_} (POTOK_OUTPUT_LIMIT)"
        )
        run.output = f"{rel}: {run.reason}; its page would be unreadable.\n"
    elif proc.returncode == SKIP_EXIT_CODE and skip_lines:
        run.status, run.reason = "skipped", skip_lines[-1].strip()
    elif proc.returncode != 0:
        run.status = "failed"
        # the exception's own line: the last one that is not indented
        lines = [ln for ln in proc.stderr.splitlines() if ln and not ln[0].isspace()]
        last = lines[-1][:200] if lines else "nothing on stderr"
        run.reason = f"exit code {proc.returncode}: {last}"
        run.output = (
            f"{rel}: exited with code {proc.returncode}.\n"
            f"--- stderr ---\n{proc.stderr}--- stdout ---\n{proc.stdout}"
        )
    return run


class ExampleFailed(Exception):
    pass


class ExampleItem(pytest.Item):
    def __init__(self, *, path: Path, start_method: str | None, **kwargs):
        super().__init__(**kwargs)
        self.script = path
        self.start_method = start_method
        self.add_marker(pytest.mark.example)

    def runtest(self) -> None:
        first = self.parent.first_run
        if (
            first is not None
            and first.status != "failed"
            and not first.used_start_method
        ):
            # Only potok.start_methods reads POTOK_START_METHOD: this run would repeat
            # the first one exactly, so it is skipped (and not counted as passed).
            if first.status == "skipped":
                reason = first.reason
            else:
                reason = (
                    "does not read POTOK_START_METHOD (asks potok.start_methods "
                    "for no start method), so every run is the same; "
                    f"ran once, under {first.start_method}"
                )
            self._record(
                ExampleRun(first.example, self.start_method, "skipped", 0.0, reason)
            )
            pytest.skip(reason)
        run = run_example(self.script, self.start_method)
        if first is None:
            self.parent.first_run = run
        self._record(run)
        if run.status == "failed":
            raise ExampleFailed(run.output)
        if run.status == "skipped":
            pytest.skip(run.reason)

    def _record(self, run: ExampleRun) -> None:
        self.config.stash.setdefault(RESULTS, []).append(run)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ExampleFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.script, None, f"example {self.script.relative_to(ROOT)}"


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


RESULTS = pytest.StashKey[list]()


def _start_methods(config) -> list[str | None]:
    wanted = config.getoption("start_methods")
    if wanted in (None, "", "default"):
        return [None]
    available = multiprocessing.get_all_start_methods()
    if wanted == "all":
        # a fixed order, so that every interpreter's column reads the same way
        return [m for m in ("fork", "spawn", "forkserver") if m in available]
    methods = [m.strip() for m in wanted.split(",") if m.strip()]
    bad = [m for m in methods if m not in available]
    if bad:
        raise pytest.UsageError(
            f"--start-methods: {', '.join(bad)} not available here; "
            f"this platform has {', '.join(available)}"
        )
    return methods


class ExampleFile(pytest.File):
    first_run: ExampleRun | None = None

    def collect(self):
        for method in _start_methods(self.config):
            name = "run" if method is None else f"run[{method}]"
            yield ExampleItem.from_parent(
                self, name=name, path=self.path, start_method=method
            )


def pytest_collect_file(file_path: Path, parent):
    if (
        file_path.suffix == ".py"
        and file_path.name.startswith("plot_")
        and EXAMPLES in file_path.parents
    ):
        return ExampleFile.from_parent(parent, path=file_path)
    return None


def pytest_addoption(parser):
    group = parser.getgroup("potok")
    group.addoption(
        "--start-methods",
        default="default",
        help="run each example under these multiprocessing start methods: "
        "'default' (POTOK_START_METHOD unset), 'all', or e.g. 'fork,spawn'",
    )
    group.addoption(
        "--matrix-report",
        default=None,
        metavar="FILE",
        help="write each example's outcome and time to FILE as JSON",
    )


def _gil_after_imports() -> bool | None:
    """Is the GIL on once numpy and matplotlib are imported? (A free-threaded
    build counts only if an extension did not turn it back on.)"""
    if not hasattr(sys, "_is_gil_enabled"):
        return True
    try:
        import matplotlib  # noqa: F401
        import numpy  # noqa: F401
    except ImportError:
        return None
    return sys._is_gil_enabled()


def pytest_sessionfinish(session):
    path = session.config.getoption("matrix_report")
    if not path:
        return
    report = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil_enabled_after_imports": _gil_after_imports(),
        "executable": sys.executable,
        "start_methods": multiprocessing.get_all_start_methods(),
        "default_start_method": multiprocessing.get_start_method(allow_none=False),
        "runs": [
            {k: v for k, v in asdict(r).items() if k != "output"}
            for r in session.config.stash.get(RESULTS, [])
        ],
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
