"""Упражнение к главе 9: размер порции в Executor.map.

Тысячи крошечных задач в ProcessPoolExecutor: у Executor.map по умолчанию
chunksize=1, и каждая задача едет в процесс и обратно отдельно. С порцией в
несколько сотен задач пересылок в сотни раз меньше. Оба варианта выполняются в
одном пуле по очереди (A B A B ...), а сравниваются медианы.
"""

import multiprocessing
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from potok.measure import scale
from potok.start_methods import start_method

TASKS = scale(4_000, 2_000)
CHUNK = 500
REPEATS = 3


def tiny(x: int) -> int:
    """Задача, которая считает меньше, чем стоит её пересылка."""
    return x + 1


def timed(pool: ProcessPoolExecutor, chunksize: int) -> float:
    start = time.perf_counter()
    results = list(pool.map(tiny, range(TASKS), chunksize=chunksize))
    elapsed = time.perf_counter() - start
    assert results == [x + 1 for x in range(TASKS)]
    return elapsed


if __name__ == "__main__":
    ctx = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        timed(pool, CHUNK)  # разогрев: процессы пула запущены
        one, chunked = [], []
        for _ in range(REPEATS):
            one.append(timed(pool, 1))
            chunked.append(timed(pool, CHUNK))
    t_one, t_chunked = statistics.median(one), statistics.median(chunked)
    print(f"метод запуска: {ctx.get_start_method()}")
    print(f"задач: {TASKS}")
    print(f"chunksize=1: {t_one:.3f} с")
    print(f"chunksize={CHUNK}: {t_chunked:.3f} с")
    print(f"порции быстрее в {t_one / t_chunked:.1f} раза")
    print(f"дочерних процессов осталось: {len(multiprocessing.active_children())}")
