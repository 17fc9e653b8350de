"""Модуль «тяжёлого приложения» для пула процессов forkserver.

При импорте он строит большую таблицу — как приложение, которое при загрузке
читает модель, словарь или конфигурацию. Его импортирует каждый процесс пула
(в нём функция задачи), а с ``set_forkserver_preload`` — один раз сам сервер
forkserver. Этот модуль выполняет другой интерпретатор
(``potok.interpreters.Child``): сервер forkserver — один на процесс, и его
список предзагрузки нужно задать до того, как он запустится.
"""

import concurrent.futures as cf
import multiprocessing
import os
import time

from potok import machine

TABLE = {f"ключ-{i}": i * 2 for i in range(200_000)}  # строится при импорте
IMPORTED_IN = os.getpid()  # в каком процессе модуль импортировали


def smaps(pid: int) -> dict:
    """RSS, PSS и USS процесса в КиБ (``/proc/<pid>/smaps_rollup``)."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                fields[name] = int(rest.split()[0])
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return {"rss": fields["Rss"], "pss": fields["Pss"], "uss": uss}


def lookup(key: str) -> dict:
    """Задача: найти ключ в таблице; и кто этот процесс."""
    time.sleep(0.1)  # пока задача идёт, пул запускает следующий процесс
    return {
        "value": TABLE[key],
        "pid": os.getpid(),
        "server": os.getppid(),  # процессы пула forkserver — дети его сервера
        "preloaded": os.getpid() != IMPORTED_IN,  # модуль достался от сервера
    }


def run(preload: bool, workers: int) -> dict:
    """Пул из ``workers`` процессов forkserver, с предзагрузкой модуля в сервер
    или без: время до первых ответов всех процессов и память каждого."""
    ctx = multiprocessing.get_context("forkserver")
    if preload:
        ctx.set_forkserver_preload([__name__])  # импортировать в сервере
    start = time.perf_counter()
    with cf.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        answers = list(pool.map(lookup, [f"ключ-{i}" for i in range(workers)]))
        seconds = time.perf_counter() - start
        memory = [smaps(a["pid"]) for a in answers]  # процессы ещё живы
        server = smaps(answers[0]["server"])
    return {
        "seconds": seconds,
        "workers": memory,
        "server": server,
        "distinct": len({a["pid"] for a in answers}),
        "preloaded": all(a["preloaded"] for a in answers),
        "stamp": machine.stamp(),
    }
