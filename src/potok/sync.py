"""Synchronisation primitives at work: lock cost, queues, a real deadlock, fork.

Used by the examples of chapter 10 (``examples/10_sync/``). Standard library
only; nothing here prints. Every function that starts threads joins them before
it returns, also when something goes wrong, so no thread outlives the call.

* :func:`hammer` — threads that take and release a lock in a loop (one shared
  lock, or a lock of their own), for the cost of an uncontended and a contended
  lock;
* :func:`produce_consume` — one producer and several consumers over
  :class:`queue.Queue`, ended with :meth:`queue.Queue.shutdown` (3.13+) or with
  one sentinel per consumer on older Pythons;
* :class:`TracedLock`, :func:`find_cycle`, :func:`deadlock` — two threads that
  take two locks in opposite order and really deadlock; a detector that finds the
  cycle in the wait-for graph, the stacks of the hung threads, and the way out:
  the second ``acquire`` has a timeout;
* :func:`fork_with_thread` — ``os.fork()`` while another thread holds a lock:
  the warning CPython gives since 3.12 and the lock that stays locked in the child.
"""

from __future__ import annotations

import faulthandler
import os
import queue
import sys
import tempfile
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field

# --- the cost of a lock -----------------------------------------------------------

HAMMER_KINDS = ("shared", "private")


def hammer(kind: str, threads: int, n: int) -> None:
    """``threads`` threads each take and release a lock ``n`` times.

    ``shared``: all of them use one :class:`threading.Lock` (with two threads or
    more it is contended); ``private``: each thread has a lock of its own (never
    contended, the same work otherwise). The threads start together at a barrier.
    """
    if kind not in HAMMER_KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose one of {HAMMER_KINDS}")
    if threads < 1 or n < 0:
        raise ValueError("threads must be >= 1 and n >= 0")
    shared = threading.Lock()
    locks = [shared if kind == "shared" else threading.Lock() for _ in range(threads)]
    barrier = threading.Barrier(threads)

    def run(lock: threading.Lock) -> None:
        barrier.wait()
        for _ in range(n):
            with lock:
                pass

    pool = [threading.Thread(target=run, args=(lock,)) for lock in locks]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


def locked_counter(threads: int, n: int) -> int:
    """``threads`` threads add one to a shared counter ``n`` times each, every
    read-modify-write under one lock; returns the final value (``threads * n``)."""
    lock = threading.Lock()
    box = [0]

    def run() -> None:
        for _ in range(n):
            with lock:
                box[0] += 1

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return box[0]


# --- producers and consumers ------------------------------------------------------

#: Is :meth:`queue.Queue.shutdown` there (Python 3.13+)?
HAS_SHUTDOWN = hasattr(queue.Queue, "shutdown")


@dataclass(frozen=True)
class Consumed:
    """What the consumers of one :func:`produce_consume` run got."""

    per_consumer: tuple[int, ...]
    total: int  # sum of the items' values, to check none was lost or doubled
    ended_by: str  # "shutdown" or "sentinel"

    @property
    def items(self) -> int:
        return sum(self.per_consumer)


_SENTINEL = object()
_SHUT_DOWN = getattr(queue, "ShutDown", ())  # () catches nothing before 3.13


def produce_consume(
    consumers: int,
    items: int,
    wait: float = 0.0,
    *,
    maxsize: int = 0,
    use_shutdown: bool | None = None,
) -> Consumed:
    """One producer puts ``items`` numbers (0, 1, ...) into a queue; ``consumers``
    threads take them until the queue is shut down, each waiting ``wait``
    seconds per item, as a consumer waits for the network or a disk.

    The producer ends the run with :meth:`queue.Queue.shutdown` where it exists
    (3.13+), otherwise (or with ``use_shutdown=False``) with one sentinel object
    per consumer. Returns how many items each consumer took.
    """
    if consumers < 1 or items < 0:
        raise ValueError("consumers must be >= 1 and items >= 0")
    shutdown = HAS_SHUTDOWN if use_shutdown is None else use_shutdown
    if shutdown and not HAS_SHUTDOWN:
        raise ValueError("queue.Queue.shutdown() needs Python 3.13 or newer")
    q: queue.Queue = queue.Queue(maxsize)
    counts = [0] * consumers
    sums = [0] * consumers

    def consume(me: int) -> None:
        while True:
            try:
                item = q.get()
            except _SHUT_DOWN:  # queue.ShutDown: shut down and drained (3.13+)
                return
            if item is _SENTINEL:
                return
            if wait:
                time.sleep(wait)
            counts[me] += 1
            sums[me] += item

    pool = [threading.Thread(target=consume, args=(i,)) for i in range(consumers)]
    for t in pool:
        t.start()
    try:
        for i in range(items):
            q.put(i)
    finally:
        if shutdown:
            q.shutdown()  # get() drains what is left, then raises ShutDown
        else:
            for _ in pool:
                q.put(_SENTINEL)
        for t in pool:
            t.join()
    return Consumed(tuple(counts), sum(sums), "shutdown" if shutdown else "sentinel")


