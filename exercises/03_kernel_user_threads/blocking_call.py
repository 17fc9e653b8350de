"""Упражнение к главе 3: блокирующий вызов в моделях M:1 и 1:1.

Две задачи: «часы» отмечают время каждые 10 мс, «соня» один раз вызывает
блокирующий time.sleep. Сначала обе — пользовательские потоки на генераторах с
общим планировщиком (M:1), потом — два потока ОС (1:1). Смотрим, сколько раз
часы отметились, пока «соня» спала, и на самый длинный перерыв между отметками.
"""

import itertools
import threading
import time
from collections import deque

from potok.measure import scale

BLOCK = scale(0.5, 0.3)  # сколько спит «соня», с
TICK = 0.01
TICKS = int(2 * BLOCK / TICK)


def longest_gap(stamps: list[float]) -> float:
    return max(b - a for a, b in itertools.pairwise(stamps))


def ticks_during(stamps: list[float], span: list[float]) -> int:
    start, end = span
    return sum(start < t < end for t in stamps)


# --- M:1: задачи-генераторы в одном потоке ОС ---------------------------------
def clock_task(stamps: list[float]):
    for _ in range(TICKS):
        stamps.append(time.perf_counter())
        wake = time.perf_counter() + TICK
        while time.perf_counter() < wake:
            yield  # ждём, отдавая управление другим задачам


def sleeper_task(span: list[float]):
    yield
    span.append(time.perf_counter())
    time.sleep(BLOCK)  # блокирующий вызов: планировщик стоит вместе с задачей
    span.append(time.perf_counter())
    yield


def run(tasks) -> None:
    ready = deque(tasks)
    while ready:
        current = ready.popleft()
        try:
            next(current)
        except StopIteration:
            continue
        ready.append(current)


green: list[float] = []
green_sleep: list[float] = []
run([clock_task(green), sleeper_task(green_sleep)])

# --- 1:1: два потока ОС ---------------------------------------------------------
native: list[float] = []
native_sleep: list[float] = []


def clock_thread() -> None:
    for _ in range(TICKS):
        native.append(time.perf_counter())
        time.sleep(TICK)


def sleeper_thread() -> None:
    native_sleep.append(time.perf_counter())
    time.sleep(BLOCK)
    native_sleep.append(time.perf_counter())


threads = [
    threading.Thread(target=clock_thread),
    threading.Thread(target=sleeper_thread),
]
for t in threads:
    t.start()
for t in threads:
    t.join()

print(f"соня спит {BLOCK * 1000:.0f} мс, часы тикают каждые {TICK * 1000:.0f} мс")
for name, stamps, span in (("M:1", green, green_sleep), ("1:1", native, native_sleep)):
    print(
        f"{name}: отметок часов, пока соня спала: {ticks_during(stamps, span)}; "
        f"самый длинный перерыв часов: {longest_gap(stamps) * 1000:.0f} мс"
    )
