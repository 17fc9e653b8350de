"""Упражнение к главе 6: почему нельзя вызывать result() сразу после submit().

Четыре задачи по 0,2 с ожидания, пул из четырёх потоков. Если ждать результат
каждой задачи сразу после её отправки, следующая уходит в пул только после
того, как закончилась предыдущая, — параллельности нет. Сначала отправьте все,
потом собирайте.
"""

import time
from concurrent.futures import ThreadPoolExecutor

TASKS = 4
WAIT = 0.2


def wait(seconds: float) -> tuple[float, float]:
    """Ждёт, как сетевой вызов; возвращает, когда началась и кончилась."""
    began = time.perf_counter()
    time.sleep(seconds)
    return began, time.perf_counter()


def most_at_once(spans: list[tuple[float, float]]) -> int:
    """Сколько задач больше всего шло одновременно."""
    return max(sum(b <= start < e for b, e in spans) for start, _ in spans)


def one_by_one(pool: ThreadPoolExecutor) -> list[tuple[float, float]]:
    return [pool.submit(wait, WAIT).result() for _ in range(TASKS)]


def all_then_collect(pool: ThreadPoolExecutor) -> list[tuple[float, float]]:
    futures = [pool.submit(wait, WAIT) for _ in range(TASKS)]
    return [f.result() for f in futures]


with ThreadPoolExecutor(max_workers=TASKS) as pool:
    for name, variant in (
        ("submit и сразу result", one_by_one),
        ("сначала все submit, потом result", all_then_collect),
    ):
        began = time.perf_counter()
        spans = variant(pool)
        print(
            f"{name}: {time.perf_counter() - began:.2f} с, "
            f"больше всего задач одновременно: {most_at_once(spans)}"
        )
