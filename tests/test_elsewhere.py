"""Readers anywhere: no /proc or /sys, spawn, a console that is not UTF-8.

A reader on Windows or macOS runs a downloaded example under spawn (the default
there), where there is no /proc and no /sys, and often prints to a console
whose code page has no ✔ (Windows, Python 3.11-3.14 without PYTHONUTF8, when
the output is a pipe or a file). This machine has none of that, so the tests
make it, for real where they can:

- no /proc and no /sys: the example runs in a mount namespace of its own where
  both are empty (``unshare`` as root; elsewhere those tests are skipped,
  saying why);
- spawn: ``POTOK_START_METHOD=spawn``;
- a code page: ``PYTHONIOENCODING=cp1251`` (Cyrillic, no ✔) or ``ascii`` (no
  Cyrillic either, like cp437).

The examples run download-style: copied with the modules beside them into a
folder of their own, outside the tree. What cannot be made here (Windows'
console, macOS) the CI workflow runs on windows-latest and macos-latest: these
same tests, where /proc and /sys do not exist and spawn is the default.
"""

from __future__ import annotations

import ast
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from potok_sphinx.gallery import siblings

from potok import console

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

#: each reads /sys (cache sizes), /proc (threads' ids, memory maps, smaps,
#: mounts) itself or in a module beside it, or starts processes through a
#: module beside it, under spawn; every example that reads /proc or /sys must be
#: here (test_every_example_reading_proc_or_sys_is_run_without_them)
EXAMPLES_ELSEWHERE = [
    "01_cpu/plot_cache_levels.py",
    "02_processes/plot_native_threads.py",
    "02_processes/plot_switch_cost.py",
    "13_oversubscription/plot_blas_oversubscription.py",
    "14_containers_memory/plot_cow_after_fork.py",
    "14_containers_memory/plot_cpu_quota.py",
    "14_containers_memory/plot_object_memory.py",
    "14_containers_memory/plot_preload_memory.py",
    "14_containers_memory/plot_worker_memory.py",
]
#: the example ``compare`` runs: a pool of processes, quick
COMPARED = "06_futures/plot_broken_process_pool.py"

#: run the command where /proc and /sys are empty (a mount namespace of its own)
UNSHARE = [
    "unshare",
    "--mount",
    "--propagation",
    "private",
    "--",
    "sh",
    "-c",
    'mount -t tmpfs none /proc && mount -t tmpfs none /sys && exec "$@"',
    "sh",
]
#: what runs a command where there is no /proc and no /sys: nothing on Windows
#: and macOS (CI's reader jobs run these tests there), UNSHARE on Linux
NO_PROC = UNSHARE if sys.platform.startswith("linux") else []


def _no_proc_available() -> str:
    """Why this machine cannot hide /proc and /sys, or ""."""
    if not NO_PROC:
        return ""  # there is none to hide
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return "hiding /proc and /sys needs root and unshare(1)"
    done = subprocess.run([*NO_PROC, "ls", "/proc"], capture_output=True, text=True)
    if done.returncode != 0 or done.stdout.strip():
        return f"unshare cannot make a mount namespace here: {done.stderr.strip()}"
    return ""


needs_no_proc = pytest.mark.skipif(
    bool(why := _no_proc_available()), reason=why or "available"
)


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONUTF8")}
    env.pop(console.HINTED_ENV, None)
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        POTOK_QUICK="1",
        MPLBACKEND="Agg",
        POTOK_START_METHOD="spawn",
        POTOK_RECORD_DIR=str(tmp),
        PYTHONIOENCODING="cp1251",
    )
    env.update(extra)
    return env


def _download(rel: str, home: Path) -> Path:
    """The example and the modules beside it, as a reader saves them."""
    script = EXAMPLES / rel
    for path in [script, *script.parent.glob("_*.py")]:
        shutil.copy(path, home / path.name)
    return home / script.name


# --- the console ----------------------------------------------------------------------


def _stream(encoding: str, errors: str = "strict") -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors=errors)


def test_a_code_page_gets_lookalikes_instead_of_an_error():
    stream = _stream("cp1251")
    with pytest.raises(UnicodeEncodeError):
        stream.write("✔")
        stream.flush()
    stream = _stream("cp1251")
    assert console.protect(stream)
    stream.write("✔ Утверждение — ×2 ≈ 2 → да ✘ ★\n")
    stream.flush()
    text = stream.buffer.getvalue().decode("cp1251")
    assert text == "+ Утверждение — x2 ~ 2 -> да x ?\n"


