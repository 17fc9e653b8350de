"""Сколько стоит блокировка: потоки, которые захватывают и отпускают её в цикле.

Этот модуль выполняет другой интерпретатор (``potok.interpreters.Child``), поэтому
он лежит рядом с примером, а не в нём самом.
"""

import threading

from potok import machine, measure

KINDS = ("shared", "private")


def hammer(kind: str, threads: int, n: int) -> None:
    """``threads`` потоков, каждый ``n`` раз выполняет ``with lock: pass``.

    ``shared``: у всех одна блокировка (с двумя потоками и больше у неё есть
    соперники); ``private``: у каждого потока своя (соперников нет никогда).
    Потоки стартуют вместе, у барьера; функция дожидается их всех.
    """
    shared = threading.Lock()
    locks = [shared if kind == "shared" else threading.Lock() for _ in range(threads)]
    barrier = threading.Barrier(threads)

    def run(lock: threading.Lock) -> None:
        barrier.wait()
        for _ in range(n):
            with lock:
                pass

    pool = [threading.Thread(target=run, args=(lock,)) for lock in locks]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


def measure_hammer(threads: list[int], n: int, repeats: int) -> dict:
    """Время :func:`hammer` для каждого варианта и числа потоков, по очереди
    (A B A B …); с отметкой интерпретатора, снятой после работы (она говорит,
    был ли GIL выключен)."""
    fns = {
        f"{kind} {t}": (lambda kind=kind, t=t: hammer(kind, t, n))
        for kind in KINDS
        for t in threads
    }
    timings = measure.interleaved(fns, repeats=repeats)
    return {"timings": timings, "gil": machine.gil_enabled(), "stamp": machine.stamp()}
