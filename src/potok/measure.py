"""Timing with repeats, per-thread timelines, and the scale of an experiment.

:func:`repeat` and :func:`interleaved` time a piece of work several times and
give a :class:`Timing` (median, min, max); :class:`Timeline` records when each
thread worked; :func:`scale` picks the default size of an experiment or, under
``POTOK_QUICK=1`` (the tests), a quick one. The machine a measurement was made
on is :mod:`potok.machine`; how processes are started, :mod:`potok.start_methods`.
Standard library only.
"""

from __future__ import annotations

import itertools
import os
import statistics
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field

from potok.codec import typed

QUICK_ENV = "POTOK_QUICK"


def quick() -> bool:
    """True when ``POTOK_QUICK`` asks for the quick scale (tests, the matrix)."""
    return os.environ.get(QUICK_ENV, "").strip() not in ("", "0")


def scale(default, quick_value):
    """Pick the default scale, or the quick one under ``POTOK_QUICK=1``."""
    return quick_value if quick() else default


# --- timing -------------------------------------------------------------------


@typed
@dataclass(frozen=True)
class Timing:
    """Repeated wall-clock measurements of one thing, in seconds."""

    samples: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.samples:
            raise ValueError("a Timing needs at least one sample")

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    def __str__(self) -> str:
        return (
            f"{format_seconds(self.median)} "
            f"(мин {format_seconds(self.min)} – макс {format_seconds(self.max)}, "
            f"повторов: {len(self.samples)})"
        )


def format_seconds(seconds: float) -> str:
    """A duration with a unit a reader takes in at a glance: с, мс or мкс."""
    if seconds >= 1:
        return f"{seconds:.2f} с"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} мс"
    return f"{seconds * 1e6:.1f} мкс"


def repeat(fn: Callable[[], object], *, repeats: int = 5, warmup: int = 1) -> Timing:
    """Call ``fn`` ``warmup`` times untimed, then ``repeats`` times timed."""
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return Timing(tuple(samples))


def interleaved(
    fns: Mapping[Hashable, Callable[[], object]], *, repeats: int = 5, warmup: int = 1
) -> dict[Hashable, Timing]:
    """Time several functions in turns, one call of each per round.

    Round after round every function is called once, in order, so a slow spell
    of the machine (another program, a busy neighbour) falls on all of them
    alike instead of on whichever was being timed at that moment.
    """
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples: dict[Hashable, list[float]] = {key: [] for key in fns}
    for _ in range(repeats):
        for key, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[key].append(time.perf_counter() - start)
    return {key: Timing(tuple(values)) for key, values in samples.items()}


# --- timelines ----------------------------------------------------------------


@typed
@dataclass
class Timeline:
    """Timestamps that threads record while they work, one list per label.

    A worker appends ``time.perf_counter()`` to the list :meth:`track` gave it,
    every so often inside its loop. Each label gets its own list, created
    before the threads start, so no lock is needed: only one thread ever
    appends to a given list.
    """

    origin: float = field(default_factory=time.perf_counter)
    ticks: dict[str, list[float]] = field(default_factory=dict)

    def track(self, label: str) -> list[float]:
        """Create (before starting threads) and return the list for ``label``."""
        if label in self.ticks:
            raise ValueError(f"label {label!r} is tracked already")
        self.ticks[label] = []
        return self.ticks[label]

    def spans(self, gap: float | None = None) -> dict[str, list[tuple[float, float]]]:
        """Turn each label's ticks into intervals of uninterrupted work.

        Two neighbouring ticks belong to one span when they are closer than
        ``gap`` seconds; a longer pause means the thread was not running. By
        default ``gap`` is ten times the median distance between ticks.
        """
        result: dict[str, list[tuple[float, float]]] = {}
        for label, raw in self.ticks.items():
            ts = [t - self.origin for t in raw]
            if len(ts) < 2:
                result[label] = [(ts[0], ts[0])] if ts else []
                continue
            limit = (
                gap
                if gap is not None
                else 10 * statistics.median(b - a for a, b in itertools.pairwise(ts))
            )
            spans = []
            start = prev = ts[0]
            for t in ts[1:]:
                if t - prev > limit:
                    spans.append((start, prev))
                    start = t
                prev = t
            spans.append((start, prev))
            result[label] = spans
        return result


# --- how many workers ---------------------------------------------------------


def worker_counts(limit: int, *, max_points: int = 8) -> list[int]:
    """Numbers of workers from 1 to ``limit`` for a speedup plot.

    Every number while there are at most ``max_points`` of them; beyond that
    the powers of two below ``limit``, and ``limit`` itself, so a machine with
    many cores gets a readable axis and a bounded run time.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if limit <= max_points:
        return list(range(1, limit + 1))
    counts = []
    n = 1
    while n < limit:
        counts.append(n)
        n *= 2
    return [*counts, limit]
