"""A misbehaving example never hangs the build or leaks into the next one.

Each bad example here is built in a small site (test_build.make_site) and run
by the tests' own runner (conftest.run_example): the build must stop within
seconds naming the file and what it left, and the runner must fail it, never
hang until a timeout.
"""

from __future__ import annotations

import subprocess
import time

import pytest

pytest.importorskip("sphinx", reason="the build checks need the docs group")

from sites import build, make_site

from conftest import run_example

HEADER = '''\
"""
Плохой пример
=============

Оставляет после себя лишнее.
"""

'''

ORPHAN_PROCESS = (
    HEADER
    + """\
import multiprocessing
import time

if __name__ == "__main__":
    multiprocessing.Process(target=time.sleep, args=(600,)).start()
    print("процесс запущен и брошен")
"""
)

ORPHAN_THREAD = (
    HEADER
    + """\
import threading
import time

threading.Thread(target=time.sleep, args=(600,), name="забытый").start()
print("поток запущен и брошен")
"""
)

SWITCH_INTERVAL = (
    HEADER
    + """\
import sys

sys.setswitchinterval(0.0001)
print("интервал изменён и не возвращён")
"""
)

START_METHOD = (
    HEADER
    + """\
import multiprocessing

multiprocessing.set_start_method("spawn", force=True)
print("способ запуска изменён и не возвращён")
"""
)

FLOOD = (
    HEADER
    + """\
for i in range(50_000):
    print("строка вывода номер", i)
"""
)

GOOD = (
    HEADER
    + """\
import multiprocessing

# asking for the start method fixes the default; that is no change
print("всё убрано", multiprocessing.get_start_method())
"""
)


def _build(tmp_path, name, text, **env):
    site = make_site(tmp_path, examples={name: text})
    began = time.monotonic()
    proc = build(site, **env)
    return proc, time.monotonic() - began


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("plot_orphan_process.py", ORPHAN_PROCESS, "left 1 child process running"),
        ("plot_orphan_thread.py", ORPHAN_THREAD, "left 1 thread running"),
        ("plot_switch.py", SWITCH_INTERVAL, "changed the switch interval"),
        ("plot_method.py", START_METHOD, "changed the multiprocessing start method"),
    ],
)
def test_the_build_stops_naming_the_example_and_what_it_left(
    tmp_path, name, text, expected
):
    proc, seconds = _build(tmp_path, name, text)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 125, out
    assert f"example examples/01_test/{name} " in out
    assert expected in out
    assert seconds < 120, f"the build took {seconds:.0f} s to stop"


def test_the_build_names_where_a_leftover_was_started(tmp_path):
    proc, _ = _build(tmp_path, "plot_orphan_thread.py", ORPHAN_THREAD)
    assert "thread 'забытый' started at" in proc.stderr
    assert "plot_orphan_thread.py:11" in proc.stderr


def test_a_flood_of_output_fails_the_build_naming_the_limit(tmp_path):
    proc, _ = _build(tmp_path, "plot_flood.py", FLOOD, POTOK_OUTPUT_LIMIT="100000")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "over the limit of 100_000 characters" in out
    assert "plot_flood.py" in out


def test_a_tidy_example_passes(tmp_path):
    proc, _ = _build(tmp_path, "plot_good.py", GOOD)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ORPHAN_PROCESS, "left 1 child process running"),
        (ORPHAN_THREAD, "left 1 thread running"),
    ],
)
def test_the_runner_fails_a_leftover_at_once(tmp_path, text, expected):
    script = tmp_path / "plot_bad.py"
    script.write_text(text, encoding="utf-8")
    began = time.monotonic()
    run = run_example(script)
    assert run.status == "failed"
    assert expected in run.reason
    assert time.monotonic() - began < 60


def test_the_runner_fails_a_flood_of_output(tmp_path, monkeypatch):
    import conftest

    monkeypatch.setattr(conftest, "OUTPUT_LIMIT", 100_000)
    script = tmp_path / "plot_flood.py"
    script.write_text(FLOOD, encoding="utf-8")
    run = run_example(script)
    assert run.status == "failed"
    assert "more than the limit of 100_000" in run.reason


def test_the_build_writes_nothing_outside_its_output_folders(tmp_path):
    site = make_site(tmp_path, examples={"plot_good.py": GOOD})
    root_gitignore = (
        __import__("pathlib").Path(__file__).resolve().parent.parent / ".gitignore"
    )
    (site / ".gitignore").write_text(root_gitignore.read_text(encoding="utf-8"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=site, check=True)
    subprocess.run([*git, "add", "-A"], cwd=site, check=True)
    subprocess.run([*git, "commit", "-qm", "site"], cwd=site, check=True)
    proc = build(site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    status = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=all"],
        cwd=site, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert status == "", f"the build wrote into the source tree:\n{status}"
