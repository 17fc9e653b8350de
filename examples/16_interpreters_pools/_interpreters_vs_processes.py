"""Пул интерпретаторов против пула процессов: сколько стоит запуск и сколько —
пересылка данных в задачу.

Этот модуль выполняет Python 3.14 или новее (``potok.interpreters.Child``).
"""

import concurrent.futures as cf
import functools
import multiprocessing

from potok import machine, measure, start_methods


def pool_life(make) -> None:
    """Запустить пул из одного исполнителя, дать ему задачу, закрыть пул."""
    pool = make(1)
    try:
        pool.submit(len, b"").result()
    finally:
        pool.shutdown()


def start_costs(repeats: int) -> dict:
    """Жизнь пула интерпретаторов и пула процессов при каждом методе запуска,
    по очереди, круг за кругом."""
    makers = {"интерпретаторы": cf.InterpreterPoolExecutor}
    for method in multiprocessing.get_all_start_methods():
        makers[f"процессы, {method}"] = functools.partial(
            cf.ProcessPoolExecutor, mp_context=start_methods.mp_context(method)
        )
    timings = measure.interleaved(
        {name: functools.partial(pool_life, make) for name, make in makers.items()},
        repeats=repeats,
    )
    return {"timings": timings, "stamp": machine.stamp()}


def payloads(kind: str, sizes: list[int]) -> list:
    """Данные для задач: bytes по ``size`` байт или список из ``size`` чисел."""
    if kind == "bytes":
        return [bytes(size) for size in sizes]
    return [list(range(size)) for size in sizes]


def round_trip(pool: cf.Executor, payload) -> None:
    """Одна задача len(payload): данные туда, число обратно."""
    pool.submit(len, payload).result()


def transfer_costs(kind: str, sizes: list[int], repeats: int) -> dict:
    """Время одной задачи с данными разного размера в прогретых пулах из одного
    исполнителя: интерпретатор и процесс (метод запуска — как у примера)."""
    # Процесс — первым: fork в процессе, где уже есть субинтерпретатор, роняет
    # дочерний процесс (gh-139759, пример plot_interpreter_refusals).
    processes = cf.ProcessPoolExecutor(1, mp_context=start_methods.mp_context())
    round_trip(processes, b"")  # исполнитель запущен
    pools = {"интерпретаторы": cf.InterpreterPoolExecutor(1), "процессы": processes}
    try:
        round_trip(pools["интерпретаторы"], b"")
        costs = {name: [] for name in pools}
        for payload in payloads(kind, sizes):
            timings = measure.interleaved(
                {
                    n: functools.partial(round_trip, p, payload)
                    for n, p in pools.items()
                },
                repeats=repeats,
            )
            for name, timing in timings.items():
                costs[name].append(timing)
    finally:
        for pool in pools.values():
            pool.shutdown()
    return {"costs": costs, "stamp": machine.stamp()}
