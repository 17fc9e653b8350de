"""Потоки читают список чисел: один общий, его поверхностную копию или свой.

Этот модуль выполняет другой интерпретатор (``potok.interpreters.Child``), поэтому
он лежит рядом с примером, а не в нём самом.
"""

import threading
import time

from potok import machine, measure


def make_numbers(k: int) -> list[float]:
    """``k`` чисел; их объекты принадлежат потоку, который вызвал функцию."""
    return [float(i) for i in range(k)]


def largest(numbers: list[float], rounds: int) -> float:
    """Только чтение: ``rounds`` раз найти наибольшее число списка. Каждый шаг
    цикла берёт ссылку на элемент (+1 к его счётчику ссылок) и отпускает
    прежнюю (−1): читая объект, поток пишет в его заголовок."""
    best = 0.0
    for _ in range(rounds):
        for x in numbers:
            if x > best:
                best = x
    return best


def get_data(variant: str, shared: list[float]) -> list[float]:
    """Что получает поток: ``shared`` — тот же список, что у всех; ``copy`` —
    свой список, но с теми же объектами-числами внутри; ``own`` — свой список
    своих чисел, созданных этим потоком."""
    if variant == "shared":
        return shared
    if variant == "copy":
        return list(shared)
    return make_numbers(len(shared))


def run(variant: str, threads: int, shared: list[float], rounds: int) -> float:
    """``threads`` потоков одновременно (от барьера) читают свои данные;
    возвращает их процессорное время на один прочитанный элемент, нс."""
    barrier = threading.Barrier(threads)
    cpu = [0.0] * threads

    def work(me: int) -> None:
        data = get_data(variant, shared)  # до барьера: вне замера
        barrier.wait()
        start = time.thread_time()
        largest(data, rounds)
        cpu[me] = time.thread_time() - start

    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(cpu) / (threads * rounds * len(shared)) * 1e9


VARIANTS = ("shared", "copy", "own")


def scaling(workers: list[int], k: int, rounds: int, repeats: int) -> dict:
    """Время каждого варианта для каждого числа потоков, по очереди (A B C A B C
    …), и процессорное время на элемент; с отметкой интерпретатора."""
    shared = make_numbers(k)  # числа главного потока этого интерпретатора
    cpu_ns: dict[str, list[float]] = {}

    def one(variant: str, threads: int) -> None:
        ns = run(variant, threads, shared, rounds)
        cpu_ns.setdefault(f"{variant} {threads}", []).append(ns)

    fns = {f"{v} {w}": (lambda v=v, w=w: one(v, w)) for v in VARIANTS for w in workers}
    timings = measure.interleaved(fns, repeats=repeats)
    return {
        "timings": timings,
        # процессорное время замеров (без прогрева — он первый)
        "cpu_ns": {key: measure.Timing(tuple(v[1:])) for key, v in cpu_ns.items()},
        "gil": machine.gil_enabled(),
        "stamp": machine.stamp(),
    }
