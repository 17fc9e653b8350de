"""Упражнение к главе 13: один поток BLAS на процесс пула.

Пул из двух процессов, каждая задача которого вызывала бы NumPy, по умолчанию
приводит в каждый процесс по пулу BLAS на все логические процессоры. Ограничить
его можно в initializer пула: он выполняется в процессе пула до первой задачи,
и переменные окружения, заданные в нём, BLAS прочитает, когда задача импортирует
NumPy. Но только если NumPy в процессе пула к этому моменту ещё не загружен, а
загрузить его раньше могут три вещи:

* fork — процесс пула получает копию главного процесса со всем, что тот уже
  импортировал;
* spawn — процесс пула до initializer импортирует главный модуль заново (как
  __mp_main__), со всеми его импортами верхнего уровня;
* forkserver — сервер, от которого ответвляются процессы пула, заранее
  загружает главный модуль (как при spawn) и передаёт его процессам пула.

Поэтому этот модуль не импортирует NumPy ни на верхнем уровне, ни в главном
процессе (и ничего, что импортировало бы его, — даже potok берётся только в
блоке __main__), а скрипт проверяет это: главный процесс — перед запуском пула,
initializer — в каждом процессе пула. Потом задачи спрашивают у BLAS, сколько у
неё потоков, без ограничения и с ним.
"""

import ctypes
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor

# NumPy здесь не импортируем: при spawn и forkserver этот модуль выполняется в
# процессе пула до initializer, и BLAS прочитала бы окружение раньше него.

WORKERS = 2
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
#: Функция «сколько у тебя потоков» у OpenBLAS из колёс NumPy (имя зависит от сборки).
GETTERS = (
    "scipy_openblas_get_num_threads64_",
    "scipy_openblas_get_num_threads",
    "openblas_get_num_threads64_",
    "openblas_get_num_threads",
)
#: В процессе пула: был ли NumPy загружен, когда выполнялся initializer.
numpy_before_initializer = None


def blas_threads() -> int | None:
    """Спросить у загруженной OpenBLAS, сколько у неё потоков: найти её среди
    библиотек процесса (/proc/self/maps, Linux) и вызвать её функцию через
    ctypes. None, если не вышло (другая BLAS или другая система)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            paths = {
                ln.split()[-1] for ln in f if "openblas" in ln.lower() and "/" in ln
            }
    except OSError:
        return None
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in GETTERS:
            if (getter := getattr(lib, name, None)) is not None:
                return getter()
    return None


def one_blas_thread() -> None:
    """initializer: записать, загружен ли уже NumPy, и задать переменные."""
    global numpy_before_initializer
    numpy_before_initializer = "numpy" in sys.modules
    for name in THREAD_VARS:
        os.environ[name] = "1"  # BLAS прочитает их при первом import numpy


def report(_: int) -> tuple[int, int | None, bool | None]:
    """Задача: загрузить NumPy (и BLAS) и спросить, сколько потоков она возьмёт."""
    import numpy  # noqa: F401  (загружает BLAS, если ещё не загружена)

    return os.getpid(), blas_threads(), numpy_before_initializer


def per_process(method: str, initializer=None) -> dict:
    ctx = multiprocessing.get_context(method)
    with ProcessPoolExecutor(WORKERS, mp_context=ctx, initializer=initializer) as pool:
        done = pool.map(report, range(2 * WORKERS))
        return {pid: (threads, early) for pid, threads, early in done}


if __name__ == "__main__":
    from potok.start_methods import start_method

    for name in THREAD_VARS:  # без ограничений из окружения, в котором запустили
        os.environ.pop(name, None)
    method = start_method()
    print(f"метод запуска: {method}")
    # процессоры, на которых процессу разрешено работать (как os.process_cpu_count,
    # 3.13); OpenBLAS на Linux считает их так же
    usable = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count()
    )
    print(f"логических процессоров, доступных процессу: {usable}")
    loaded = "загружен" if "numpy" in sys.modules else "не загружен"
    print(f"NumPy в главном процессе перед запуском пула: {loaded}")
    default = per_process(method)
    limited = per_process(method, one_blas_thread)
    early = {e for _, e in limited.values()}
    loaded = "загружен" if True in early else "не загружен"
    print(f"NumPy в процессах пула, когда выполнялся initializer: {loaded}")
    if None in (t for t, _ in default.values()):
        print("число потоков BLAS узнать не удалось: это не OpenBLAS или не Linux")
    else:
        for title, got in (("без ограничения", default), ("с initializer", limited)):
            counts = sorted(t for t, _ in got.values())
            print(
                f"{title}: процессов {len(got)}, потоков BLAS в них {counts}, "
                f"всего {sum(counts)}"
            )
