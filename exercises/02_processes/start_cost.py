"""Упражнение к главе 2: во сколько раз процесс дороже потока.

Запускаем и дожидаемся N пустых потоков, затем N пустых процессов, несколько
раз по очереди, и сравниваем медианы.
"""

import multiprocessing
import statistics
import threading
import time

from potok.measure import scale
from potok.start_methods import start_method
from potok.workloads import noop

N = scale(8, 4)
ROUNDS = scale(5, 3)


def start_and_join(make) -> float:
    """Время на то, чтобы запустить N потоков или процессов и дождаться их."""
    began = time.perf_counter()
    workers = [make() for _ in range(N)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - began


if __name__ == "__main__":
    ctx = multiprocessing.get_context(start_method())
    thread_times, process_times = [], []
    for _ in range(ROUNDS):  # по очереди: занятость машины достаётся обоим
        thread_times.append(start_and_join(lambda: threading.Thread(target=noop)))
        process_times.append(start_and_join(lambda: ctx.Process(target=noop)))
    per_thread = statistics.median(thread_times) / N
    per_process = statistics.median(process_times) / N
    print(f"поток: {per_thread * 1e6:.0f} мкс на запуск и join")
    print(f"процесс ({ctx.get_start_method()}): {per_process * 1e6:.0f} мкс")
    print(f"процесс дороже потока в {per_process / per_thread:.1f} раза")
