"""asyncio in depth: task groups, cancellation, queues, limits, slow callbacks.

Used by the examples of chapter 12 (``examples/12_asyncio_deep``). Every
function here runs its own event loop (``asyncio.run``) and returns plain data
that the example prints and draws; nothing prints.

The syntax is that of Python 3.10 (the oldest Python the site supports), but
several functions need newer asyncio at run time: :class:`asyncio.TaskGroup`,
:func:`asyncio.timeout` and :meth:`asyncio.Task.uncancel` (3.11),
:meth:`asyncio.Queue.shutdown` (3.13). Where a newer feature is missing, the
function says so in what it returns instead of failing, or the example that
uses it asks for that Python with ``potok.machine.require``.

Standard library only, like :mod:`potok.measure` and :mod:`potok.machine`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import re
import statistics
import time
from dataclasses import dataclass, field

# --- task groups, cancellation, timeouts -----------------------------------------


@dataclass(frozen=True)
class TaskRecord:
    """What one task did: when it ran (seconds from the start) and how it ended.

    ``outcome`` is ``"done"``, ``"error"`` or ``"cancelled"``; ``cleaned_up``
    says whether its ``finally`` block ran.
    """

    name: str
    start: float
    end: float
    outcome: str
    cleaned_up: bool


async def _task(
    name: str, seconds: float, fail: bool, origin: float, log: list[TaskRecord]
) -> str:
    start = time.perf_counter() - origin
    outcome = "error"
    try:
        await asyncio.sleep(seconds)  # a network wait, as far as the loop can tell
        if fail:
            raise ValueError(f"{name}: сервер ответил ошибкой")
        outcome = "done"
        return name
    except asyncio.CancelledError:
        outcome = "cancelled"
        raise  # a cancelled task must let CancelledError out
    finally:
        log.append(TaskRecord(name, start, time.perf_counter() - origin, outcome, True))


@dataclass
class GroupRun:
    """A :class:`asyncio.TaskGroup` in which one task fails, and a timeout."""

    records: list[TaskRecord] = field(default_factory=list)
    group_error: str = ""  # the type of what ``async with TaskGroup()`` raised
    inner_errors: list[str] = field(default_factory=list)
    timeout_error: str = ""  # what ``async with asyncio.timeout()`` raised
    # Task.cancelling() of the task that ran both, after the group and after the
    # timeout was handled (before 3.13 a group could leave it at 1)
    cancelling_after_group: int = -1
    cancelling_after_timeout: int = -1


#: (name, seconds, fails) of the tasks :func:`group_and_timeout` starts.
GROUP_TASKS = (
    ("быстрая", 0.10, False),
    ("с ошибкой", 0.20, True),
    ("средняя", 0.40, False),
    ("долгая", 0.60, False),
)


def group_and_timeout(
    tasks: tuple[tuple[str, float, bool], ...] = GROUP_TASKS,
    *,
    timeout: float = 0.25,
    timed_work: float = 1.0,
) -> GroupRun:
    """Run ``tasks`` in a task group, then one ``timed_work`` wait under a timeout.

    The group: when one task raises, the group cancels the others that are
    still running, waits for them to finish, and raises an
    :class:`ExceptionGroup` with every error. The timeout cancels the task it
    is in, turns the :class:`asyncio.CancelledError` into :class:`TimeoutError`
    at the end of its block and uncancels the task
    (:meth:`asyncio.Task.cancelling` is back where it was). Needs Python 3.11.
    """
    run = GroupRun()

    async def main() -> None:
        origin = time.perf_counter()
        try:
            async with asyncio.TaskGroup() as tg:
                for name, seconds, fail in tasks:
                    tg.create_task(
                        _task(name, seconds, fail, origin, run.records), name=name
                    )
        except Exception as group:  # an ExceptionGroup (3.11+)
            run.group_error = type(group).__name__
            run.inner_errors = [repr(e) for e in getattr(group, "exceptions", ())]
        current = asyncio.current_task()
        run.cancelling_after_group = current.cancelling() if current else -1
        try:
            async with asyncio.timeout(timeout):
                await _task("под тайм-аутом", timed_work, False, origin, run.records)
        except TimeoutError as exc:
            run.timeout_error = type(exc).__name__
        current = asyncio.current_task()
        run.cancelling_after_timeout = current.cancelling() if current else -1

    asyncio.run(main())
    return run


@dataclass(frozen=True)
class CancelStory:
    """What a task that swallows its cancellation does to the code around it."""

    swallowed_then_cancelling: int  # cancelling() after except CancelledError: pass
    after_uncancel: int  # cancelling() after task.uncancel()
    timeout_fired_after_swallow: bool  # did a later asyncio.timeout() still work?


def swallowed_cancel() -> CancelStory:
    """A task catches its own :class:`asyncio.CancelledError` and carries on.

    The pending-cancellation count (:meth:`asyncio.Task.cancelling`) stays 1,
    which tells structured code (task groups, timeouts) that the task is being
    cancelled; :meth:`asyncio.Task.uncancel` sets it back. Needs Python 3.11.
    """

    async def stubborn(started: asyncio.Event) -> CancelStory:
        me = asyncio.current_task()
        assert me is not None
        started.set()
        # the mistake: the cancellation is caught and swallowed
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(10)
        swallowed = me.cancelling()
        me.uncancel()
        after = me.cancelling()
        fired = False
        try:
            async with asyncio.timeout(0.01):
                await asyncio.sleep(1)
        except TimeoutError:
            fired = True
        return CancelStory(swallowed, after, fired)

    async def main() -> CancelStory:
        started = asyncio.Event()
        task = asyncio.create_task(stubborn(started))
        await started.wait()
        task.cancel()
        return await task

    return asyncio.run(main())


# --- queues ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRun:
    """A producer and consumers around one :class:`asyncio.Queue`."""

    how: str  # "shutdown" (3.13+) or "sentinel"
    handled: dict[str, int]  # items each consumer took
    ended_by: dict[str, str]  # what stopped each consumer


def queue_pipeline(items: int = 20, consumers: int = 3, *, how: str = "auto"):
    """Hand ``items`` to ``consumers`` through a queue, then stop them.

    ``how="shutdown"`` calls :meth:`asyncio.Queue.shutdown` (Python 3.13+):
    consumers that wait in ``get()`` then get :class:`asyncio.QueueShutDown`
    once the queue is empty. ``how="sentinel"`` puts one ``None`` per consumer
    after the items, the way to do it before 3.13. ``"auto"`` picks shutdown
    where it exists.
    """
    has_shutdown = hasattr(asyncio.Queue, "shutdown")
    if how == "auto":
        how = "shutdown" if has_shutdown else "sentinel"
    if how not in ("shutdown", "sentinel"):
        raise ValueError(f"how must be 'shutdown', 'sentinel' or 'auto', not {how!r}")
    if how == "shutdown" and not has_shutdown:
        raise RuntimeError("asyncio.Queue.shutdown() appeared in Python 3.13")

    async def main() -> QueueRun:
        queue: asyncio.Queue = asyncio.Queue(maxsize=4)
        handled: dict[str, int] = {}
        ended_by: dict[str, str] = {}

        async def consume(name: str) -> None:
            handled[name] = 0
            while True:
                try:
                    item = await queue.get()
                except Exception as exc:  # asyncio.QueueShutDown (3.13+)
                    ended_by[name] = type(exc).__name__
                    return
                if item is None:
                    ended_by[name] = "None (метка конца)"
                    queue.task_done()
                    return
                await asyncio.sleep(0.001 * (1 + item % 3))  # "handling" the item
                handled[name] += 1
                queue.task_done()

        workers = [
            asyncio.create_task(consume(f"потребитель {i + 1}"))
            for i in range(consumers)
        ]
        for item in range(items):
            await queue.put(item)
        if how == "shutdown":
            await queue.join()  # every item handled ...
            queue.shutdown()  # ... then wake the consumers waiting in get()
        else:
            for _ in workers:
                await queue.put(None)
        await asyncio.gather(*workers)
        return QueueRun(how, handled, ended_by)

    return asyncio.run(main())


# --- to_thread against run_in_executor ------------------------------------------

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar(
    "REQUEST_ID", default="(не задан)"
)


def _read_request_id() -> str:
    return REQUEST_ID.get()


def context_in_threads() -> dict[str, str]:
    """What a thread sees of a context variable set in the calling coroutine.

    :func:`asyncio.to_thread` runs the function in a copy of the caller's
    context; ``loop.run_in_executor`` does not (the thread pool's thread has
    its own, empty context), unless the caller wraps the call in
    ``contextvars.copy_context().run``.
    """

    async def main() -> dict[str, str]:
        REQUEST_ID.set("запрос-42")
        loop = asyncio.get_running_loop()
        ctx = contextvars.copy_context()
        return {
            "в самой корутине": REQUEST_ID.get(),
            "asyncio.to_thread(f)": await asyncio.to_thread(_read_request_id),
            "loop.run_in_executor(None, f)": await loop.run_in_executor(
                None, _read_request_id
            ),
            "run_in_executor(None, ctx.run, f)": await loop.run_in_executor(
                None, ctx.run, _read_request_id
            ),
        }

    return asyncio.run(main())


# --- a semaphore in front of a server of limited capacity ------------------------


@dataclass(frozen=True)
class LoadRun:
    """One batch of simulated requests sent with at most ``limit`` in flight.

    ``waits`` — time each request waited for a slot of our semaphore;
    ``in_flight`` — time from sending it to the answer (what the server made
    it wait, plus its service time); ``total`` — the whole batch, seconds.
    """

    limit: int
    total: float
    waits: tuple[float, ...]
    in_flight: tuple[float, ...]

    @property
    def throughput(self) -> float:
        """Requests answered per second."""
        return len(self.in_flight) / self.total

    @property
    def latencies(self) -> tuple[float, ...]:
        """Time from asking to the answer: the slot wait plus the flight."""
        return tuple(w + f for w, f in zip(self.waits, self.in_flight, strict=True))


def percentile(values, q: float) -> float:
    """The ``q``-th percentile (0–100) of ``values``, by linear interpolation."""
    data = sorted(values)
    if not data:
        raise ValueError("percentile of no values")
    if len(data) == 1:
        return data[0]
    return statistics.quantiles(data, n=100, method="inclusive")[
        min(98, max(0, round(q) - 1))
    ]


async def _serve(slots: asyncio.Semaphore, service: float) -> None:
    # The server answers at most ``capacity`` requests at a time; the rest wait
    # in its own queue (the semaphore's waiters), as a real backend would.
    async with slots:
        await asyncio.sleep(service)


def send_batch(requests: int, limit: int, *, service: float, capacity: int) -> LoadRun:
    """Send ``requests`` to a simulated server, at most ``limit`` at a time.

    The server is an :class:`asyncio.Semaphore` of ``capacity`` slots in front
    of an ``asyncio.sleep(service)``: to the event loop that is exactly what a
    network wait is — a timer, during which the loop runs other tasks. Our side
    limits itself with an :class:`asyncio.Semaphore` of ``limit`` slots.
    """
    if limit < 1 or capacity < 1 or requests < 1:
        raise ValueError("requests, limit and capacity must be at least 1")

    async def main() -> LoadRun:
        server = asyncio.Semaphore(capacity)
        ours = asyncio.Semaphore(limit)

        async def one() -> tuple[float, float]:
            asked = time.perf_counter()
            async with ours:
                sent = time.perf_counter()
                await _serve(server, service)
                answered = time.perf_counter()
            return sent - asked, answered - sent

        start = time.perf_counter()
        results = await asyncio.gather(*(one() for _ in range(requests)))
        total = time.perf_counter() - start
        return LoadRun(
            limit,
            total,
            tuple(w for w, _ in results),
            tuple(f for _, f in results),
        )

    return asyncio.run(main())


# --- noticing a callback that blocks the loop ------------------------------------

_TOOK = re.compile(r"^Executing (?P<what>.*) took (?P<seconds>\d+(?:\.\d+)?) seconds$")


@dataclass(frozen=True)
class SlowStep:
    """One step of a task that blocked (or did not block) the loop."""

    name: str
    blocked: float  # seconds the blocking call took, measured around it
    reported: float | None  # what asyncio's debug mode logged, None if nothing


@dataclass
class SlowRun:
    way: str
    threshold: float
    steps: list[SlowStep]
    messages: list[str]  # the "Executing ... took ..." log lines, as logged


def shorten(message: str) -> str:
    """A "Executing <Task ...> took ..." line without the coroutine's file paths."""
    return re.sub(r" coro=<.*> took ", " …> took ", message)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def slow_callbacks(
    blocks: list[float], *, threshold: float = 0.05, way: str = "inline"
) -> SlowRun:
    """Run one task per entry of ``blocks`` in debug mode and catch the warnings.

    Each task makes a blocking call of that many seconds (``time.sleep``, the
    way a synchronous network client waits): ``way="inline"`` right in the
    coroutine, ``way="to_thread"`` through :func:`asyncio.to_thread`. The loop
    runs with ``debug=True`` and ``loop.slow_callback_duration = threshold``;
    a handler on the ``asyncio`` logger collects every "Executing ... took ...
    seconds" warning, which is matched to its task by the task's name.
    """
    if way not in ("inline", "to_thread"):
        raise ValueError(f"way must be 'inline' or 'to_thread', not {way!r}")
    logger = logging.getLogger("asyncio")
    capture = _Capture()
    logger.addHandler(capture)
    old_level, old_propagate = logger.level, logger.propagate
    logger.propagate = False  # caught here, not also printed by the root logger
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    measured: dict[str, float] = {}

    async def step(name: str, seconds: float) -> None:
        start = time.perf_counter()
        if way == "inline":
            time.sleep(seconds)  # the mistake: a blocking call in a coroutine
        else:
            await asyncio.to_thread(time.sleep, seconds)
        measured[name] = time.perf_counter() - start

    async def main() -> None:
        asyncio.get_running_loop().slow_callback_duration = threshold
        for i, seconds in enumerate(blocks):
            name = f"шаг-{i + 1}-{round(seconds * 1000)}мс"
            await asyncio.create_task(step(name, seconds), name=name)

    try:
        asyncio.run(main(), debug=True)
    finally:
        logger.removeHandler(capture)
        logger.setLevel(old_level)
        logger.propagate = old_propagate

    took = [m for m in capture.messages if m.startswith("Executing ")]
    steps = []
    for name, blocked in measured.items():
        reported = None
        for message in took:
            match = _TOOK.match(message)
            if match and f"name='{name}'" in match["what"]:
                reported = float(match["seconds"])
        steps.append(SlowStep(name, blocked, reported))
    return SlowRun(way, threshold, steps, took)


