"""Задача пула, которой нужен «тяжёлый» модуль, и замер пулов.

Модуль импортирует NumPy на верхнем уровне — как модуль с задачами настоящей
программы, которому нужны NumPy, pandas или своя большая библиотека. Рабочий
процесс импортирует этот модуль, чтобы найти функцию задачи по имени; где
это происходит, помнит ``IMPORTED_IN``.
"""

import multiprocessing
import os
import time

import numpy  # noqa: F401  («тяжёлый» импорт)

IMPORTED_IN = os.getpid()  # процесс, в котором этот модуль импортирован


def ready():
    """``initializer`` пула: его тоже находят по имени, поэтому модуль
    импортирует каждый рабочий процесс, даже без задачи."""


def task(_):
    return IMPORTED_IN, os.getpid()


def time_pools(variant, pools, workers):
    """Время ``pools`` пулов из ``workers`` процессов (создать, выполнить по
    задаче в каждом, закрыть и дождаться) после пула-прогрева из одного
    процесса, и сколько рабочих процессов импортировали этот модуль сами."""
    method = "fork" if variant == "fork" else "forkserver"
    context = multiprocessing.get_context(method)
    if variant == "forkserver + preload":
        context.set_forkserver_preload([__name__])
    times, own_imports = [], 0
    for i in range(pools + 1):  # первый пул, из одного процесса, запускает сервер
        start = time.perf_counter()
        pool = context.Pool(workers if i else 1, initializer=ready)
        seen = pool.map(task, range(workers), chunksize=1)
        pool.close()
        pool.join()
        if i:
            times.append(time.perf_counter() - start)
            own_imports += sum(where == pid for where, pid in seen)
    return {"times": times, "own_imports": own_imports, "tasks": pools * workers}