# --- a deadlock, its detector, and the way out --------------------------------------


@dataclass
class WaitGraph:
    """Who holds which :class:`TracedLock` and who waits for which."""

    guard: threading.Lock = field(default_factory=threading.Lock)
    owner: dict[str, str] = field(default_factory=dict)  # lock -> thread
    waits: dict[str, str] = field(default_factory=dict)  # thread -> lock

    def snapshot(self) -> tuple[dict[str, str], dict[str, str]]:
        with self.guard:
            return dict(self.owner), dict(self.waits)


class TracedLock:
    """A :class:`threading.Lock` that records its owner and its waiters in a
    :class:`WaitGraph`, so that a detector can see a cycle of waits."""

    def __init__(self, name: str, graph: WaitGraph) -> None:
        self.name = name
        self.graph = graph
        self._lock = threading.Lock()

    def acquire(self, timeout: float = -1) -> bool:
        me = threading.current_thread().name
        with self.graph.guard:
            self.graph.waits[me] = self.name
        got = self._lock.acquire(timeout=timeout)
        with self.graph.guard:
            del self.graph.waits[me]
            if got:
                self.graph.owner[self.name] = me
        return got

    def release(self) -> None:
        with self.graph.guard:
            self.graph.owner.pop(self.name, None)
        self._lock.release()


def find_cycle(owner: dict[str, str], waits: dict[str, str]) -> list[str]:
    """Threads that wait for each other in a circle, or ``[]``.

    ``waits`` maps a thread to the lock it waits for, ``owner`` a lock to the
    thread that holds it. Follow thread → lock → owner → lock → ...; coming back
    to a thread already on the path is a deadlock.
    """
    for start in sorted(waits):
        path = [start]
        thread = start
        while thread in waits:
            holder = owner.get(waits[thread])
            if holder is None:
                break
            if holder in path:
                return path[path.index(holder) :]
            path.append(holder)
            thread = holder
    return []


@dataclass(frozen=True)
class DeadlockRun:
    """What happened to two threads that each take two locks."""

    order: str  # "opposite" or "same"
    cycle: list[str]  # threads in the wait cycle the detector found, or []
    outcomes: dict[str, str]  # thread -> "взял оба" / "таймаут"
    stacks: dict[str, str]  # thread -> its stack while it hung (sys._current_frames)
    dump: str  # faulthandler.dump_traceback(all_threads=True) at that moment
    alive_after: int  # threads of this run still alive after it (always 0)


def _stack_of(ident: int | None) -> str:
    frame = sys._current_frames().get(ident) if ident is not None else None
    return "".join(traceback.format_stack(frame)) if frame is not None else ""


def _faulthandler_dump() -> str:
    # faulthandler writes to a real file descriptor, not to a Python stream.
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as f:
        faulthandler.dump_traceback(file=f, all_threads=True)
        f.flush()
        f.seek(0)
        return f.read()


