"""Упражнение к главе 3: пользовательские потоки (M:1) на генераторах.

Каждая «задача» — генератор; yield отдаёт управление планировщику, и тот
возобновляет следующую задачу по кругу. Переключает задачи код программы, а не
ядро ОС: все задачи выполняются в одном потоке ОС.
"""

import threading
from collections import deque

log: list[tuple[str, int, int]] = []  # (задача, шаг, поток ОС)


def task(name: str, steps: int):
    for step in range(steps):
        log.append((name, step, threading.get_native_id()))
        yield  # отдать управление: кооперативное переключение


def run(tasks) -> None:
    """Планировщик: по кругу возобновляет каждую задачу до её следующего yield."""
    ready = deque(tasks)
    while ready:
        current = ready.popleft()
        try:
            next(current)
        except StopIteration:
            continue  # задача закончилась
        ready.append(current)


run([task("a", 3), task("b", 3), task("c", 3)])
print("порядок шагов:", " ".join(f"{name}{step}" for name, step, _ in log))
print(f"потоков ОС: {len({tid for _, _, tid in log})}")
