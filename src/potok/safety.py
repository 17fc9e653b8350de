"""Thread safety of built-in types, with and without the GIL, measured.

Used by the examples of chapter 11 (``examples/11_thread_safety/``). Two parts,
each run in whichever interpreter should measure it, as ``python -m
potok.safety races ...`` or ``python -m potok.safety contention ...``; the
child writes one JSON object to stdout, which :func:`run_in` reads back. That
is how an example built with a GIL interpreter measures on a free-threaded one
(found like :func:`potok.today.interpreters` finds interpreters, plus
``~/.cache/potok/pythons/``, see :func:`free_threaded_pythons`). The child
reports whether the GIL was really off (:func:`sys._is_gil_enabled`, checked
after the work: an extension module can turn it back on).

* :func:`race` — one pattern of shared-data use, ``threads`` threads at once;
  returns how many results are wrong (lost updates, keys claimed twice, items
  of a shared iterator seen twice or never);
* :func:`contention` — the same updates done to one shared object or to a
  private copy per thread (merged at the end), for 1, 2, ... threads.

Standard library only (and :mod:`potok.measure`), nothing prints except
:func:`main`, which writes the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from potok import machine, measure, today

SRC = Path(__file__).resolve().parent.parent  # the folder that holds potok/
#: Where the lead's scripts put interpreters they build (e.g. a python3.13t).
CACHE = Path.home() / ".cache" / "potok" / "pythons"

# --- races -----------------------------------------------------------------------

PATTERNS = (
    "counter",
    "append",
    "check-then-act",
    "setdefault",
    "shared-iterator",
    "local",
)


class Box:
    """One shared integer attribute, ``value``."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


def _run_threads(threads: int, work: Callable[[int], None]) -> None:
    barrier = threading.Barrier(threads)

    def run(me: int) -> None:
        barrier.wait()
        work(me)

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


def race(pattern: str, threads: int, n: int) -> int:
    """Run one pattern with ``threads`` threads (``n`` steps each, started
    together at a barrier); return the number of wrong results (0 = correct).

    ``counter``
        ``box.value += 1`` on one shared object; wrong = increments lost.
    ``append``
        ``shared.append(i)`` on one list; wrong = items missing at the end.
    ``check-then-act``
        ``if k not in d: d[k] = me`` for the same ``n`` keys in every thread,
        counting the keys a thread believes it inserted; wrong = keys two
        threads both believed they inserted.
    ``setdefault``
        the same with ``d.setdefault(k, me) is me`` (one operation).
    ``shared-iterator``
        every thread takes items from one ``iter(list)`` of ``threads * n``
        items; wrong = items seen twice plus items never seen.
    ``local``
        each thread counts in :class:`threading.local` and adds its total to
        a list at the end; wrong = increments missing from the sum.
    """
    if threads < 1 or n < 0:
        raise ValueError("threads must be >= 1 and n >= 0")
    if pattern == "counter":
        box = Box()

        def work(me: int) -> None:
            for _ in range(n):
                box.value += 1

        _run_threads(threads, work)
        return threads * n - box.value
    if pattern == "append":
        shared: list[int] = []

        def work(me: int) -> None:
            for i in range(n):
                shared.append(i)

        _run_threads(threads, work)
        return threads * n - len(shared)
    if pattern in ("check-then-act", "setdefault"):
        d: dict[int, object] = {}
        claimed = [0] * threads
        marks = [object() for _ in range(threads)]

        def check_then_act(me: int) -> None:
            mine = 0
            for k in range(n):
                if k not in d:
                    d[k] = me
                    mine += 1
            claimed[me] = mine

        def setdefault(me: int) -> None:
            mine = 0
            mark = marks[me]
            for k in range(n):
                if d.setdefault(k, mark) is mark:
                    mine += 1
            claimed[me] = mine

        work = check_then_act if pattern == "check-then-act" else setdefault
        _run_threads(threads, work)
        return sum(claimed) - n
    if pattern == "shared-iterator":
        total = threads * n
        it = iter(list(range(total)))
        seen: list[list[int]] = [[] for _ in range(threads)]

        def work(me: int) -> None:
            mine = seen[me]
            for x in it:
                mine.append(x)

        _run_threads(threads, work)
        got = [x for part in seen for x in part]
        unique = len(set(got))
        return (len(got) - unique) + (total - unique)
    if pattern == "local":
        local = threading.local()
        totals: list[int] = []

        def work(me: int) -> None:
            local.count = 0
            for _ in range(n):
                local.count += 1
            totals.append(local.count)

        _run_threads(threads, work)
        return threads * n - sum(totals)
    raise ValueError(f"unknown pattern {pattern!r}; choose one of {PATTERNS}")


