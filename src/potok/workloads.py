"""Work functions for the examples.

They live here, in an importable module, because sphinx-gallery runs each example
as a fake ``__main__``: a function defined in the example body cannot be unpickled
by a child process started with spawn or forkserver. Every function here is top
level, takes and returns plain picklable values, and prints nothing (a child's
output never reaches the page).
"""

from __future__ import annotations

import os
import threading
import time


def cpu_bound(n: int) -> int:
    """Pure-Python arithmetic: holds the GIL the whole time it runs."""
    total = 0
    for i in range(n):
        total += i * i
    return total


def cpu_bound_cpu_time(n: int) -> float:
    """``cpu_bound(n)``, returning the CPU seconds its thread spent on it.

    A pool's workers report their own CPU time this way, whatever started them
    (a forkserver's children are not ours to wait for, so ``os.times()`` in the
    parent never sees them); see :func:`potok.cpu.cores_used`.
    """
    start = time.thread_time()
    cpu_bound(n)
    return time.thread_time() - start


def io_bound(seconds: float) -> float:
    """Waits like a network call would: releases the GIL while it sleeps."""
    time.sleep(seconds)
    return seconds


def fail(message: str) -> None:
    """Raises ``ValueError(message)`` in whichever thread or process runs it."""
    raise ValueError(message)


def fail_on(value: int, bad: int) -> int:
    """Returns ``value * 2``, or raises ``ValueError`` when ``value == bad``."""
    if value == bad:
        raise ValueError(f"не могу обработать {value}")
    return value * 2


def crash(code: int = 1) -> None:
    """Ends the worker process at once, as a segfault or the OOM killer would."""
    os._exit(code)


def worker_pid(_: object = None) -> int:
    """The id of the process that ran the call."""
    return os.getpid()


# --- start, switch and thread-identity examples (chapter 2) -----------------------


def noop() -> None:
    """Does nothing: what is left to time is starting and joining the worker."""


def pin_to_cpu(cpu: int | None) -> None:
    """Keep the calling thread on one CPU (Linux); ``None`` leaves it free.

    On Linux the affinity belongs to a thread, so each side of a ping-pong pins
    itself. Where ``os.sched_setaffinity`` is missing this raises ``OSError``.
    """
    if cpu is None:
        return
    if not hasattr(os, "sched_setaffinity"):
        raise OSError("os.sched_setaffinity is not available on this platform")
    os.sched_setaffinity(0, {cpu})


def pipe_echo(conn, rounds: int, cpu: int | None = None) -> int:
    """Sends back every message received on ``conn``, ``rounds`` times.

    The other side of a ping-pong over ``multiprocessing.Pipe``; the same
    function runs in a thread or in a process. Stops early when the other end
    is closed. Returns the number of messages echoed.
    """
    pin_to_cpu(cpu)
    done = 0
    try:
        for _ in range(rounds):
            conn.send(conn.recv())
            done += 1
    except EOFError:
        pass
    return done


def event_echo(ping, pong, rounds: int, cpu: int | None = None, timeout=10.0) -> int:
    """Answers each ``ping`` (a ``threading.Event``) by setting ``pong``.

    The other side of a ping-pong between two threads. Gives up when no ping
    comes within ``timeout`` seconds, so a failed caller never leaves it hanging.
    Returns the number of pings answered.
    """
    pin_to_cpu(cpu)
    done = 0
    for _ in range(rounds):
        if not ping.wait(timeout):
            break
        ping.clear()
        pong.set()
        done += 1
    return done


def thread_identity(release, timeout: float = 30.0) -> tuple[str, int, int]:
    """Waits for ``release`` (an Event), then says which thread ran the call.

    Returns ``(name, threading.get_ident(), threading.get_native_id())``: the
    Python-level name and id and the id the OS kernel gave the thread.
    """
    release.wait(timeout)
    return (
        threading.current_thread().name,
        threading.get_ident(),
        threading.get_native_id(),
    )
