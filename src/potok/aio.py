"""asyncio helpers: run blocking work in different ways and listen to the loop.

The measuring tool is a *heartbeat*: a coroutine that asks the event loop to wake
it every ``period`` seconds and writes down how late each wake-up came. While the
loop is free, beats come on time (give or take the timer's resolution). While
something blocks the loop, no beat can come at all, and the first one after the
block is late by the whole blocked time.

Standard library only, like :mod:`potok.measure` and :mod:`potok.machine`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

#: The ways :func:`blocking` can run a blocking call from a coroutine.
WAYS = ("inline", "executor", "to_thread")


@dataclass(frozen=True)
class Beat:
    """One heartbeat: when it came and how much later than asked, in seconds."""

    at: float
    late: float


@dataclass
class HeartbeatRun:
    """What the heartbeat recorded while one piece of work ran.

    Times are seconds from the start of the run; ``work_start`` and ``work_end``
    bracket the awaited work, ``result`` is what it returned.
    """

    period: float
    work_start: float
    work_end: float
    result: object = None
    beats: list[Beat] = field(default_factory=list)

    @property
    def elapsed(self) -> float:
        """How long the work took, in seconds."""
        return self.work_end - self.work_start

    def during(self) -> list[Beat]:
        """Beats whose wait overlapped the work.

        A beat waits from the moment it is due (``at - late``) until it comes
        (``at``). On a blocked loop a beat due just before or during the work
        comes only after it, late by about the whole block: it counts.
        """
        return [
            b
            for b in self.beats
            if b.at - b.late <= self.work_end and b.at >= self.work_start
        ]

    @property
    def worst(self) -> float:
        """The largest delay of a beat due during the work (0 if none)."""
        return max((b.late for b in self.during()), default=0.0)


async def heartbeat(period: float, origin: float, beats: list[Beat]) -> None:
    """Wake every ``period`` seconds forever, appending a :class:`Beat` each time."""
    if period <= 0:
        raise ValueError(f"the heartbeat period must be positive, got {period}")
    due = time.perf_counter() + period
    while True:
        await asyncio.sleep(period)
        now = time.perf_counter()
        beats.append(Beat(now - origin, max(0.0, now - due)))
        due = now + period


async def listen(
    work: Callable[[], Awaitable[object]],
    *,
    period: float = 0.002,
    margin: float = 0.02,
) -> HeartbeatRun:
    """Await ``work()`` while a heartbeat runs beside it on the same loop.

    The heartbeat starts ``margin`` seconds before the work and stops
    ``margin`` seconds after it, so that the idle loop is on the record too,
    and the late beat that a blocked loop owes lands inside the run.
    """
    origin = time.perf_counter()
    beats: list[Beat] = []
    beating = asyncio.create_task(heartbeat(period, origin, beats))
    await asyncio.sleep(margin)
    start = time.perf_counter() - origin
    result = await work()
    end = time.perf_counter() - origin
    await asyncio.sleep(margin)
    beating.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await beating
    return HeartbeatRun(period, start, end, result, beats)


def blocking(
    fn: Callable[..., object],
    *args: object,
    way: str = "inline",
    executor=None,
    copies: int = 1,
) -> Callable[[], Awaitable[list]]:
    """A coroutine function that runs ``fn(*args)`` ``copies`` times.

    ``way`` says how the coroutine calls it:

    * ``"inline"`` — directly, on the event loop's own thread (one after another:
      a blocked loop cannot start the next copy);
    * ``"executor"`` — ``loop.run_in_executor(executor, fn, *args)``, all copies
      at once; ``executor=None`` is the loop's default thread pool;
    * ``"to_thread"`` — ``asyncio.to_thread(fn, *args)``, all copies at once
      (the default thread pool too, plus the caller's context variables).

    The coroutine returns the list of results.
    """
    if way not in WAYS:
        raise ValueError(f"way must be one of {', '.join(WAYS)}; got {way!r}")
    if way != "executor" and executor is not None:
        raise ValueError(f"an executor is only used with way='executor', not {way!r}")
    if copies < 1:
        raise ValueError(f"copies must be at least 1, got {copies}")

    async def run() -> list:
        if way == "inline":
            return [fn(*args) for _ in range(copies)]
        if way == "to_thread":
            calls = [asyncio.to_thread(fn, *args) for _ in range(copies)]
        else:
            loop = asyncio.get_running_loop()
            calls = [loop.run_in_executor(executor, fn, *args) for _ in range(copies)]
        return list(await asyncio.gather(*calls))

    return run


def run(work: Callable[[], Awaitable[object]], **options) -> HeartbeatRun:
    """:func:`listen` to ``work`` in a fresh event loop (``asyncio.run``)."""
    return asyncio.run(listen(work, **options))
