"""Задача пула процессов пробует пользоваться своим же пулом.

Документация: «вызов методов Executor или Future из функции, отправленной в
ProcessPoolExecutor, приведёт к взаимной блокировке». Этот модуль проверяет,
что бывает на самом деле при каждом методе запуска. Его выполняет отдельный
процесс того же Python (``potok.interpreters.Child``): в конце он убивает
своих дочерних процессов, и больше ничьих у него нет.
"""

import concurrent.futures as cf
import faulthandler
import linecache
import multiprocessing
import os
import re
import tempfile

from potok import start_methods

POOL = None  # пул, который задача найдёт в глобальной переменной


def square(x):
    return x * x


def submit_from_task(x, dump_path, stack_after):
    """Задача: отправить подзадачу в POOL и дождаться её. Если через
    stack_after секунд она всё ещё здесь, faulthandler пишет стек в файл."""
    with open(dump_path, "w", encoding="utf-8") as dump:
        faulthandler.dump_traceback_later(stack_after, file=dump)
        try:
            return POOL.submit(square, x).result(timeout=60)
        finally:
            faulthandler.cancel_dump_traceback_later()


def takes_pool(pool):  # задача, которой передали пул аргументом
    return pool.submit(square, 3).result(timeout=60)


def takes_future(future):  # задача, которой передали Future аргументом
    return future.result(timeout=60)


def outcome(future, timeout) -> str:
    try:
        return f"вернула {future.result(timeout=timeout)!r}"
    except TimeoutError:
        return f"нет ответа за {timeout} с"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def try_method(method: str, stack_after: float) -> dict:
    """Три попытки при методе запуска method; что вышло и стек зависшей задачи."""
    global POOL
    found = {}
    ctx = start_methods.mp_context(method)
    with cf.ProcessPoolExecutor(1, mp_context=ctx) as pool:
        found["пул аргументом"] = outcome(pool.submit(takes_pool, pool), 60)
        first = pool.submit(square, 2)
        found["Future аргументом"] = outcome(pool.submit(takes_future, first), 60)
    fd, dump_path = tempfile.mkstemp(suffix=".txt")
    os.close(fd)
    pool = POOL = cf.ProcessPoolExecutor(1, mp_context=ctx)
    try:
        task = pool.submit(submit_from_task, 3, dump_path, stack_after)
        found["пул из глобальной переменной"] = outcome(task, 2 * stack_after + 0.5)
        with open(dump_path, encoding="utf-8") as dump:
            stack = dump.read()
    finally:
        POOL = None
        # процесс пула, который так и не ответил, убить: сам он не выйдет
        stuck = [] if task.done() else multiprocessing.active_children()
        for process in stuck:
            process.kill()
            process.join()
        pool.shutdown(cancel_futures=True)
        os.unlink(dump_path)
    return {"outcomes": found, "stack": stack, "line": top_line(stack),
            "stuck": len(stuck)}  # fmt: skip


def top_line(stack: str) -> str:
    """Текст строки, на которой стоит задача (первый кадр стека)."""
    frame = re.search(r'File "([^"]+)", line (\d+)', stack)
    return linecache.getline(frame[1], int(frame[2])).strip() if frame else ""
