"""Упражнение к главе 13: когда OPENBLAS_NUM_THREADS ещё действует.

Скрипт трижды запускает себя в новом интерпретаторе и спрашивает у BLAS,
сколько потоков она возьмёт: без переменных окружения; с OMP_NUM_THREADS=1 и
OPENBLAS_NUM_THREADS=1 в окружении до запуска; и с теми же переменными,
заданными в программе уже после import numpy. BLAS читает их один раз, когда
загружается, поэтому третий способ ничего не меняет.
"""

import ctypes
import json
import os
import subprocess
import sys

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


def child(mode: str) -> None:
    """Выполняется в новом интерпретаторе: загрузить NumPy и спросить BLAS."""
    import numpy  # noqa: F401  (здесь BLAS читает переменные окружения)

    if mode == "after":
        for name in THREAD_VARS:
            os.environ[name] = "1"  # поздно: BLAS уже загружена
    print(json.dumps(blas_threads()))


def ask(blas: int | None, mode: str) -> int | None:
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    if blas is not None:  # blas=None: переменных нет вовсе
        env.update(dict.fromkeys(THREAD_VARS, str(blas)))
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return json.loads(out.splitlines()[-1])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
        sys.exit()
    default = ask(None, "default")
    before = ask(1, "before")
    after = ask(None, "after")
    # процессоры, на которых процессу разрешено работать (как os.process_cpu_count,
    # 3.13); OpenBLAS на Linux считает их так же
    usable = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count()
    )
    print(f"логических процессоров, доступных процессу: {usable}")
    if default is None:
        print("число потоков BLAS узнать не удалось: это не OpenBLAS или не Linux")
    else:
        print(f"потоков BLAS без переменных: {default}")
        print(f"потоков BLAS, переменные заданы до запуска: {before}")
        print(f"потоков BLAS, переменные заданы после import numpy: {after}")
