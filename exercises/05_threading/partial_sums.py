"""Упражнение к главе 5: вернуть результат из потоков без блокировки.

Функция потока ничего не возвращает. Вместо общего счётчика под блокировкой
каждый поток считает в локальной переменной и один раз в конце кладёт итог в
свою ячейку списка; главный поток складывает ячейки после join().
"""

import threading

from potok.measure import scale

N = scale(2_000_000, 200_000)
THREADS = 4


def partial_sum(start: int, stop: int, results: list[int], slot: int) -> None:
    total = 0  # локальная переменная: ни с кем не делится
    for i in range(start, stop):
        total += i
    results[slot] = total  # одна запись в свою ячейку


bounds = [N * k // THREADS for k in range(THREADS + 1)]
results = [0] * THREADS
threads = [
    threading.Thread(target=partial_sum, args=(bounds[k], bounds[k + 1], results, k))
    for k in range(THREADS)
]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"суммы потоков: {results}")
print(f"итог: {sum(results)}")
print(f"sum(range({N})) = {sum(range(N))}")
