"""Executor.map над длинным входом: без buffersize и с ним (Python 3.14).

Этот модуль выполняет Python 3.14 или новее (``potok.interpreters.Child``).
"""

import itertools
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

from potok import machine

WORKERS = 2


def work(x):
    return x + 1  # задача крошечная: видно, сколько стоит сам map


def one_map(n: int, buffersize: int | None) -> dict:
    """map над range(n): через сколько пришёл первый результат и все."""
    with ThreadPoolExecutor(WORKERS) as pool:
        start = time.perf_counter()
        results = pool.map(work, range(n), buffersize=buffersize)
        next(results)
        first = time.perf_counter() - start
        for _ in results:
            pass
        total = time.perf_counter() - start
    return {"first": first, "total": total}


def peak_memory(n: int, buffersize: int | None) -> int:
    """Наибольший объём памяти, выделенной Python'ом за время map (байт)."""
    tracemalloc.start()
    try:
        one_map(n, buffersize)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def endless(buffersize: int, take: int) -> list[int]:
    """map над бесконечным входом: с buffersize берём первые take результатов."""
    with ThreadPoolExecutor(WORKERS) as pool:
        results = pool.map(work, itertools.count(), buffersize=buffersize)
        return list(itertools.islice(results, take))


def compare(n: int, buffersizes: list, repeats: int) -> dict:
    """Каждый buffersize по очереди, круг за кругом; потом память каждого."""
    times = {str(b): [] for b in buffersizes}
    for _ in range(repeats):
        for b in buffersizes:
            times[str(b)].append(one_map(n, b))
    memory = {str(b): peak_memory(n, b) for b in buffersizes}
    return {"times": times, "memory": memory, "endless": endless(buffersizes[-1], 5),
            "stamp": machine.stamp()}  # fmt: skip
