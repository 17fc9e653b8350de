"""How many cores a piece of work really used: CPU time over wall time.

A speedup says how much sooner the work ended; it does not say whether the work
ran on two cores and a busy machine took the rest, or on one core all along.
:func:`cores_used` answers that: it runs the work and divides the CPU time spent
by this process *and its children* (``os.times()``: user + system, and
``children_user`` + ``children_system``) by the wall time::

    usage = cpu.cores_used(run_in_pool)
    print(usage)            # «занято ядер: 1.96 (процессорное время 3.9 с за 2.0 с)»

Children count once they have been waited for, and only the process's own
children: a forkserver's workers are the server's children, and Windows reports
no children at all. So work in a process pool reports its own CPU time instead
(``potok.workloads.cpu_bound_cpu_time``), and ``cores_used(fn,
children_report=True)`` adds what ``fn`` returns to this process's own time::

    def in_pool():
        with ProcessPoolExecutor(2) as pool:
            return sum(pool.map(workloads.cpu_bound_cpu_time, [N] * 8))

    usage = cpu.cores_used(in_pool, children_report=True)
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass


def cpu_seconds(times: os.times_result | None = None) -> float:
    """CPU time of this process and its waited-for children, in seconds."""
    t = os.times() if times is None else times
    return t.user + t.system + t.children_user + t.children_system


def own_cpu_seconds(times: os.times_result | None = None) -> float:
    """CPU time of this process alone (all its threads), in seconds."""
    t = os.times() if times is None else times
    return t.user + t.system


@dataclass(frozen=True)
class Usage:
    """CPU time and wall time of one run of some work."""

    cpu: float
    wall: float

    @property
    def cores(self) -> float:
        """Average number of cores busy with the work (CPU time / wall time)."""
        return self.cpu / self.wall if self.wall > 0 else 0.0

    def __str__(self) -> str:
        return (
            f"занято ядер: {self.cores:.2f} (процессорное время {self.cpu:.2f} с "
            f"за {self.wall:.2f} с по часам)"
        )


def cores_used(fn: Callable[[], object], *, children_report: bool = False) -> Usage:
    """Run ``fn`` once and return its CPU time, wall time and cores used.

    With ``children_report=True`` the value ``fn`` returns is the CPU seconds its
    child processes spent, as they reported it; it is added to this process's own
    CPU time, and the children's times from ``os.times()`` are left out so that
    nothing is counted twice.
    """
    times = os.times()
    count = own_cpu_seconds if children_report else cpu_seconds
    wall_before = time.perf_counter()
    reported = fn()
    wall = time.perf_counter() - wall_before
    spent = count() - count(times)
    if children_report:
        spent += float(reported)
    return Usage(cpu=max(spent, 0.0), wall=wall)


def machine_load() -> str:
    """Logical CPUs and load average, in words, for the reason a claim failed."""
    logical = os.cpu_count() or 1
    if hasattr(os, "process_cpu_count"):
        usable = os.process_cpu_count() or logical
    elif hasattr(os, "sched_getaffinity"):
        usable = len(os.sched_getaffinity(0))
    else:
        usable = logical
    text = f"логических процессоров {logical}, доступно процессу {usable}"
    if hasattr(os, "getloadavg"):
        text += f", средняя загрузка за минуту {os.getloadavg()[0]:.1f}"
    return text
