"""Упражнение к главе 6: почему нельзя вызывать result() сразу после submit().

Четыре задачи по 0,2 с ожидания, пул из четырёх потоков. Если ждать результат
каждой задачи сразу после её отправки, следующая уходит в пул только после
того, как закончилась предыдущая, — параллельности нет. Сначала отправьте все,
потом собирайте.
"""

import time
from concurrent.futures import ThreadPoolExecutor

from potok.workloads import io_bound

TASKS = 4
WAIT = 0.2


def one_by_one(pool: ThreadPoolExecutor) -> list[float]:
    return [pool.submit(io_bound, WAIT).result() for _ in range(TASKS)]


def all_then_collect(pool: ThreadPoolExecutor) -> list[float]:
    futures = [pool.submit(io_bound, WAIT) for _ in range(TASKS)]
    return [f.result() for f in futures]


with ThreadPoolExecutor(max_workers=TASKS) as pool:
    for name, variant in (
        ("submit и сразу result", one_by_one),
        ("сначала все submit, потом result", all_then_collect),
    ):
        began = time.perf_counter()
        variant(pool)
        print(f"{name}: {time.perf_counter() - began:.2f} с")