# --- python -m asyncio ps / pstree (Python 3.14+) --------------------------------

#: The program whose tasks ``python -m asyncio ps`` and ``pstree`` are shown:
#: a crawler that fetches pages, each in a task group of its parts.
#: ``{pages}`` is replaced by a dict {page name: [part names]}.
PS_PROGRAM = """\
import asyncio

PAGES = {pages}

async def fetch(part):
    await asyncio.sleep(3600)  # ждёт ответа «сети»

async def page(parts):
    async with asyncio.TaskGroup() as tg:
        for part in parts:
            tg.create_task(fetch(part), name=part)

async def main():
    async with asyncio.TaskGroup() as tg:
        for name, parts in PAGES.items():
            tg.create_task(page(parts), name=name)
        await asyncio.sleep(0.5)
        print("ready", flush=True)

asyncio.run(main())
"""
#: Task names in Latin letters, and the same in Cyrillic (3.14.0–3.14.x read
#: non-ASCII names wrongly, cpython gh-149214: the page checks it).
PS_PAGES = {"index": ["index/html", "index/css"], "search": ["search/query"]}
PS_PAGES_RU = {"главная": ["главная/html", "главная/css"], "поиск": ["поиск/запрос"]}


def ps_program(pages: dict[str, list[str]] = PS_PAGES) -> str:
    """:data:`PS_PROGRAM` with these page and part names."""
    return PS_PROGRAM.replace("{pages}", repr(pages))


