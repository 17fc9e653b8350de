"""Один общий объект или свои копии: ``threads`` потоков записывают по ``n``
обновлений тремя способами.

Этот модуль выполняет другой интерпретатор (``potok.interpreters.Child``), поэтому
он лежит рядом с примером, а не в нём самом.
"""

import threading

from potok import machine, measure


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


def shared_list(threads: int, n: int) -> int:
    """Все добавляют в один общий список (каждое ``append`` безопасно; без GIL
    потоки стоят в очереди к блокировке списка)."""
    shared = []

    def work(me: int) -> None:
        append = shared.append
        for i in range(n):
            append(i)

    run_threads(threads, work)
    return len(shared)


def shared_lock(threads: int, n: int) -> int:
    """Все прибавляют к одному счётчику под одной :class:`threading.Lock`."""
    lock, total = threading.Lock(), 0

    def work(me: int) -> None:
        nonlocal total
        for _ in range(n):
            with lock:
                total += 1

    run_threads(threads, work)
    return total


def private(threads: int, n: int) -> int:
    """Каждый поток пишет в свой список; списки склеиваются один раз в конце."""
    parts = [[] for _ in range(threads)]

    def work(me: int) -> None:
        # Поток создаёт свой список сам: на free-threaded сборке список тогда
        # лежит в куче этого потока, а не рядом со списками других потоков в
        # одной строке кеша, в которую писало бы каждое append (ложное
        # разделение).
        mine = []
        append = mine.append
        for i in range(n):
            append(i)
        parts[me] = mine

    run_threads(threads, work)
    merged = []
    for part in parts:
        merged.extend(part)
    return len(merged)


VARIANTS = {"shared-list": shared_list, "shared-lock": shared_lock, "private": private}


def contention(workers: list[int], n: int, repeats: int) -> dict:
    """Время каждого способа для каждого числа потоков, по очереди (A B A B …);
    с отметкой интерпретатора, снятой после работы (был ли GIL выключен)."""
    fns = {
        f"{name} {w}": (lambda fn=fn, w=w: fn(w, n))
        for name, fn in VARIANTS.items()
        for w in workers
    }
    timings = measure.interleaved(fns, repeats=repeats)
    return {"timings": timings, "gil": machine.gil_enabled(), "stamp": machine.stamp()}
