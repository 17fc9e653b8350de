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

What counts: every descendant process at any depth (on Linux this process
becomes a *child subreaper*, so a grandchild whose parent has exited, such as
``sh -c "sleep 100 &"``, is still ours to see and kill), and every thread that
runs Python code, including one started with :func:`_thread.start_new_thread`,
which :mod:`threading` does not list.
"""

from __future__ import annotations

import _thread
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


#: ident -> where a thread started with ``_thread.start_new_thread`` began
_RAW_STARTED: dict[int, str] = {}


def record_where_started() -> None:
    """Make every Thread, raw ``_thread`` thread and multiprocessing Process
    remember who started it."""
    if getattr(threading.Thread.start, "_potok", False):
        return
    thread_start = threading.Thread.start
    process_start = multiprocessing.process.BaseProcess.start
    raw_start = _thread.start_new_thread

    def start_raw(*args, **kwargs):
        where = _caller_line()
        ident = raw_start(*args, **kwargs)
        _RAW_STARTED[ident] = where
        return ident

    def start_thread(self, *args, **kwargs):
        setattr(self, _STARTED_AT, _caller_line())
        return thread_start(self, *args, **kwargs)

    def start_process(self, *args, **kwargs):
        setattr(self, _STARTED_AT, _caller_line())
        return process_start(self, *args, **kwargs)

    start_thread._potok = True  # type: ignore[attr-defined]
    threading.Thread.start = start_thread  # type: ignore[method-assign]
    multiprocessing.process.BaseProcess.start = start_process  # type: ignore[method-assign]
    # threading keeps its own reference to the low-level start function, so
    # this wrapper sees only threads started with _thread directly
    _thread.start_new_thread = start_raw
    if hasattr(_thread, "start_new"):  # the old alias, same function
        _thread.start_new = start_raw


def become_subreaper() -> bool:
    """Linux: orphaned descendants are re-parented to this process, not to init,
    so the guards still see (and can kill) a grandchild whose parent exited."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _children_of(pid: int) -> set[int] | None:
    """``pid``'s direct children (Linux /proc), or None where /proc cannot say."""
    tasks = Path(f"/proc/{pid}/task")
    if not tasks.is_dir():
        return None
    pids: set[int] = set()
    for task in tasks.iterdir():
        with contextlib.suppress(OSError, ValueError):
            pids.update(int(p) for p in (task / "children").read_text().split())
    return pids


def descendants(pid: int | None = None) -> set[int]:
    """Every live process below ``pid`` (default: this one), at any depth.

    Linux reads the tree from /proc; elsewhere only multiprocessing's children
    are known.
    """
    root = os.getpid() if pid is None else pid
    if _children_of(root) is None:
        return {c.pid for c in multiprocessing.active_children() if c.pid}
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in _children_of(todo.pop()) or ():
            if child not in found:
                found.add(child)
                todo.append(child)
    return {p for p in found if _alive(p)}


def _child_pids() -> set[int]:
    """Live processes below this one, at any depth."""
    return descendants()


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"  # a zombie has ended


#: pids of helper processes the build itself keeps (the guard's watchdog)
INFRASTRUCTURE: set[int] = set()


def _infrastructure() -> set[int]:
    """Helper processes kept for the whole run by design: multiprocessing's
    forkserver and resource tracker, and the guard's watchdog. (What *they*
    start, such as a pool's workers forked by the forkserver, is not exempt.)"""
    pids = set(INFRASTRUCTURE)
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


def _python_threads() -> set[int]:
    """Idents of every thread running Python code now: threading's, and raw
    ``_thread`` ones (those :func:`threading.enumerate` does not list)."""
    return set(sys._current_frames()) | {
        t.ident for t in threading.enumerate() if t.ident
    }


def _describe_raw(ident: int) -> str:
    frame = sys._current_frames().get(ident)
    now = f", now at {frame.f_code.co_filename}:{frame.f_lineno}" if frame else ""
    started = _RAW_STARTED.get(ident, "an unknown line")
    return f"raw thread (_thread.start_new_thread) started at {started}{now}"


def _describe(thread: threading.Thread | int) -> str:
    if isinstance(thread, int):
        return _describe_raw(thread)
    return _describe_thread(thread)


def _new_threads(before: set[int]) -> list[threading.Thread | int]:
    """Threads alive now that were not in ``before``: a :class:`threading.Thread`,
    or the ident of a raw ``_thread`` thread (threading lists one only as a
    ``_DummyThread``, which stays listed after the thread has ended)."""
    running = set(sys._current_frames())
    me = threading.get_ident()
    found: list[threading.Thread | int] = []
    seen = set(before) | {me}
    for t in threading.enumerate():
        if t.ident in seen or isinstance(t, threading._DummyThread):
            continue  # a _DummyThread is a raw thread: judged below, by running
        seen.add(t.ident)
        if t.is_alive() and not getattr(t, "_potok_watchdog", False):
            found.append(t)
    found += sorted(running - seen)
    return found


def snapshot() -> tuple[set[int], set[int]]:
    """Thread idents and descendant pids alive now."""
    return _python_threads(), _child_pids()


def leftovers(before: tuple[set[int], set[int]], *, grace: float = GRACE) -> list[str]:
    """What was started since ``before`` and is still alive after ``grace`` s."""
    threads_before, children_before = before
    me = threading.get_ident()
    deadline = time.monotonic() + grace
    while True:
        threads = _new_threads(threads_before - {me})
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
            f"({'; '.join(_describe(t) for t in threads)})"
        )
    return found


def kill_children(before_children: set[int]) -> None:
    """Kill every descendant started since ``before_children`` (the helpers
    multiprocessing keeps for the whole run stay; what they started goes)."""
    import signal

    for pid in _child_pids() - before_children - _infrastructure():
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


#: Set by the tests to a file path: when the script depends on the start method
#: (see :func:`watch_start_method`), the file is written, and the test matrix
#: runs the script under every start method, not only the first.
START_METHOD_USED_ENV = "POTOK_START_METHOD_USED"


def watch_start_method() -> None:
    """Note in ``POTOK_START_METHOD_USED``'s file when the script depends on the
    start method: it asks ``potok.start_methods.start_method`` (wrapped here), or
    it starts a child interpreter on a potok module (``python -m
    potok.interpreters``, :class:`potok.interpreters.Child`), whose pools follow
    ``POTOK_START_METHOD``, inherited."""
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
    become_subreaper()
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
