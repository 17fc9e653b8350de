"""Сколько памяти стоит ещё один исполнитель: поток, процесс, субинтерпретатор.

Этот модуль выполняет другой интерпретатор (``potok.interpreters.Child``), а
процессы, которые он запускает через spawn и forkserver, импортируют его
заново; поэтому он лежит рядом с примером, а не в нём самом.
"""

import importlib
import multiprocessing
import sys
import threading

from potok import machine

#: Что «приложение» импортировало до запуска исполнителей; каждый исполнитель
#: импортирует то же (если модули уже есть в процессе, это ничего не стоит).
MODULES = ["decimal", "email.message", "json", "xml.etree.ElementTree"]


def smaps(pid: int | str = "self") -> dict:
    """RSS, PSS и USS процесса в КиБ из ``/proc/<pid>/smaps_rollup`` (Linux 4.14+).

    RSS — все страницы процесса в памяти, общие с другими тоже; PSS — каждая
    общая страница делится поровну между процессами, которые её держат; USS —
    только страницы, которые есть у одного этого процесса (Private_*)."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as f:
        for line in f:
            name, _, rest = line.partition(":")
            value = rest.split()
            if len(value) == 2 and value[1] == "kB":
                fields[name] = int(value[0])
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return {"rss": fields["Rss"], "pss": fields["Pss"], "uss": uss}


def work(ready, stop) -> None:
    """Исполнитель: импортирует модули приложения, говорит «готов» и ждёт."""
    for name in MODULES:
        importlib.import_module(name)
    ready.release()
    stop.wait()


def processes(method: str, n: int) -> list[dict]:
    """``n`` процессов, запущенных способом ``method``: память каждого."""
    ctx = multiprocessing.get_context(method)
    ready, stop = ctx.Semaphore(0), ctx.Event()
    workers = [ctx.Process(target=work, args=(ready, stop)) for _ in range(n)]
    for p in workers:
        p.start()
    for _ in workers:
        ready.acquire()
    each = [smaps(p.pid) for p in workers]
    stop.set()
    for p in workers:
        p.join()
    return each


def per_worker(before: dict, after: dict, n: int) -> dict:
    return {key: (after[key] - before[key]) / n for key in before}


def threads(n: int) -> dict:
    """``n`` потоков в этом процессе: на сколько выросла его память, на поток."""
    ready, stop = threading.Semaphore(0), threading.Event()
    workers = [threading.Thread(target=work, args=(ready, stop)) for _ in range(n)]
    before = smaps()
    for t in workers:
        t.start()
    for _ in workers:
        ready.acquire()
    after = smaps()
    stop.set()
    for t in workers:
        t.join()
    return per_worker(before, after, n)


def subinterpreters(n: int) -> dict:
    """``n`` субинтерпретаторов (Python 3.14+), каждый импортирует модули
    приложения сам: у каждого свои модули и свои объекты."""
    from concurrent import interpreters

    before = smaps()
    workers = [interpreters.create() for _ in range(n)]
    for interp in workers:
        interp.exec("\n".join(f"import {name}" for name in MODULES))
    after = smaps()
    for interp in workers:
        interp.close()
    return per_worker(before, after, n)


def measure_all(n: int) -> dict:
    """Всё подряд в этом интерпретаторе: сначала процессы (fork копирует только
    вызвавший поток, поэтому — пока других потоков нет), потом потоки и
    субинтерпретаторы."""
    for name in MODULES:  # приложение уже загрузило свои модули
        importlib.import_module(name)
    kinds = {}
    for method in ("fork", "forkserver", "spawn"):
        if method in multiprocessing.get_all_start_methods():
            kinds[method] = processes(method, n)
    kinds["thread"] = [threads(n)]
    if sys.version_info >= (3, 14):
        kinds["interpreter"] = [subinterpreters(n)]
    return {"kinds": kinds, "stamp": machine.stamp(), "gil": machine.gil_enabled()}