def races(threads: int, n: int, runs: int) -> dict[str, list[int]]:
    """Every pattern ``runs`` times, in turns; wrong results of each run."""
    out: dict[str, list[int]] = {p: [] for p in PATTERNS}
    for _ in range(runs):
        for p in PATTERNS:
            out[p].append(race(p, threads, n))
    return out


# --- contention: one shared object against private copies ----------------------

VARIANTS = ("shared-list", "shared-lock", "private")


def update(variant: str, threads: int, n: int) -> int:
    """``threads`` threads each record ``n`` updates; return how many arrived.

    ``shared-list``: every thread appends to one shared list (each append is
    safe; on a free-threaded build they queue for the list's lock);
    ``shared-lock``: every thread adds to one counter under one
    :class:`threading.Lock`; ``private``: every thread appends to a list it
    made itself, and the lists are joined once at the end.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose one of {VARIANTS}")
    if variant == "shared-list":
        shared: list[int] = []

        def work(me: int) -> None:
            append = shared.append
            for i in range(n):
                append(i)

        _run_threads(threads, work)
        return len(shared)
    if variant == "shared-lock":
        box = Box()
        lock = threading.Lock()

        def work(me: int) -> None:
            for _ in range(n):
                with lock:
                    box.value += 1

        _run_threads(threads, work)
        return box.value
    parts: list[list[int]] = [[] for _ in range(threads)]

    def work(me: int) -> None:
        # The thread makes its list itself: on a free-threaded build the list
        # is then owned by this thread (biased reference counting) and lives
        # in its own heap, not next to the other threads' lists in one cache
        # line that every append would write to (false sharing).
        mine: list[int] = []
        append = mine.append
        for i in range(n):
            append(i)
        parts[me] = mine

    _run_threads(threads, work)
    merged: list[int] = []
    for part in parts:
        merged.extend(part)
    return len(merged)


def contention(
    workers: list[int], n: int, repeats: int
) -> dict[str, dict[str, list[float]]]:
    """Time every variant for every number of threads, interleaved;
    ``{variant: {threads: [seconds, ...]}}`` (threads as strings, for JSON)."""
    fns = {
        (v, w): (lambda v=v, w=w: update(v, w, n)) for v in VARIANTS for w in workers
    }
    timings = measure.interleaved(fns, repeats=repeats)
    out: dict[str, dict[str, list[float]]] = {v: {} for v in VARIANTS}
    for (v, w), t in timings.items():
        out[v][str(w)] = list(t.samples)
    return out


# --- finding a free-threaded interpreter and running there -----------------------


def free_threaded_pythons() -> list:
    """Free-threaded interpreters on this machine (:class:`potok.today.Interpreter`).

    Those :func:`potok.today.interpreters` finds (``POTOK_EXTRA_PYTHONS``, names
    on PATH), then any ``python3.*t`` below :data:`CACHE`.
    """

    found = [i for i in today.interpreters() if i.free_threaded]
    seen = {os.path.realpath(i.path) for i in found}
    if CACHE.is_dir():
        for path in sorted(CACHE.glob("**/bin/python3.*t")):
            real = os.path.realpath(path)
            if real in seen or not os.access(path, os.X_OK):
                continue
            seen.add(real)
            interp = today.probe(str(path))
            if interp is not None and interp.free_threaded:
                found.append(interp)
    return found


#: What :func:`run_in` raises when the other interpreter fails.
OtherInterpreterFailed = today.OtherInterpreterFailed


def run_in(
    python: str,
    part: str,
    *args: str,
    flags: tuple[str, ...] = (),
    module: str = "potok.safety",
) -> dict:
    """Run ``python [flags] -m <module> part args...``; return its JSON.

    ``module`` is any potok module with such a ``main`` (``potok.sync`` too)."""
    return today.run_module(python, module, [part, *args], flags=flags)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m potok.safety")
    parser.add_argument("part", choices=["races", "contention"])
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", default="1,2", help="e.g. 1,2 or 1,2,4")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if args.part == "races":
        result = races(args.threads, args.n, args.runs)
    else:
        workers = [int(w) for w in args.workers.split(",")]
        result = contention(workers, args.n, args.repeats)
    # read after the work: "GIL включён" if it was on as the work ended
    json.dump({**machine.describe(), "result": result}, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    # Run as ``python -m potok.safety``: call main() from the imported module.
    from potok.safety import main as _main

    raise SystemExit(_main())
