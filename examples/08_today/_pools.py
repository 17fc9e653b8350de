"""Одна и та же работа подряд и в пулах потоков, процессов и интерпретаторов.

Этот модуль выполняет другой интерпретатор (``potok.interpreters.Child``),
поэтому он лежит рядом с примером, а не в нём самом. Пример вызывает
:func:`start` один раз, потом :func:`one_round` — по разу на повтор, по очереди
с другими интерпретаторами, — и в конце :func:`stop`. Между вызовами пулы
остаются запущенными и прогретыми: время их запуска в замер не входит.
"""

import concurrent.futures as cf
import functools

from potok import cpu, machine, start_methods, workloads

pools: dict[str, cf.Executor] = {}


def run(pool: cf.Executor, n: int, tasks: int) -> None:
    """``tasks`` вызовов ``cpu_bound(n)`` в пуле; ждём, пока выполнятся все."""
    list(pool.map(workloads.cpu_bound, [n] * tasks))


def start(workers: int, n: int, tasks: int, *, interpreter_pool: bool) -> None:
    """Запустить пулы по ``workers`` исполнителей и прогреть их."""
    # Процессы — первыми, пока у этого процесса один поток: fork копирует в
    # дочерний процесс только вызвавший поток, и с другими потоками он может
    # зависнуть.
    processes = cf.ProcessPoolExecutor(workers, mp_context=start_methods.mp_context())
    run(processes, 1, workers)
    pools["threads"] = cf.ThreadPoolExecutor(workers)
    pools["processes"] = processes
    if interpreter_pool:  # Python 3.14+
        pools["interpreters"] = cf.InterpreterPoolExecutor(workers)
    one_round(n, tasks)  # прогрев: каждый исполнитель запущен и уже поработал


def one_round(n: int, tasks: int) -> dict[str, dict[str, float]]:
    """Один замер каждого варианта, один за другим (A B C …): время по часам в
    секундах и сколько CPU в среднем было занято — время CPU этого процесса,
    делённое на время по часам (время CPU дочерних процессов сюда не входит)."""
    work = {"sequential": lambda: [workloads.cpu_bound(n) for _ in range(tasks)]}
    for name, pool in pools.items():
        work[name] = functools.partial(run, pool, n, tasks)
    used = {name: cpu.cores_used(fn) for name, fn in work.items()}
    return {name: {"seconds": u.wall, "cores": u.cores} for name, u in used.items()}


def stop() -> dict:
    """Остановить пулы. Отметка интерпретатора и состояние GIL — после работы:
    free-threaded сборка включает GIL обратно, если модуль-расширение не
    объявил, что умеет работать без него."""
    for pool in pools.values():
        pool.shutdown()
    pools.clear()
    return {"stamp": machine.stamp(), "gil": machine.gil_enabled()}
