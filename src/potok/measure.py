"""Timing with repeats, per-thread timelines, and the machine stamp.

Everything here is standard library only, so that child processes that import
:mod:`potok` pay nothing for matplotlib.
"""

from __future__ import annotations

import importlib.machinery
import itertools
import multiprocessing
import os
import platform
import statistics
import sys
import sysconfig
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field

QUICK_ENV = "POTOK_QUICK"
START_METHOD_ENV = "POTOK_START_METHOD"
#: Set by the test matrix to a file path: :func:`start_method` and :func:`mp_context`
#: write the method there when an example asks for it (it then uses processes).
START_METHOD_USED_ENV = "POTOK_START_METHOD_USED"
#: The exit status of an example that :func:`require` skipped (automake's "skip").
SKIP_EXIT_CODE = 77
#: The line :func:`require` prints before it exits; the matrix reads the reason.
SKIP_MARKER = "potok: skip: "


def quick() -> bool:
    """True when ``POTOK_QUICK`` asks for the quick scale (tests, the matrix)."""
    return os.environ.get(QUICK_ENV, "").strip() not in ("", "0")


def scale(default, quick_value):
    """Pick the default scale, or the quick one under ``POTOK_QUICK=1``."""
    return quick_value if quick() else default


# --- start methods ---------------------------------------------------------------


def start_method() -> str:
    """The multiprocessing start method the examples use.

    ``POTOK_START_METHOD`` chooses one (the test matrix sets it); otherwise the
    platform's default (fork on Linux up to 3.13, forkserver from 3.14, spawn on
    macOS and Windows). Asking for it marks the example as one that starts
    processes: the matrix then runs it under every start method (the machine
    stamp reads the method without that mark).
    """
    method = _chosen_start_method()
    used = os.environ.get(START_METHOD_USED_ENV)
    if used:
        with open(used, "w", encoding="utf-8") as f:
            f.write(method)
    return method


def _chosen_start_method() -> str:
    wanted = os.environ.get(START_METHOD_ENV, "").strip()
    if wanted:
        available = multiprocessing.get_all_start_methods()
        if wanted not in available:
            raise ValueError(
                f"{START_METHOD_ENV}={wanted!r} is not a start method of this "
                f"platform; choose one of {', '.join(available)}"
            )
        return wanted
    return multiprocessing.get_context().get_start_method()


def mp_context(method: str | None = None):
    """The multiprocessing context for ``method``, by default :func:`start_method`.

    Pass it on: ``ProcessPoolExecutor(mp_context=potok.measure.mp_context())``.
    It also makes spawn and forkserver children leave the running script alone
    (see :func:`children_skip_main`), so an example runs the same way standalone
    as inside sphinx-gallery.
    """
    if method is not None and method not in multiprocessing.get_all_start_methods():
        raise ValueError(
            f"start method {method!r} does not exist on this platform; choose one "
            f"of {', '.join(multiprocessing.get_all_start_methods())}"
        )
    children_skip_main()
    return multiprocessing.get_context(method or start_method())


def children_skip_main() -> None:
    """Stop spawn/forkserver children from re-running the script that starts them.

    A child started with spawn (and the forkserver's server) prepares itself by
    running the parent's main *script* again as ``__mp_main__``, so that
    functions defined there can be unpickled; an unguarded script then starts
    processes from inside its child and fails. sphinx-gallery runs examples in a
    fake ``__main__`` whose spec is named ``__main__``, which multiprocessing
    does not re-run. This gives a script run directly (``python plot_x.py``) the
    same spec, so both ways behave alike: children import only what they need
    (``potok.workloads``), and functions defined in the script cannot be sent
    to them — which the examples never do.
    """
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) is None:
        main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)


# --- requirements --------------------------------------------------------------


def unmet(*, python: str | None = None, free_threaded: bool = False) -> str | None:
    """Why this interpreter cannot run an example, or None when it can.

    ``python="3.14"`` asks for at least that version; ``free_threaded=True`` for
    a free-threaded build (``python3.14t``). The reason is Russian: it is shown
    on the example's page.
    """
    if python is not None:
        wanted = tuple(int(part) for part in python.split("."))
        if sys.version_info[: len(wanted)] < wanted:
            return f"нужен Python {python} или новее, а здесь {python_build()}"
    if free_threaded and not free_threaded_build():
        return (
            f"нужна free-threaded сборка Python (python3.14t), а здесь {python_build()}"
        )
    return None


