"""Упражнение к главе 5: вернуть результат из потоков без блокировки.

Функция потока ничего не возвращает. Вместо общего счётчика под блокировкой
каждый поток считает в локальной переменной и один раз в конце кладёт итог в
свою ячейку списка; главный поток складывает ячейки после join(). Для сравнения
та же сумма считается ещё раз через общий счётчик под блокировкой, и печатается,
сколько времени занял каждый способ.
"""

import threading
import time

from potok.measure import scale

N = scale(2_000_000, 200_000)
THREADS = 4


def partial_sum(start: int, stop: int, results: list[int], slot: int) -> None:
    total = 0  # локальная переменная: ни с кем не делится
    for i in range(start, stop):
        total += i
    results[slot] = total  # одна запись в свою ячейку


class Shared:
    """Общий счётчик и блокировка, которая его защищает."""

    def __init__(self) -> None:
        self.total = 0
        self.lock = threading.Lock()


def locked_sum(start: int, stop: int, shared: Shared) -> None:
    for i in range(start, stop):
        with shared.lock:  # захват и освобождение на каждой итерации
            shared.total += i


def in_threads(target, more_args) -> float:
    """Запускает THREADS потоков, каждый над своей частью диапазона; поток k
    получает ещё аргументы more_args(k). Возвращает время по часам."""
    bounds = [N * k // THREADS for k in range(THREADS + 1)]
    threads = [
        threading.Thread(target=target, args=(bounds[k], bounds[k + 1], *more_args(k)))
        for k in range(THREADS)
    ]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - began


results = [0] * THREADS
local_time = in_threads(partial_sum, lambda k: (results, k))
print(f"суммы потоков: {results}")
print(f"итог: {sum(results)}")
print(f"sum(range({N})) = {sum(range(N))}")

shared = Shared()
locked_time = in_threads(locked_sum, lambda k: (shared,))
print(f"итог через общий счётчик под блокировкой: {shared.total}")
print(f"локальные суммы: {local_time:.3f} с")
print(f"общий счётчик под блокировкой: {locked_time:.3f} с")
print(f"блокировка на каждой итерации медленнее в {locked_time / local_time:.1f} раза")