def deadlock(order: str, timeout: float, *, detect_for: float | None = None):
    """Two threads, locks A and B; return a :class:`DeadlockRun`.

    ``order="opposite"``: thread «поток-1» takes A then B, «поток-2» takes B then
    A. A barrier between the first and the second ``acquire`` makes both hold
    their first lock before either asks for its second, so the unlucky
    interleaving that in real programs comes once in a while comes every time
    here; after that nobody forces anything: each thread really waits for the
    lock the other one holds. ``order="same"``: both take A then B (the fix:
    one global order of locks), no barrier (it could not be passed: the second
    thread waits at A).

    The second ``acquire`` has ``timeout`` seconds: then the thread gives up,
    releases its first lock and ends, so the run always ends and leaves no
    thread behind. Meanwhile the calling thread watches the wait-for graph
    until it sees a cycle, both threads have ended, or ``detect_for`` seconds
    have passed; on a cycle it takes the stacks of the hung threads.
    """
    if order not in ("opposite", "same"):
        raise ValueError("order must be 'opposite' or 'same'")
    graph = WaitGraph()
    a, b = TracedLock("A", graph), TracedLock("B", graph)
    plans = {"поток-1": (a, b), "поток-2": (b, a) if order == "opposite" else (a, b)}
    barrier = threading.Barrier(2) if order == "opposite" else None
    outcomes: dict[str, str] = {}

    def run(first: TracedLock, second: TracedLock) -> None:
        me = threading.current_thread().name
        first.acquire()
        try:
            if barrier is not None:
                barrier.wait(60)  # both reach it: their first locks are free
            if second.acquire(timeout=timeout):
                second.release()
                outcomes[me] = "взял оба"
            else:
                outcomes[me] = "таймаут"
        finally:
            first.release()

    pool = [
        threading.Thread(target=run, args=plan, name=name)
        for name, plan in plans.items()
    ]
    for t in pool:
        t.start()
    cycle: list[str] = []
    stacks: dict[str, str] = {}
    dump = ""
    try:
        # the loop ends as soon as the cycle is seen or both threads are done
        watch = 10 * timeout + 5 if detect_for is None else detect_for
        deadline = time.monotonic() + watch
        while time.monotonic() < deadline and any(t.is_alive() for t in pool):
            cycle = find_cycle(*graph.snapshot())
            if cycle:
                stacks = {t.name: _stack_of(t.ident) for t in pool}
                dump = _faulthandler_dump()
                break
            time.sleep(0.001)
    finally:
        for t in pool:
            t.join()
    alive = sum(t.is_alive() for t in pool)
    return DeadlockRun(order, cycle, outcomes, stacks, dump, alive)


# --- fork() in a process with threads ---------------------------------------------


@dataclass(frozen=True)
class ForkResult:
    """What ``os.fork()`` did while another thread held a lock."""

    warnings: list[str]  # "Category: message" of each warning fork() gave
    child_status: str  # what the child found: the lock "свободен" or "занят"
    threads_in_parent: int  # threading.active_count() at the fork


def fork_with_thread(child_wait: float = 0.5) -> ForkResult | None:
    """Fork while a second thread holds a lock; None except on Linux.

    The parent starts a thread that takes a lock and waits for an event, then
    calls :func:`os.fork` inside :func:`warnings.catch_warnings` (recording
    warnings, none printed). The child only tries to take the same lock for
    ``child_wait`` seconds and reports through its exit code (0: the lock was
    free, 1: it stayed taken — the thread that held it was not copied into the
    child, so nobody will ever release it); then it leaves with
    :func:`os._exit`, running nothing else. The parent releases the thread and
    joins it.
    """
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return None  # shown on Linux only: macOS and Windows start with spawn
    lock = threading.Lock()
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with lock:
            holding.set()
            release.wait(30)

    t = threading.Thread(target=hold, name="держит-замок")
    t.start()
    try:
        holding.wait(30)
        active = threading.active_count()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pid = os.fork()
            if pid == 0:  # the child: nothing but this, then leave at once
                code = 0 if lock.acquire(timeout=child_wait) else 1
                os._exit(code)
        _, status = os.waitpid(pid, 0)
    finally:
        release.set()
        t.join()
    code = os.waitstatus_to_exitcode(status)
    state = {0: "свободен", 1: "занят"}.get(code, f"код выхода {code}")
    found = [f"{w.category.__name__}: {w.message}" for w in caught]
    return ForkResult(found, state, active)


# --- running the lock measurement in another interpreter ---------------------------


def hammer_timings(
    threads: list[int], n: int, repeats: int
) -> dict[str, dict[str, list[float]]]:
    """Time :func:`hammer` for every kind and number of threads, interleaved;
    ``{kind: {threads: [seconds, ...]}}`` (threads as strings, for JSON)."""
    from potok import measure

    fns = {
        (kind, t): (lambda kind=kind, t=t: hammer(kind, t, n))
        for kind in HAMMER_KINDS
        for t in threads
    }
    timings = measure.interleaved(fns, repeats=repeats)
    out: dict[str, dict[str, list[float]]] = {kind: {} for kind in HAMMER_KINDS}
    for (kind, t), timing in timings.items():
        out[kind][str(t)] = list(timing.samples)
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m potok.sync hammer --n N --threads 1,2,4 --repeats R``: one
    JSON object on stdout (read back by :func:`potok.safety.run_in` with
    ``module="potok.sync"``), with the interpreter's stamp and whether the
    GIL was on when the work ended."""
    import argparse
    import json

    from potok import machine

    parser = argparse.ArgumentParser(prog="python -m potok.sync")
    parser.add_argument("part", choices=["hammer"])
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--threads", default="1,2,4")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    threads = [int(t) for t in args.threads.split(",")]
    result = hammer_timings(threads, args.n, args.repeats)
    json.dump({**machine.describe(), "result": result}, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    from potok.sync import main as _main

    raise SystemExit(_main())
