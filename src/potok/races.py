"""A shared counter that several threads increase, with and without a lock.

The example ``examples/04_gil/plot_lost_updates.py`` counts how many increments
are lost when two threads update one counter. Three ways to add one:

``read-call-write``
    read the value, call a function, write the value plus one. The call is a
    point where CPython may hand the GIL to another thread, so the write can be
    based on a stale read: a real race on any build.
``in-place``
    ``counter.value += 1``. On a GIL build since 3.10 the interpreter does not
    switch threads inside it (it checks for switch requests only at calls and
    backward jumps), so it rarely loses anything there; on a free-threaded build
    threads run it at the same time and lose updates.
``locked``
    ``read-call-write`` inside ``with lock:``. Never loses an update.

Standard library only; nothing prints.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

KINDS = ("read-call-write", "in-place", "locked")


class Counter:
    """One shared integer, ``value``."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


def nothing() -> None:
    """An empty function: calling it is enough to let another thread in."""


def add_read_call_write(counter: Counter, n: int) -> None:
    """``n`` times: read, call :func:`nothing`, write the read value plus one."""
    for _ in range(n):
        value = counter.value
        nothing()
        counter.value = value + 1


def add_in_place(counter: Counter, n: int) -> None:
    """``n`` times ``counter.value += 1``."""
    for _ in range(n):
        counter.value += 1


def add_locked(counter: Counter, n: int, lock: threading.Lock) -> None:
    """Like :func:`add_read_call_write`, each update under ``lock``."""
    for _ in range(n):
        with lock:
            value = counter.value
            nothing()
            counter.value = value + 1


def _worker(kind: str, counter: Counter, n: int, lock) -> Callable[[], None]:
    if kind == "read-call-write":
        return lambda: add_read_call_write(counter, n)
    if kind == "in-place":
        return lambda: add_in_place(counter, n)
    if kind == "locked":
        return lambda: add_locked(counter, n, lock)
    raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")


def lost_updates(kind: str, n: int, threads: int = 2) -> int:
    """Run ``threads`` threads that each add one ``n`` times; return how many
    increments are missing from the counter at the end.

    The threads wait for each other at a barrier before they start adding, so
    that they really overlap instead of one finishing before the next starts.
    """
    if n < 0 or threads < 1:
        raise ValueError("n must be >= 0 and threads >= 1")
    counter = Counter()
    lock = threading.Lock()
    work = _worker(kind, counter, n, lock)
    barrier = threading.Barrier(threads)

    def run() -> None:
        barrier.wait()
        work()

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return threads * n - counter.value
