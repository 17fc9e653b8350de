"""Упражнение к главе 11: раздать элементы одного итератора нескольким потокам.

Общий итератор небезопасен: на free-threaded сборке элементы из него могут
повторяться или пропадать, а генератор, из которого два потока берут элементы
одновременно, поднимает ValueError. Безопасно — брать следующий элемент под
блокировкой (или передавать элементы через queue.Queue). Скрипт проверяет, что
каждый элемент обработан ровно один раз.
"""

import collections
import threading

from potok.machine import python_build
from potok.measure import scale

ITEMS = scale(100_000, 20_000)
THREADS = 4


def numbers():
    yield from range(ITEMS)


def worker(it, lock: threading.Lock, taken: list) -> None:
    mine = []  # своя переменная: копим без синхронизации
    while True:
        with lock:  # next() общего итератора — только под блокировкой
            item = next(it, None)
        if item is None:
            break
        mine.append(item)
    taken.append(mine)  # одна операция над общим списком


it = numbers()
lock = threading.Lock()
taken: list[list[int]] = []
threads = [
    threading.Thread(target=worker, args=(it, lock, taken)) for _ in range(THREADS)
]
for t in threads:
    t.start()
for t in threads:
    t.join()

counts = collections.Counter(x for part in taken for x in part)
print(python_build())
print(f"элементов: {ITEMS}, потоков: {THREADS}")
print(f"взяли потоки: {[len(part) for part in taken]}")
print(
    f"повторов: {sum(c - 1 for c in counts.values())}, пропусков: {ITEMS - len(counts)}"
)
exact = sorted(counts) == list(range(ITEMS)) and set(counts.values()) == {1}
print(f"каждый элемент ровно один раз: {'да' if exact else 'нет'}")
