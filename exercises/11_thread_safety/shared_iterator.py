"""Упражнение к главе 11: раздать элементы одного итератора нескольким потокам.

Четыре потока берут числа из одного итератора Numbers, написанного на Python:
его __next__ читает self.i и записывает self.i + 1 отдельными шагами. Сначала
без синхронизации: два потока могут прочитать одно и то же значение, и число
достаётся обоим. На сборке с GIL это почти не проявляется (между чтением и
записью интерпретатор GIL не отдаёт), на free-threaded сборке — обычное дело.
Потом следующий элемент берётся под блокировкой: каждое число обработано ровно
один раз на любой сборке.

Общий генератор без блокировки здесь не запускается: генератор, который уже
выполняется в другом потоке, выбрасывает ValueError, а на free-threaded 3.13 и
3.14 может и обрушить интерпретатор (CPython gh-120321).
"""

import collections
import threading

from potok.machine import python_build
from potok.measure import scale

ITEMS = scale(100_000, 20_000)
THREADS = 4


class Numbers:
    """Итератор 0, 1, …, n - 1: «проверить, потом действовать» внутри __next__."""

    def __init__(self, n: int) -> None:
        self.n, self.i = n, 0

    def __iter__(self):
        return self

    def __next__(self) -> int:
        i = self.i  # прочитать...
        if i >= self.n:
            raise StopIteration
        self.i = i + 1  # ...записать: между ними другой поток успевает своё
        return i


def worker(it, lock, taken: list, start: threading.Barrier) -> None:
    mine = []  # своя переменная: копим без синхронизации
    start.wait()  # все потоки начинают вместе
    while True:
        if lock is None:
            item = next(it, None)  # без блокировки: гонка внутри __next__
        else:
            with lock:  # next() общего итератора — только под блокировкой
                item = next(it, None)
        if item is None:
            break
        mine.append(item)
    taken.append(mine)  # одна операция над общим списком


def share(lock) -> tuple[list[int], int, int]:
    """Раздать ITEMS чисел THREADS потокам; сколько взял каждый, сколько лишних
    выдач (число досталось ещё одному потоку) и сколько чисел не выдано вовсе."""
    it = Numbers(ITEMS)
    taken: list[list[int]] = []
    start = threading.Barrier(THREADS)
    threads = [
        threading.Thread(target=worker, args=(it, lock, taken, start))
        for _ in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = collections.Counter(x for part in taken for x in part)
    extra = sum(c - 1 for c in counts.values())
    return [len(part) for part in taken], extra, ITEMS - len(counts)


print(python_build())
print(f"чисел: {ITEMS}, потоков: {THREADS}")
sizes, extra, missed = share(lock=None)
print(f"без блокировки: взяли потоки {sizes}; лишних выдач {extra}, не выдано {missed}")
sizes, extra, missed = share(lock=threading.Lock())
print(f"с блокировкой: взяли потоки {sizes}")
print(f"повторов: {extra}, пропусков: {missed}")
print(f"каждый элемент ровно один раз: {'да' if extra == missed == 0 else 'нет'}")
