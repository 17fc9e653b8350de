"""Work functions for the examples.

They live here, in an importable module, because sphinx-gallery runs each example
as a fake ``__main__``: a function defined in the example body cannot be unpickled
by a child process started with spawn or forkserver. Every function here is top
level, takes and returns plain picklable values, and prints nothing (a child's
output never reaches the page).
"""

from __future__ import annotations

import os
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


# --- the start-cost example (chapter 2) ------------------------------------------


def noop() -> None:
    """Does nothing: what is left to time is starting and joining the worker."""