def require(*, python: str | None = None, free_threaded: bool = False) -> None:
    """Skip the example, with the reason, when this interpreter cannot run it.

    Call it at the top of an example with literal arguments, e.g.
    ``measure.require(python="3.14")``. Run as a script (standalone, the tests,
    the matrix), an unmet requirement prints ``potok: skip: <reason>`` and exits
    with status :data:`SKIP_EXIT_CODE`; the matrix reports it as skipped, never
    as passed. The docs build reads the same call from the source and does not
    execute such an example at all (its page says why), so inside
    sphinx-gallery an unmet requirement is an error.
    """
    reason = unmet(python=python, free_threaded=free_threaded)
    if reason is None:
        return
    if "sphinx_gallery" in sys.modules:
        raise RuntimeError(
            f"measure.require: {reason}; the docs build should not have executed "
            "this example (docs/_ext/potok_gallery_cache.py reads require() calls with "
            "literal arguments at the top level of the script)"
        )
    print(f"{SKIP_MARKER}{reason}", flush=True)
    raise SystemExit(SKIP_EXIT_CODE)


# --- timing ----------------------------------------------------------------------


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


# --- timelines -------------------------------------------------------------------


@dataclass
class Timeline:
    """Timestamps that threads record while they work, one list per label.

    A worker calls :meth:`tick` every so often inside its loop. Each label gets
    its own list, created before the threads start, so no lock is needed: only
    one thread ever appends to a given list.
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


# --- the machine stamp -----------------------------------------------------------


def cpu_model() -> str:
    """The CPU's model name as the OS reports it, or the best guess available."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    return platform.processor() or platform.machine() or "неизвестный CPU"


def usable_cpus() -> int:
    """CPUs this process may run on (``os.process_cpu_count`` from 3.13)."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def free_threaded_build() -> bool:
    """True on a free-threaded (PEP 703, ``python3.14t``) build."""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def gil_enabled() -> bool:
    """Whether the GIL is on in this process right now."""
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else check()


def python_build() -> str:
    """E.g. ``CPython 3.13.0 (с GIL)`` or ``CPython 3.14.0 (free-threaded, ...)``."""
    impl = platform.python_implementation()
    ver = platform.python_version()
    if free_threaded_build():
        state = "GIL выключен" if not gil_enabled() else "GIL включён"
        return f"{impl} {ver} (free-threaded, {state})"
    return f"{impl} {ver} (с GIL)"


@dataclass(frozen=True)
class Stamp:
    """Which machine and interpreter produced a measurement."""

    cpu: str
    logical_cpus: int
    usable_cpus: int
    python: str
    start_method: str
    system: str

    def __str__(self) -> str:
        return (
            f"{self.cpu}; логических CPU: {self.logical_cpus}, "
            f"доступно процессу: {self.usable_cpus}; {self.python}; "
            f"{self.system}; start method: {self.start_method}"
        )


def machine_stamp() -> Stamp:
    """Collect the stamp every measured figure carries."""
    return Stamp(
        cpu=cpu_model(),
        logical_cpus=os.cpu_count() or 1,
        usable_cpus=usable_cpus(),
        python=python_build(),
        start_method=_chosen_start_method(),
        system=f"{platform.system()} {platform.release()}",
    )


# --- workers and OS threads ------------------------------------------------------


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


def os_thread_count() -> int | None:
    """How many threads the OS kernel counts in this process, or None.

    On Linux every thread of a process is a directory in ``/proc/self/task``
    named by its kernel id (the one ``threading.get_native_id()`` returns).
    Other systems have no such file system view; there this returns None.
    """
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


def os_thread_ids() -> set[int] | None:
    """The kernel ids of this process's threads (Linux), or None elsewhere."""
    try:
        return {int(name) for name in os.listdir("/proc/self/task")}
    except OSError:
        return None


def os_thread_name(native_id: int) -> str | None:
    """The name the OS kernel shows for one of this process's threads (Linux).

    Read from ``/proc/self/task/<id>/comm``; None where there is no such file
    (another OS, or the thread has ended). The kernel keeps 15 bytes of a name:
    from 3.14 Python passes its thread names on, and a Cyrillic name may be cut
    in the middle of a character, which is shown as U+FFFD.
    """
    try:
        path = f"/proc/self/task/{native_id}/comm"
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().strip()
    except OSError:
        return None
