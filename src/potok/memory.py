"""Cache sizes as the OS reports them, and the cost of reading memory.

Used by ``examples/01_cpu/plot_cache_levels.py``. Reading memory is timed with
NumPy (imported lazily, so the rest of :mod:`potok` stays standard library
only): pure Python spends tens of nanoseconds per step on the interpreter
itself, which would bury the difference between L1 and L2.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from potok.measure import Timing

SYSFS_CACHE = Path("/sys/devices/system/cpu/cpu0/cache")
LINE = 64  # bytes; the usual cache line, used when the OS does not say

_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


@dataclass(frozen=True)
class CacheLevel:
    """One data (or unified) cache of the CPU the process runs on."""

    level: int
    kind: str  # "Data", "Unified" (Instruction caches are left out)
    size: int  # bytes
    line: int  # bytes
    shared_with: str = ""  # CPUs sharing it, e.g. "0-1", when the OS says
    source: str = ""  # where the numbers came from

    @property
    def name(self) -> str:
        return f"L{self.level}"


def parse_size(text: str) -> int:
    """``"32K"`` → 32768; ``"512KiB"``, ``"1M"``, ``"4096"`` work too."""
    m = re.fullmatch(r"\s*(\d+)\s*([KMG]?)(?:i?B)?\s*", text, flags=re.IGNORECASE)
    if not m:
        raise ValueError(f"not a cache size: {text!r}")
    return int(m.group(1)) * _UNITS[m.group(2).upper()]


def cache_levels_sysfs(root: Path = SYSFS_CACHE) -> list[CacheLevel]:
    """Linux: read ``root/index*/{level,type,size,coherency_line_size}``."""
    levels = []
    for index in sorted(root.glob("index*")):
        try:
            kind = (index / "type").read_text().strip()
            if kind == "Instruction":
                continue
            level = int((index / "level").read_text())
            size = parse_size((index / "size").read_text())
        except (OSError, ValueError):
            continue
        line_file = index / "coherency_line_size"
        shared_file = index / "shared_cpu_list"
        line = int(line_file.read_text()) if line_file.exists() else LINE
        shared = shared_file.read_text().strip() if shared_file.exists() else ""
        levels.append(CacheLevel(level, kind, size, line, shared, str(index)))
    return sorted(levels, key=lambda c: c.level)


def cache_levels_sysconf() -> list[CacheLevel]:
    """glibc's ``os.sysconf("SC_LEVEL<N>_[D]CACHE_SIZE")``, where it has them."""
    levels = []
    names = [(1, "SC_LEVEL1_DCACHE"), (2, "SC_LEVEL2_CACHE"), (3, "SC_LEVEL3_CACHE")]
    for level, stem in names:
        if f"{stem}_SIZE" not in os.sysconf_names:
            continue
        try:
            size = os.sysconf(f"{stem}_SIZE")
            line = os.sysconf(f"{stem}_LINESIZE")
        except (OSError, ValueError):
            continue
        if size and size > 0:
            kind = "Data" if level == 1 else "Unified"
            line = line if line and line > 0 else LINE
            levels.append(CacheLevel(level, kind, size, line, "", "os.sysconf"))
    return levels


def cache_levels() -> list[CacheLevel]:
    """This machine's data caches: sysfs first, then ``os.sysconf``; may be []."""
    return cache_levels_sysfs() or (
        cache_levels_sysconf() if hasattr(os, "sysconf_names") else []
    )


def working_set_sizes(smallest: int, largest: int, per_octave: int) -> list[int]:
    """Sizes in bytes from ``smallest`` to ``largest``, ``per_octave`` per doubling,
    each a whole number of cache lines."""
    if not 0 < smallest <= largest or per_octave < 1:
        raise ValueError("need 0 < smallest <= largest and per_octave >= 1")
    sizes = []
    k = 0
    while True:
        size = int(smallest * 2 ** (k / per_octave)) // LINE * LINE
        if size > largest:
            break
        if size >= LINE and (not sizes or size != sizes[-1]):
            sizes.append(size)
        k += 1
    return sizes


def line_indices(size: int, accesses: int, *, random: bool, seed: int = 0):
    """Indices into an int64 array: one element per cache line of a ``size``-byte
    prefix, either in random order (the prefetcher cannot guess the next one) or
    consecutive elements, wrapping round."""
    import numpy as np

    per_line = LINE // 8
    lines = max(size // LINE, 1)
    if random:
        rng = np.random.default_rng(seed)
        return rng.integers(0, lines, accesses, dtype=np.intp) * per_line
    return np.arange(accesses, dtype=np.intp) % (lines * per_line)


def time_gather(
    size: int, accesses: int, *, random: bool, repeats: int = 5, seed: int = 0
) -> Timing:
    """Seconds per read when ``accesses`` int64 reads are spread over a fresh
    ``size``-byte array (see :func:`line_indices`), as a :class:`Timing`.

    The time is the thread's CPU time (:func:`time.thread_time`), not the wall
    clock: on a shared machine the wall clock also counts the time the OS gave
    the CPU to someone else. One untimed warm-up read brings the array into
    whatever cache it fits in.
    """
    import numpy as np

    data = np.ones(max(size // 8, 1), dtype=np.int64)
    idx = line_indices(size, accesses, random=random, seed=seed)
    out = np.empty(accesses, dtype=np.int64)
    np.take(data, idx, out=out)  # warm-up
    clock = time.thread_time
    if time.get_clock_info("thread_time").resolution > 1e-6:  # e.g. Windows
        clock = time.perf_counter
    samples = []
    for _ in range(repeats):
        start = clock()
        np.take(data, idx, out=out)
        samples.append((clock() - start) / accesses)
    return Timing(tuple(samples))
