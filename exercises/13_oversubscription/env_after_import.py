"""Упражнение к главе 13: когда OPENBLAS_NUM_THREADS ещё действует.

Скрипт трижды запускает себя в новом интерпретаторе и спрашивает у BLAS,
сколько потоков она возьмёт: без переменных окружения; с OMP_NUM_THREADS=1 и
OPENBLAS_NUM_THREADS=1 в окружении до запуска; и с теми же переменными,
заданными в программе уже после import numpy. BLAS читает их один раз, когда
загружается, поэтому третий способ ничего не меняет.
"""

import json
import os
import subprocess
import sys

from potok.oversub import THREAD_VARS, blas_env, blas_threads


def child(mode: str) -> None:
    """Выполняется в новом интерпретаторе: загрузить NumPy и спросить BLAS."""
    import numpy  # noqa: F401  (здесь BLAS читает переменные окружения)

    if mode == "after":
        for name in THREAD_VARS:
            os.environ[name] = "1"  # поздно: BLAS уже загружена
    print(json.dumps(blas_threads()))


def ask(blas: int | None, mode: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode],
        env=blas_env(blas),  # blas=None: переменных нет вовсе
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
    print(f"логических процессоров: {os.cpu_count()}")
    if default["threads"] is None:
        print(f"число потоков BLAS узнать не удалось: {default['how']}")
    else:
        print(f"BLAS: {default['library']}, спросили через {default['how']}")
        print(f"потоков BLAS без переменных: {default['threads']}")
        print(f"потоков BLAS, переменные заданы до запуска: {before['threads']}")
        print(f"потоков BLAS, переменные заданы после import numpy: {after['threads']}")
