"""Упражнение к главе 16: остановить пул процессов, в котором идут задачи.

Пул из одного процесса и пять задач по 0,3 с. shutdown(cancel_futures=True)
(Python 3.9+) отменяет задачи, которые ещё не переданы процессу, и ждёт
остальные. kill_workers() (Python 3.14+) убивает процессы пула сразу: задачи,
которые шли, получают BrokenProcessPool. На Python до 3.14 вторая часть
говорит, чего не хватает, и не выполняется.
"""

import concurrent.futures as cf
import multiprocessing
import sys
import time

from potok import start_methods, workloads

TASKS = 5
SECONDS = 0.3


def fates(futures) -> str:
    names = []
    for f in futures:
        if f.cancelled():
            names.append("отменена")
        elif f.exception() is not None:
            names.append(type(f.exception()).__name__)
        else:
            names.append("выполнена")
    return ", ".join(names)


def stop(how: str) -> None:
    pool = cf.ProcessPoolExecutor(1, mp_context=start_methods.mp_context())
    pool.submit(workloads.noop).result()  # процесс пула запущен
    futures = [pool.submit(workloads.io_bound, SECONDS) for _ in range(TASKS)]
    time.sleep(SECONDS / 3)  # первая задача уже идёт
    start = time.perf_counter()
    if how == "kill_workers":
        pool.kill_workers()  # Python 3.14+
    else:
        pool.shutdown(cancel_futures=True)
    for process in multiprocessing.active_children():  # это процессы пула
        process.join()
    seconds = time.perf_counter() - start
    pool.shutdown()
    print(f"{how}: процессов пула нет через {seconds:.2f} с; задачи: {fates(futures)}")


if __name__ == "__main__":
    print(f"метод запуска: {start_methods.start_method()}")
    stop("cancel_futures")
    if hasattr(cf.ProcessPoolExecutor, "kill_workers"):
        stop("kill_workers")
    else:
        version = ".".join(map(str, sys.version_info[:2]))
        print(f"kill_workers нет: он появился в Python 3.14, а здесь {version}")
    print(f"дочерних процессов осталось: {len(multiprocessing.active_children())}")
