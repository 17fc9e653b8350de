"""Run one example as ``python script.py`` would, then check what it left behind.

    python docs/_ext/potok_sphinx/leftovers.py examples/04_gil/plot_gil_timeline.py

The tests and the matrix run every example through this (conftest.py). Without
it, an example that leaves a non-daemon thread or a child process running makes
the interpreter wait for it at exit, and the test hangs until its timeout with
no word of why. Here, once the script's own code has finished (or raised), any
thread or child process that is still alive after a short grace period is named
on stderr with where it was started, the children are killed, and the process
exits with :data:`LEFTOVER_EXIT` at once. Standard library only (if potok
imports, its ``start_methods.start_method`` is watched: see
:func:`watch_start_method`).

The same rule holds in the docs build: docs/_ext/potok_sphinx/guard.py calls
:func:`snapshot` before and :func:`leftovers` after every example.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.process
import os
import runpy
import sys
import threading
import time
import traceback
from pathlib import Path

try:
    from .limits import LEFTOVER_EXIT
except ImportError:  # run as a script: this folder is sys.path[0]
    from limits import LEFTOVER_EXIT
GRACE = 3.0  # seconds for threads and children that are already on their way out

_STARTED_AT = "_potok_started_at"


def _caller_line() -> str:
    """The innermost frame outside the standard library and this file."""
    here = os.path.abspath(__file__)
    stdlib = os.path.dirname(os.__file__)
    for frame in reversed(traceback.extract_stack()[:-2]):
        name = os.path.abspath(frame.filename)
        if name != here and not name.startswith(stdlib) and "site-packages" not in name:
            return f"{frame.filename}:{frame.lineno}"
    return "an unknown line"


def record_where_started() -> None:
    """Make every Thread and multiprocessing Process remember who started it."""
    if getattr(threading.Thread.start, "_potok", False):
        return
    thread_start = threading.Thread.start
    process_start = multiprocessing.process.BaseProcess.start

    def start_thread(self, *args, **kwargs):
        setattr(self, _STARTED_AT, _caller_line())
        return thread_start(self, *args, **kwargs)

    def start_process(self, *args, **kwargs):
        setattr(self, _STARTED_AT, _caller_line())
        return process_start(self, *args, **kwargs)

    start_thread._potok = True  # type: ignore[attr-defined]
    threading.Thread.start = start_thread  # type: ignore[method-assign]
    multiprocessing.process.BaseProcess.start = start_process  # type: ignore[method-assign]


def _child_pids() -> set[int]:
    """This process's live children (Linux: /proc; elsewhere multiprocessing's)."""
    pids: set[int] = set()
    tasks = Path(f"/proc/{os.getpid()}/task")
    if tasks.is_dir():
        for task in tasks.iterdir():
            with contextlib.suppress(OSError, ValueError):
                pids.update(int(p) for p in (task / "children").read_text().split())
        return {p for p in pids if _alive(p)}
    return {c.pid for c in multiprocessing.active_children() if c.pid}


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"  # a zombie has ended


def _infrastructure() -> set[int]:
    """Helper processes multiprocessing keeps for the whole run, by design."""
    pids = set()
    try:
        from multiprocessing import forkserver, resource_tracker

        pids.add(getattr(forkserver._forkserver, "_forkserver_pid", None))
        pids.add(getattr(resource_tracker._resource_tracker, "_pid", None))
    except (ImportError, AttributeError):
        pass
    return {p for p in pids if p}


def _describe_child(pid: int) -> str:
    known = {c.pid: c for c in multiprocessing.active_children()}
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        cmd = ""
    where = ""
    if pid in known:
        proc = known[pid]
        where = (
            f", {proc.name}, started at {getattr(proc, _STARTED_AT, 'an unknown line')}"
        )
    return f"pid {pid}{where}{': ' + cmd.strip()[:120] if cmd.strip() else ''}"


def _describe_thread(thread: threading.Thread) -> str:
    frame = sys._current_frames().get(thread.ident or -1)
    now = ""
    if frame is not None:
        now = f", now at {frame.f_code.co_filename}:{frame.f_lineno}"
    started = getattr(thread, _STARTED_AT, "an unknown line")
    kind = "daemon " if thread.daemon else ""
    return f"{kind}thread {thread.name!r} started at {started}{now}"


def snapshot() -> tuple[set[int], set[int]]:
    """Thread idents and child pids alive now."""
    return {t.ident for t in threading.enumerate() if t.ident}, _child_pids()


def leftovers(before: tuple[set[int], set[int]], *, grace: float = GRACE) -> list[str]:
    """What was started since ``before`` and is still alive after ``grace`` s."""
    threads_before, children_before = before
    me = threading.current_thread()
    deadline = time.monotonic() + grace
    while True:
        threads = [
            t
            for t in threading.enumerate()
            if t.ident not in threads_before and t is not me and t.is_alive()
            and not getattr(t, "_potok_watchdog", False)
        ]  # fmt: skip
        children = _child_pids() - children_before - _infrastructure()
        if (not threads and not children) or time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    found = []
    if children:
        found.append(
            f"{len(children)} child process{'es' if len(children) > 1 else ''} "
            f"running ({'; '.join(_describe_child(p) for p in sorted(children))})"
        )
    if threads:
        found.append(
            f"{len(threads)} thread{'s' if len(threads) > 1 else ''} running "
            f"({'; '.join(_describe_thread(t) for t in threads)})"
        )
    return found


def kill_children(before_children: set[int]) -> None:
    import signal

    for pid in _child_pids() - before_children:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


#: Set by the tests to a file path: when the script depends on the start method
#: (see :func:`watch_start_method`), the file is written, and the test matrix
#: runs the script under every start method, not only the first.
START_METHOD_USED_ENV = "POTOK_START_METHOD_USED"


def watch_start_method() -> None:
    """Note in ``POTOK_START_METHOD_USED``'s file when the script depends on the
    start method: it asks ``potok.start_methods.start_method`` (wrapped here), or
    it starts a child interpreter on a potok module (``python -m potok.today``
    and the like), whose pools follow ``POTOK_START_METHOD``, inherited."""
    used = os.environ.pop(START_METHOD_USED_ENV, "")
    if not used:
        return

    def mark(method: str = "") -> None:
        with open(used, "w", encoding="utf-8") as f:
            f.write(method)

    import subprocess

    popen_init = subprocess.Popen.__init__

    def init(self, args, *rest, **kwargs):
        argv = [str(a) for a in args] if isinstance(args, (list, tuple)) else []
        if "-m" in argv[:-1] and argv[argv.index("-m") + 1].startswith("potok."):
            mark()
        popen_init(self, args, *rest, **kwargs)

    subprocess.Popen.__init__ = init
    try:
        from potok import start_methods
    except ImportError:
        return  # a script that cannot import potok asks it for nothing
    asked = start_methods.start_method

    def start_method() -> str:
        method = asked()
        mark(method)
        return method

    start_methods.start_method = start_method


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(
            "usage: python docs/_ext/potok_sphinx/leftovers.py SCRIPT [ARG...]"
        )
    script = os.path.abspath(sys.argv[1])
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(script)  # as `python script.py` would have it
    watch_start_method()
    record_where_started()
    before = snapshot()
    code: int | str | None = 0
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        code = exc.code
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    left = leftovers(before)
    if left:
        sys.stderr.write(
            f"potok: {sys.argv[0]} left {' and '.join(left)}; an example must join "
            "every thread and process it starts (the leftovers were killed)\n"
        )
        sys.stderr.flush()
        kill_children(before[1])
        os._exit(LEFTOVER_EXIT)
    sys.exit(code)


if __name__ == "__main__":
    main()
