"""Упражнение к главе 3: блокирующий вызов в моделях M:1 и 1:1.

Две задачи: «часы» отмечают время каждые 10 мс, «соня» один раз вызывает
блокирующий time.sleep. Сначала обе — пользовательские потоки на генераторах с
общим планировщиком (M:1), потом — два потока ОС (1:1). Смотрим на самый
длинный перерыв между отметками часов.
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


# --- M:1: задачи-генераторы в одном потоке ОС ---------------------------------
def clock_task(stamps: list[float]):
    for _ in range(TICKS):
        stamps.append(time.perf_counter())
        wake = time.perf_counter() + TICK
        while time.perf_counter() < wake:
            yield  # ждём, отдавая управление другим задачам


def sleeper_task():
    yield
    time.sleep(BLOCK)  # блокирующий вызов: планировщик стоит вместе с задачей
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
run([clock_task(green), sleeper_task()])

# --- 1:1: два потока ОС ---------------------------------------------------------
native: list[float] = []


def clock_thread() -> None:
    for _ in range(TICKS):
        native.append(time.perf_counter())
        time.sleep(TICK)


threads = [
    threading.Thread(target=clock_thread),
    threading.Thread(target=time.sleep, args=(BLOCK,)),
]
for t in threads:
    t.start()
for t in threads:
    t.join()

print(f"соня спит {BLOCK * 1000:.0f} мс, часы тикают каждые {TICK * 1000:.0f} мс")
print(f"M:1, самый длинный перерыв часов: {longest_gap(green) * 1000:.0f} мс")
print(f"1:1, самый длинный перерыв часов: {longest_gap(native) * 1000:.0f} мс")