def test_utf8_and_lenient_streams_are_left_alone():
    assert not console.protect(_stream("utf-8"))
    assert not console.protect(_stream("cp1251", "replace"))
    assert not console.protect(object())  # sphinx-gallery's and pytest's captures


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("cp1251", "+ Утверждение: два больше одного — подтвердилось (x2)"),
        ("ascii", "+ ???????????: ??? ?????? ?????? - ????????????? (x2)"),
    ],
)
def test_a_verdict_prints_on_a_code_page(tmp_path, encoding, expected):
    code = (
        "from potok import claims\n"
        "claims.check('two', 'два больше одного', confirmed=True, evidence='×2',\n"
        "             reason_if_not='арифметика сломалась')\n"
        "claims.check('child', 'и в дочернем', confirmed=False, evidence='—',\n"
        "             reason_if_not='дочерний процесс не запустился')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(tmp_path, PYTHONIOENCODING=encoding),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    lines = done.stdout.decode(encoding).splitlines()
    assert lines[0] == expected
    assert lines[1].startswith("x ")
    hint = "has no Cyrillic" in done.stderr.decode()
    assert hint is (encoding == "ascii")  # and only where Cyrillic is lost


# --- downloaded examples and compare, no /proc, spawn, a code page --------------------


def _os_paths(path: Path) -> set[str]:
    """The /proc and /sys paths the code of ``path`` names (a string or an
    f-string that starts with one; text that merely mentions them does not)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr) and node.values:
            node = node.values[0]
        text = node.value if isinstance(node, ast.Constant) else None
        if isinstance(text, str) and text.startswith(("/proc/", "/sys/")):
            found.add(text)
    return found


def test_every_example_reading_proc_or_sys_is_run_without_them():
    """An example (or a module beside it) that reads /proc or /sys is among
    those run where neither exists: a new one is not forgotten."""
    reading = set()
    for script in sorted(EXAMPLES.glob("*/plot_*.py")):
        if any(_os_paths(m) for m in [script, *siblings(script)]):
            reading.add(script.relative_to(EXAMPLES).as_posix())
    assert reading, "the scan found no example reading /proc or /sys"
    assert reading <= set(EXAMPLES_ELSEWHERE), sorted(reading - set(EXAMPLES_ELSEWHERE))


@needs_no_proc
@pytest.mark.parametrize("rel", EXAMPLES_ELSEWHERE)
def test_a_downloaded_example_runs_without_proc_under_spawn(tmp_path, rel):
    home = tmp_path / "home"
    home.mkdir()
    script = _download(rel, home)
    done = subprocess.run(
        [*NO_PROC, sys.executable, script.name],
        cwd=home,
        env=_env(tmp_path),
        capture_output=True,
        timeout=240,
    )
    out = done.stdout.decode("cp1251")
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:] + out
    assert "start method: spawn" in out
    verdicts = [ln for ln in out.splitlines() if "Утверждение:" in ln]
    assert verdicts or "Не измерено" in out, out[-3000:]
    assert all(ln[:2] in ("+ ", "x ") for ln in verdicts), verdicts


@needs_no_proc
def test_compare_runs_without_proc_under_spawn_on_a_code_page(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    script = _download(COMPARED, home)
    site = tmp_path / "site"
    site.mkdir()
    # the site's side: a run's record, as the site publishes it
    first = subprocess.run(
        [sys.executable, script.name],
        cwd=home,
        env=_env(site, PYTHONIOENCODING="utf-8"),
        capture_output=True,
        timeout=240,
    )
    assert first.returncode == 0, first.stderr.decode(errors="replace")[-3000:]
    (record,) = site.glob("*.record.json")
    done = subprocess.run(
        [
            *NO_PROC,
            sys.executable,
            "-m",
            "potok",
            "compare",
            script.name,
            "--quick",
            "--site-file",
            str(record),
        ],
        cwd=home,
        env=_env(tmp_path),
        capture_output=True,
        timeout=240,
    )
    out = done.stdout.decode("cp1251")
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:] + out
    assert "у вас: +" in out or "у вас: x" in out
    assert "на сайте: +" in out or "на сайте: x" in out
    assert "start method: spawn" in out  # the home side ran under spawn
