"""An I/O-style thread beside a CPU-bound one: how late does it wake up?

The example ``examples/04_gil/plot_convoy_effect.py`` uses these. The I/O-style
thread asks for short naps (:func:`time.sleep` releases the GIL exactly as a
blocking ``recv`` does) and records, for each nap, how much later than asked it
got back to running Python code. Beside it, a thread spins in a pure-Python
loop and never waits for anything. Standard library only; nothing prints.
"""

from __future__ import annotations

import threading
import time


def spin(stop: threading.Event) -> int:
    """Pure-Python arithmetic until ``stop`` is set; returns the rounds done."""
    rounds = 0
    x = 0
    while not stop.is_set():
        for i in range(1000):
            x = (x + i * i) % 1_000_003
        rounds += 1
    return rounds


def nap_lateness(naps: int, nap: float) -> list[float]:
    """Sleep ``naps`` times for ``nap`` seconds; return how late each wake was.

    Lateness is the time from the end of the requested nap until this thread
    ran Python code again: the OS timer's slack plus any wait for the GIL.
    """
    if naps < 1 or nap < 0:
        raise ValueError("naps must be >= 1 and nap >= 0")
    late = []
    clock = time.perf_counter
    for _ in range(naps):
        start = clock()
        time.sleep(nap)
        late.append(clock() - start - nap)
    return late


def lateness_beside(naps: int, nap: float, busy_threads: int) -> list[float]:
    """:func:`nap_lateness` in a thread of its own, beside ``busy_threads``
    threads running :func:`spin`; the busy threads stop when it is done."""
    if busy_threads < 0:
        raise ValueError("busy_threads must be >= 0")
    stop = threading.Event()
    result: list[float] = []
    busy = [threading.Thread(target=spin, args=(stop,)) for _ in range(busy_threads)]
    io = threading.Thread(target=lambda: result.extend(nap_lateness(naps, nap)))
    for t in busy:
        t.start()
    try:
        io.start()
        io.join()
    finally:
        stop.set()
        for t in busy:
            t.join()
    return result
