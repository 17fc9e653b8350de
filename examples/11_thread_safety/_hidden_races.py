"""Шесть способов работать с общими данными из нескольких потоков.

Каждая функция запускает ``threads`` потоков, каждый делает ``n`` шагов, и
возвращает число неверных результатов (0 — всё верно). Этот модуль выполняет
другой интерпретатор (``potok.interpreters.Child``), поэтому он лежит рядом с
примером, а не в нём самом.
"""

import threading

from potok import machine


def run_threads(threads: int, work) -> None:
    """``work(me)`` в ``threads`` потоках, стартующих вместе у барьера."""
    barrier = threading.Barrier(threads)

    def run(me: int) -> None:
        barrier.wait()
        work(me)

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


class Box:
    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


def counter(threads: int, n: int) -> int:
    """``box.value += 1``: неверно — потерянные прибавления."""
    box = Box()

    def work(me: int) -> None:
        for _ in range(n):
            box.value += 1

    run_threads(threads, work)
    return threads * n - box.value


def append(threads: int, n: int) -> int:
    """``shared.append(i)``: неверно — недостающие элементы."""
    shared = []

    def work(me: int) -> None:
        for i in range(n):
            shared.append(i)

    run_threads(threads, work)
    return threads * n - len(shared)


def check_then_act(threads: int, n: int) -> int:
    """``if k not in d: d[k] = me``: неверно — ключи, которые «вставили» двое."""
    d, claimed = {}, [0] * threads

    def work(me: int) -> None:
        mine = 0  # сколько ключей этот поток вставил сам
        for k in range(n):
            if k not in d:
                d[k] = me
                mine += 1
        claimed[me] = mine

    run_threads(threads, work)
    return sum(claimed) - n


def setdefault(threads: int, n: int) -> int:
    """То же одной операцией, ``d.setdefault(k, mark)``."""
    d, claimed = {}, [0] * threads
    marks = [object() for _ in range(threads)]

    def work(me: int) -> None:
        mine, mark = 0, marks[me]
        for k in range(n):
            if d.setdefault(k, mark) is mark:  # вставил именно этот поток
                mine += 1
        claimed[me] = mine

    run_threads(threads, work)
    return sum(claimed) - n


def shared_iterator(threads: int, n: int) -> int:
    """Все берут элементы из одного ``iter(list)``: неверно — элементы,
    доставшиеся двоим, и элементы, не доставшиеся никому."""
    total = threads * n
    it = iter(list(range(total)))
    seen = [[] for _ in range(threads)]

    def work(me: int) -> None:
        for x in it:
            seen[me].append(x)

    run_threads(threads, work)
    got = [x for part in seen for x in part]
    unique = len(set(got))
    return (len(got) - unique) + (total - unique)


def local(threads: int, n: int) -> int:
    """Каждый считает в :class:`threading.local`, итог добавляет один раз."""
    data, totals = threading.local(), []

    def work(me: int) -> None:
        data.count = 0
        for _ in range(n):
            data.count += 1
        totals.append(data.count)

    run_threads(threads, work)
    return threads * n - sum(totals)


PATTERNS = {
    "counter": counter,
    "append": append,
    "check-then-act": check_then_act,
    "setdefault": setdefault,
    "shared-iterator": shared_iterator,
    "local": local,
}


def races(threads: int, n: int, runs: int) -> dict:
    """Каждый способ ``runs`` раз, по очереди: число ошибок в каждом прогоне; и
    отметка интерпретатора, снятая после работы (был ли GIL выключен)."""
    wrong = {name: [] for name in PATTERNS}
    for _ in range(runs):
        for name, pattern in PATTERNS.items():
            wrong[name].append(pattern(threads, n))
    return {"wrong": wrong, "gil": machine.gil_enabled(), "stamp": machine.stamp()}
