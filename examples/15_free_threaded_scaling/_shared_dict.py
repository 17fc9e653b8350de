"""Потоки читают общий словарь, пишут в общий словарь или в свой.

Этот модуль выполняет другой интерпретатор (``potok.interpreters.Child``), поэтому
он лежит рядом с примером, а не в нём самом.
"""

import dis
import threading
import time

from potok import machine


def read_shared(shared: dict, keys: range, merged: dict, lock) -> None:
    """Только чтение общего словаря, у каждого потока свои ключи."""
    hits = 0
    for key in keys:
        hits += shared[key]


def write_shared(shared: dict, keys: range, merged: dict, lock) -> None:
    """Запись в общий словарь: каждая запись берёт его внутреннюю блокировку."""
    for key in keys:
        merged[key] = 1


def write_own(shared: dict, keys: range, merged: dict, lock) -> None:
    """Запись в свой словарь и одно слияние в конце, под блокировкой."""
    mine = {}
    for key in keys:
        mine[key] = 1
    with lock:
        merged.update(mine)


VARIANTS = {"read": read_shared, "write": write_shared, "own": write_own}


def run(variant: str, threads: int, n: int, shared: dict) -> tuple[float, float]:
    """``threads`` потоков одновременно (от барьера), по ``n`` обращений у
    каждого, к своим ключам; процессорное время на обращение (нс) и время
    по часам (с)."""
    merged, lock = {}, threading.Lock()
    work, barrier = VARIANTS[variant], threading.Barrier(threads)
    cpu = [0.0] * threads

    def body(me: int) -> None:
        keys = range(me * n, (me + 1) * n)
        barrier.wait()
        start = time.thread_time()
        work(shared, keys, merged, lock)
        cpu[me] = time.thread_time() - start

    pool = [threading.Thread(target=body, args=(i,)) for i in range(threads)]
    begin = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - begin
    if variant != "read":
        assert len(merged) == threads * n  # ни одна запись не потерялась
    return sum(cpu) / (threads * n) * 1e9, wall


def contention(threads: list[int], n: int, repeats: int) -> dict:
    """Каждый вариант для каждого числа потоков, по очереди (A B C … A B C …);
    процессорное время на обращение и время по часам; как цикл read_shared
    загружает словарь; отметка интерпретатора."""
    shared = {key: 1 for key in range(max(threads) * n)}  # заполняет главный поток
    samples: dict[str, dict[str, list[float]]] = {"cpu_ns": {}, "wall": {}}
    for rnd in range(repeats + 1):  # круг 0 — прогрев
        for variant in VARIANTS:
            for w in threads:
                ns, wall = run(variant, w, n, shared)
                if rnd:
                    samples["cpu_ns"].setdefault(f"{variant} {w}", []).append(ns)
                    samples["wall"].setdefault(f"{variant} {w}", []).append(wall)
    # 3.14 сливает две загрузки в одну команду: тогда argval — пара имён
    loads = [
        i.opname
        for i in dis.get_instructions(read_shared)
        if "shared" in (i.argval if isinstance(i.argval, tuple) else [i.argval])
    ]
    return {
        **samples,
        "read_load": loads,
        "gil": machine.gil_enabled(),
        "stamp": machine.stamp(),
    }
