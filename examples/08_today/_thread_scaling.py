"""Одна и та же работа в пулах потоков разного размера.

Этот модуль выполняет другой интерпретатор (``potok.interpreters.Child``),
поэтому он лежит рядом с примером, а не в нём самом. Пример вызывает
:func:`start` один раз, потом :func:`one_round` — по разу на повтор, по очереди
с другим запуском того же интерпретатора, — и в конце :func:`stop`. Между
вызовами пулы остаются запущенными и прогретыми.
"""

import concurrent.futures as cf
import functools

from potok import machine, measure, workloads

pools: dict[int, cf.ThreadPoolExecutor] = {}


def run(pool: cf.Executor, n: int, tasks: int) -> None:
    """``tasks`` вызовов ``cpu_bound(n)`` в пуле; ждём, пока выполнятся все."""
    list(pool.map(workloads.cpu_bound, [n] * tasks))


def start(workers: list[int], n: int, tasks: int) -> None:
    """Запустить по пулу потоков на каждый размер из ``workers`` и прогреть их."""
    for w in workers:
        pools[w] = cf.ThreadPoolExecutor(w)
    one_round(n, tasks)  # прогрев: каждый поток запущен и уже поработал


def one_round(n: int, tasks: int) -> dict[int, measure.Timing]:
    """Один замер каждого размера пула, один за другим (A B C …)."""
    work = {w: functools.partial(run, pool, n, tasks) for w, pool in pools.items()}
    return measure.interleaved(work, repeats=1, warmup=0)


def stop() -> dict:
    """Остановить пулы. Отметка интерпретатора и состояние GIL — после работы:
    free-threaded сборка включает GIL обратно, если модуль-расширение не
    объявил, что умеет работать без него."""
    for pool in pools.values():
        pool.shutdown()
    pools.clear()
    return {"stamp": machine.stamp(), "gil": machine.gil_enabled()}
