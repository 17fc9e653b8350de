"""Упражнение к главе 13: один поток BLAS на процесс пула.

Пул из двух процессов, каждая задача которого вызывала бы NumPy, по умолчанию
приводит в каждый процесс по пулу BLAS на все логические процессоры. Ограничить
его можно в initializer пула: он выполняется в процессе до первой задачи, и если
NumPy там ещё не загружен (главный процесс здесь NumPy не импортирует, а задачи
импортируют его сами), переменные окружения, заданные в initializer, BLAS
прочитает. Скрипт спрашивает у BLAS в каждом процессе пула, сколько у неё
потоков, без ограничения и с ним.
"""

import ctypes
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from potok.start_methods import start_method

WORKERS = 2
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
#: Функция «сколько у тебя потоков» у OpenBLAS из колёс NumPy (имя зависит от сборки).
GETTERS = (
    "scipy_openblas_get_num_threads64_",
    "scipy_openblas_get_num_threads",
    "openblas_get_num_threads64_",
    "openblas_get_num_threads",
)


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
    """initializer: до того, как задача импортирует NumPy."""
    for name in THREAD_VARS:
        os.environ[name] = "1"


def report(_: int) -> tuple[int, int | None]:
    """Задача: загрузить NumPy (и BLAS) и спросить, сколько потоков она возьмёт."""
    import numpy  # noqa: F401  (загружает BLAS, если ещё не загружена)

    return os.getpid(), blas_threads()


def per_process(initializer=None) -> dict[int, int | None]:
    ctx = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(WORKERS, mp_context=ctx, initializer=initializer) as pool:
        return dict(pool.map(report, range(2 * WORKERS)))


if __name__ == "__main__":
    for name in THREAD_VARS:  # без ограничений из окружения, в котором запустили
        os.environ.pop(name, None)
    print(f"метод запуска: {start_method()}")
    print(f"логических процессоров: {os.cpu_count()}")
    default = per_process()
    limited = per_process(one_blas_thread)
    if None in default.values():
        print("число потоков BLAS узнать не удалось: это не OpenBLAS или не Linux")
    else:
        for title, threads in (
            ("без ограничения", default),
            ("с initializer", limited),
        ):
            counts = sorted(threads.values())
            print(
                f"{title}: процессов {len(threads)}, потоков BLAS в них {counts}, "
                f"всего {sum(counts)}"
            )
