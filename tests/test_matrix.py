"""The example runner behind the matrix (conftest.py), require() and sid-python.sh.

What must hold: an example counts as passed only when it ran and exited 0; a skip
carries its reason; an example that starts no processes through potok.measure is
run once, not once per start method, and the other methods say so.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from potok import machine

ROOT = Path(__file__).resolve().parent.parent
from conftest import run_example  # noqa: E402

PLAIN = 'print("hello")\n'
NEEDS_FUTURE = (
    'from potok import machine\nmachine.require(python="99.0")\nprint("no")\n'
)
USES_PROCESSES = """\
import sys
from potok import start_methods

if __name__ == "__main__":
    ctx = start_methods.mp_context()
    with ctx.Pool(1) as pool:
        assert pool.apply(abs, (-1,)) == 1
    sys.exit(0 if ctx.get_start_method() == start_methods.start_method() else 5)
"""
FAKE_SKIP = "import sys\nsys.exit(77)\n"  # the skip status without the marker
BROKEN = "def f():\n    return 1 / 0\n\nf()\n"


def script(tmp_path: Path, text: str, name: str = "plot_x.py") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_unmet_names_what_is_missing():
    assert machine.unmet() is None
    assert machine.unmet(python="3.10") is None
    assert machine.unmet(python="99.0").startswith("нужен Python 99.0 или новее")
    if not machine.free_threaded_build():
        assert "free-threaded" in machine.unmet(free_threaded=True)


def test_plain_example_passes_and_uses_no_start_method(tmp_path):
    run = run_example(script(tmp_path, PLAIN))
    assert (run.status, run.used_start_method) == ("passed", False)


def test_require_skips_with_the_reason(tmp_path):
    run = run_example(script(tmp_path, NEEDS_FUTURE))
    assert run.status == "skipped"
    assert run.reason.startswith("нужен Python 99.0 или новее")


def test_skip_status_without_the_marker_is_a_failure(tmp_path):
    run = run_example(script(tmp_path, FAKE_SKIP))
    assert run.status == "failed" and "exit code 77" in run.reason


def test_failure_names_the_exception(tmp_path):
    run = run_example(script(tmp_path, BROKEN))
    assert run.status == "failed"
    assert "ZeroDivisionError" in run.reason and "plot_x.py" in run.output


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_start_method_is_honoured_and_noticed(tmp_path, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    run = run_example(script(tmp_path, USES_PROCESSES), method)
    assert run.status == "passed", run.output
    assert run.used_start_method


#: A tree with the real conftest.py imports potok and the runner like the repository
PYTEST_INI = f"[pytest]\npythonpath = {ROOT / 'src'} {ROOT / 'tests'} docs/_ext\n"

MATRIX_ARGS = [
    "-p",
    "no:cacheprovider",
    "--start-methods=all",
    "--matrix-report=r.json",
]


CHILD_INTERPRETER = """\
import subprocess
import sys

# a child interpreter on a potok module: its pools follow POTOK_START_METHOD
subprocess.run([sys.executable, "-m", "potok.measure"], check=True)
"""
OTHER_CHILD = """\
import subprocess
import sys

subprocess.run([sys.executable, "-c", "print(1)"], check=True)
"""


def test_a_child_interpreter_on_a_potok_module_depends_on_the_start_method(
    tmp_path,
):
    run = run_example(script(tmp_path, CHILD_INTERPRETER))
    assert run.status == "passed", run.output
    assert run.used_start_method
    other = run_example(script(tmp_path, OTHER_CHILD, "plot_other.py"))
    assert other.status == "passed", other.output
    assert not other.used_start_method


def test_matrix_report_counts_only_what_ran(tmp_path):
    """pytest --start-methods=all over a small examples/ tree, as the matrix runs it."""
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    ext = tmp_path / "docs" / "_ext" / "potok_sphinx"  # conftest's runner
    shutil.copytree(ROOT / "docs" / "_ext" / "potok_sphinx", ext)
    ex = tmp_path / "examples" / "01_x"
    ex.mkdir(parents=True)
    script(ex, PLAIN, "plot_plain.py")
    script(ex, USES_PROCESSES, "plot_processes.py")
    script(ex, NEEDS_FUTURE, "plot_future.py")
    script(ex, BROKEN, "plot_broken.py")
    (tmp_path / "pytest.ini").write_text(PYTEST_INI, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "examples", *MATRIX_ARGS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 1, proc.stdout  # plot_broken fails
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    methods = [
        m for m in ("fork", "spawn", "forkserver") if m in report["start_methods"]
    ]
    got = {
        (r["example"].split("/")[-1], r["start_method"]): (r["status"], r["reason"])
        for r in report["runs"]
    }
    first, *others = methods
    assert got["plot_plain.py", first][0] == "passed"
    for m in others:
        status, reason = got["plot_plain.py", m]
        assert status == "skipped" and f"ran once, under {first}" in reason
    for m in methods:
        assert got["plot_processes.py", m][0] == "passed"
        assert got["plot_future.py", m][0] == "skipped"
        assert "Python 99.0" in got["plot_future.py", m][1]
        assert got["plot_broken.py", m][0] == "failed"
    assert len(got) == 4 * len(methods)


# --- tools/sid-python.sh says why it cannot run ----------------------------------

SID = ROOT / "tools" / "sid-python.sh"
needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("runuser"), reason="needs root and runuser"
)


def sid_check(*prefix: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, "bash", str(SID), "--check"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@needs_root
def test_sid_python_needs_root():
    # the script on stdin: user nobody may not be able to read the checkout
    proc = subprocess.run(
        ["runuser", "-u", "nobody", "--", "bash", "-s", "--", "--check"],
        input=SID.read_text(encoding="utf-8"),
        cwd="/",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 3 and "needs root" in proc.stderr, proc.stderr


@needs_root
def test_sid_python_needs_debootstrap():
    proc = sid_check(PATH="/usr/bin:/bin")
    if shutil.which("debootstrap", path="/usr/bin:/bin"):
        pytest.skip("debootstrap is in /usr/bin here")
    assert proc.returncode == 3 and "'debootstrap' is not installed" in proc.stderr


@needs_root
def test_sid_python_needs_the_mirror(tmp_path):
    if not shutil.which("debootstrap"):
        pytest.skip("debootstrap is not installed")
    proc = sid_check(
        POTOK_SID_CACHE=str(tmp_path), POTOK_SID_MIRROR="http://127.0.0.1:9"
    )
    assert proc.returncode == 3 and "cannot be reached" in proc.stderr
