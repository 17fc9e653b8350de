"""Четыре способа остановить пул процессов, в котором идут и ждут задачи.

Этот модуль выполняет отдельный процесс (``potok.interpreters.Child``) —
Python 3.14 или новее, если он есть: ``terminate_workers()`` и
``kill_workers()`` появились в 3.14.
"""

import concurrent.futures as cf
import multiprocessing
import signal
import threading
import time

from potok import machine, start_methods, workloads

HOW = {
    "shutdown()": lambda pool: pool.shutdown(),
    "shutdown(cancel_futures=True)": lambda pool: pool.shutdown(cancel_futures=True),
    "terminate_workers()": lambda pool: pool.terminate_workers(),  # 3.14+
    "kill_workers()": lambda pool: pool.kill_workers(),  # 3.14+
}


def ignore_sigterm() -> None:
    """initializer: процесс пула не даёт завершить себя сигналом SIGTERM."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def busy_pool(tasks: int, seconds: float, initializer=None):
    """Пул из одного процесса: одна задача идёт, остальные ждут в очереди."""
    pool = cf.ProcessPoolExecutor(
        1, mp_context=start_methods.mp_context(), initializer=initializer
    )
    pool.submit(workloads.noop).result()  # процесс запущен
    futures = [pool.submit(workloads.io_bound, seconds) for _ in range(tasks)]
    time.sleep(seconds / 4)  # первая задача уже выполняется
    return pool, futures


def join_pool_threads() -> None:
    """Дождаться служебных потоков пула. После terminate_workers() и
    kill_workers() пул их не ждёт; а следующий fork в процессе, где ещё
    работает поток, может скопировать захваченную блокировку."""
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join(timeout=30)


def fates(futures) -> list[str]:
    """Чем кончилась каждая задача."""
    out = []
    for f in futures:
        if f.cancelled():
            out.append("отменена")
        elif f.exception() is not None:
            out.append(type(f.exception()).__name__)
        else:
            out.append("выполнена")
    return out


def stop_once(how: str, tasks: int, seconds: float) -> dict:
    """Остановить занятой пул способом how. Время — до выхода из вызова и до
    того, как не осталось ни одного процесса пула."""
    pool, futures = busy_pool(tasks, seconds)
    start = time.perf_counter()
    HOW[how](pool)
    returned = time.perf_counter() - start
    for process in multiprocessing.active_children():  # только процессы пула
        process.join()
    gone = time.perf_counter() - start
    pool.shutdown()
    join_pool_threads()
    return {"returned": returned, "gone": gone, "fates": fates(futures)}


def stop_all(tasks: int, seconds: float, repeats: int) -> dict:
    """Каждый способ, который есть в этом Python, по очереди, круг за кругом."""
    ways = [
        h
        for h in HOW
        if "workers" not in h or hasattr(cf.ProcessPoolExecutor, "kill_workers")
    ]
    runs = {how: [] for how in ways}
    for _ in range(repeats):
        for how in ways:
            runs[how].append(stop_once(how, tasks, seconds))
    return {"runs": runs, "stamp": machine.stamp()}


def stubborn(seconds: float) -> dict:
    """Процесс пула игнорирует SIGTERM: что сделают terminate_workers() и
    kill_workers() с задачей, которая идёт."""
    found = {}
    for how in ("terminate_workers()", "kill_workers()"):
        pool, futures = busy_pool(2, seconds, initializer=ignore_sigterm)
        HOW[how](pool)
        time.sleep(seconds / 2)
        alive = multiprocessing.active_children()
        found[how] = {"alive": len(alive)}
        if how == "terminate_workers()":
            pool.kill_workers()  # после terminate_workers пул процессов уже не знает
            time.sleep(seconds / 4)
            found[how]["alive_after_kill_workers"] = len(
                multiprocessing.active_children()
            )
        for process in alive:  # убрать за собой то, что осталось
            process.kill()
            process.join()
        pool.shutdown()
        join_pool_threads()
        found[how]["fates"] = fates(futures)
    return found