def task_names(pages: dict[str, list[str]] = PS_PAGES) -> list[str]:
    """Every task name the program gives: pages, then their parts."""
    return [*pages, *(part for parts in pages.values() for part in parts)]


INTROSPECT_PYTHON = (3, 14)


def introspect(timeout: float = 60) -> dict[str, object]:
    """Start :data:`PS_PROGRAM` and look at it with ``python -m asyncio ps`` and
    ``pstree``, in this interpreter (3.14+). Returns what each command printed,
    its exit status and standard error, untouched."""
    import platform
    import subprocess
    import sys
    from dataclasses import asdict

    from potok import machine

    out: dict[str, object] = {
        "python": machine.python_build(),
        "version": platform.python_version(),
        "stamp": asdict(machine.stamp()),
        "commands": {},
    }
    if sys.version_info < INTROSPECT_PYTHON:
        out["unavailable"] = f"нужен Python 3.14 или новее, а здесь {out['python']}"
        return out
    runs = {"latin": (PS_PAGES, ("ps", "pstree")), "cyrillic": (PS_PAGES_RU, ("ps",))}
    for label, (pages, commands) in runs.items():
        target = subprocess.Popen(
            [sys.executable, "-c", ps_program(pages)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            ready = target.stdout.readline().strip()
            if ready != "ready":
                out["unavailable"] = f"программа не запустилась: {target.stderr.read()}"
                return out
            for command in commands:
                done = subprocess.run(
                    [sys.executable, "-m", "asyncio", command, str(target.pid)],
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                )
                out["commands"][f"{command}:{label}"] = {
                    "returncode": done.returncode,
                    "stdout": done.stdout,
                    "stderr": done.stderr,
                }
        finally:
            target.kill()
            target.communicate()
    return out


def introspect_in(python: str, timeout: float = 120) -> dict[str, object]:
    """Run :func:`introspect` in another interpreter: ``python -m potok.aio_deep``."""
    import json
    import os
    import subprocess
    from pathlib import Path

    src = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
    proc = subprocess.run(
        [python, "-m", "potok.aio_deep", "introspect"],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"{python} -m potok.aio_deep introspect exited with code "
            f"{proc.returncode}:\n{proc.stderr}"
        )
    return json.loads(proc.stdout)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json
    import sys

    parser = argparse.ArgumentParser(prog="python -m potok.aio_deep")
    parser.add_argument("part", choices=["introspect"])
    parser.parse_args(argv)
    json.dump(introspect(), sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
