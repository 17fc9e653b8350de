"""Пачка умножений матриц в наших потоках и процессах, при заданной настройке BLAS.

Этот модуль выполняет отдельный интерпретатор (``potok.interpreters.Child``), по
одному на каждую настройку BLAS, поэтому он лежит рядом с примером. Первый вызов
в интерпретаторе — :func:`start`: он задаёт переменные окружения (или убирает
их) и только потом импортирует NumPy, потому что BLAS читает их один раз, когда
загружается. Процессы пула наследуют окружение: при fork они получают копию уже
настроенной библиотеки; при spawn и forkserver импортируют NumPy сами, с тем же
окружением, когда задача его импортирует (главный модуль этого интерпретатора,
``potok.interpreters``, NumPy не импортирует, так что раньше его не загрузит
ничто).
"""

import concurrent.futures as cf
import ctypes
import functools
import os
import sys
import time

from potok import start_methods

#: Переменные, из которых библиотеки BLAS берут число своих потоков.
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
#: Как называется функция «сколько у тебя потоков» у OpenBLAS из колёс NumPy.
GETTERS = (
    "scipy_openblas_get_num_threads64_",  # NumPy 2 (scipy-openblas64)
    "scipy_openblas_get_num_threads",
    "openblas_get_num_threads64_",
    "openblas_get_num_threads",
)
_pools: dict[str, cf.Executor] = {}  # пулы этого интерпретатора, между вызовами


@functools.cache  # у процесса число не меняется: спросить один раз
def blas_threads() -> dict:
    """Сколько потоков возьмёт загруженная BLAS и как это узнали.

    Через threadpoolctl, если он установлен; иначе спрашиваем саму OpenBLAS:
    находим её среди библиотек процесса (``/proc/self/maps``, Linux) и вызываем
    её функцию через :mod:`ctypes`. ``threads`` — None, если не вышло.
    """
    import numpy  # noqa: F401  (загружает BLAS)

    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        pass
    else:
        for info in threadpool_info():
            if info.get("user_api") == "blas":
                library = info.get("internal_api", "BLAS")
                how = "threadpoolctl.threadpool_info()"
                return {"threads": info["num_threads"], "library": library, "how": how}
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            paths = {
                ln.split()[-1] for ln in f if "openblas" in ln.lower() and "/" in ln
            }
    except OSError:
        paths = set()
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in GETTERS:
            if (getter := getattr(lib, name, None)) is not None:
                library = f"OpenBLAS ({os.path.basename(path)})"
                return {
                    "threads": getter(),
                    "library": library,
                    "how": f"ctypes: {name}()",
                }
    return {"threads": None, "library": "?", "how": "не удалось узнать"}


def matmuls(n: int, count: int) -> tuple[int, int | None]:
    """``count`` умножений двух матриц n×n; этот процесс (у каждого процесса свой
    пул BLAS) и сколько потоков BLAS у него."""
    import numpy as np

    rng = np.random.default_rng(n)
    a, b = rng.random((n, n)), rng.random((n, n))
    for _ in range(count):
        a @ b  # умножение и есть работа
    return os.getpid(), blas_threads()["threads"]


def share(n: int, count: int, tasks: int) -> list:
    """Доля одного исполнителя: ``tasks`` задач :func:`matmuls` подряд."""
    return [matmuls(n, count) for _ in range(tasks)]


def start(blas: int | None, method: str, workers: list[int], n: int) -> dict:
    """Первый вызов: окружение, потом NumPy, потом пулы, прогретые.

    ``blas=None`` — переменных нет вовсе (по умолчанию BLAS берёт по потоку на
    логический процессор), ``blas=1`` — один поток.
    """
    if "numpy" in sys.modules:
        raise RuntimeError("NumPy уже загружен: переменные окружения опоздали")
    for name in THREAD_VARS:
        os.environ.pop(name, None)
        if blas is not None:
            os.environ[name] = str(blas)
    import numpy  # noqa: F401  (здесь BLAS читает окружение, один раз)

    ctx = start_methods.mp_context(method)
    _pools["processes"] = cf.ProcessPoolExecutor(max(workers), mp_context=ctx)
    _pools["threads"] = cf.ThreadPoolExecutor(max(workers))
    batch(workers, n, 1, max(workers))  # прогрев: исполнители запущены, NumPy в них
    return {"env": {v: os.environ.get(v) for v in THREAD_VARS}, **blas_threads()}


def batch(workers: list[int], n: int, count: int, tasks: int) -> dict:
    """Один замер: одни и те же ``tasks`` задач в 1, 2, … исполнителях каждого
    пула (задачи поровну разделены между исполнителями). Секунды, потоки BLAS,
    которые видели задачи, и сколько пулов BLAS (процессов) их выполняли, по
    ключам вида ``"threads:2"``."""
    seconds, seen, pools = {}, {}, {}
    for kind, pool in _pools.items():
        for w in workers:
            shares = [tasks // w + (i < tasks % w) for i in range(w)]
            begin = time.perf_counter()
            done = list(pool.map(share, [n] * w, [count] * w, shares))
            seconds[f"{kind}:{w}"] = time.perf_counter() - begin
            seen[f"{kind}:{w}"] = sorted({t for p in done for _, t in p}, key=str)
            pools[f"{kind}:{w}"] = len({pid for p in done for pid, _ in p})
    return {"seconds": seconds, "seen": seen, "pools": pools}


def stop() -> None:
    """Закрыть пулы: дождаться их потоков и процессов."""
    for pool in _pools.values():
        pool.shutdown()
    _pools.clear()
