"""pytest: every gallery script is a test; shared fixtures.

Each ``examples/**/plot_*.py`` is collected as one item that runs the script in a
fresh interpreter at quick scale (``POTOK_QUICK=1``), as a reader would run it
(``python examples/.../plot_x.py``). A failure shows the script's path and its
traceback; a script that hangs is stopped after ``EXAMPLE_TIMEOUT`` seconds and
named.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
EXAMPLES = ROOT / "examples"
EXAMPLE_TIMEOUT = float(os.environ.get("POTOK_EXAMPLE_TIMEOUT", "120"))


def example_env(**extra: str) -> dict[str, str]:
    """The environment an example runs in under the tests."""
    env = dict(os.environ)
    env.update(POTOK_QUICK="1", MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


class ExampleFailed(Exception):
    pass


class ExampleItem(pytest.Item):
    def __init__(self, *, path: Path, **kwargs):
        super().__init__(**kwargs)
        self.script = path
        self.add_marker(pytest.mark.example)

    def runtest(self) -> None:
        rel = self.script.relative_to(ROOT)
        # A session of its own, so that a timeout ends the example's child
        # processes too: a child left running would keep the output pipes open
        # and the test would hang after all.
        proc = subprocess.Popen(
            [sys.executable, str(self.script)],
            cwd=self.script.parent,
            env=example_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = proc.communicate(timeout=EXAMPLE_TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            stdout, stderr = proc.communicate()
            raise ExampleFailed(
                f"{rel}: did not finish within {EXAMPLE_TIMEOUT:g} s at quick scale "
                f"(POTOK_QUICK=1) and was stopped "
                f"(POTOK_EXAMPLE_TIMEOUT sets the limit).\n--- output so far ---\n"
                f"{stdout}{stderr}"
            ) from None
        finally:
            if proc.poll() is None:
                _kill_group(proc)
                proc.wait()
        proc = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
        if proc.returncode != 0:
            raise ExampleFailed(
                f"{rel}: exited with code {proc.returncode}.\n"
                f"--- stderr ---\n{proc.stderr}--- stdout ---\n{proc.stdout}"
            )

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ExampleFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.script, None, f"example {self.script.relative_to(ROOT)}"


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


class ExampleFile(pytest.File):
    def collect(self):
        yield ExampleItem.from_parent(self, name="run", path=self.path)


def pytest_collect_file(file_path: Path, parent):
    if (
        file_path.suffix == ".py"
        and file_path.name.startswith("plot_")
        and EXAMPLES in file_path.parents
    ):
        return ExampleFile.from_parent(parent, path=file_path)
    return None
