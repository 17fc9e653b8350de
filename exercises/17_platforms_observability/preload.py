"""Упражнение к главе 17: где рабочий процесс взял модуль задачи.

Модуль запоминает номер процесса, в котором его импортировали, а задача
возвращает его вместе с номером своего процесса. Каждый вариант выполняется в
своём новом процессе (``python -c``): предзагрузку нужно задать до запуска
сервера, а сервер живёт до конца процесса.
"""

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

IMPORTED_IN = os.getpid()  # процесс, в котором этот модуль импортирован
VARIANTS = ("fork", "forkserver", "forkserver + preload")


def task(_):
    return IMPORTED_IN, os.getpid()


def where(variant):
    """Пул из двух процессов: кто импортировал модуль для каждой задачи."""
    ctx = multiprocessing.get_context("fork" if variant == "fork" else "forkserver")
    if variant == "forkserver + preload":
        ctx.set_forkserver_preload([__name__])
    with ctx.Pool(2) as pool:
        seen = pool.map(task, range(4), chunksize=1)
    kinds = {
        "родитель"
        if imported == os.getpid()
        else "сам рабочий процесс"
        if imported == pid
        else "сервер"
        for imported, pid in seen
    }
    return sorted(kinds)


if __name__ == "__main__":
    if not {"fork", "forkserver"} <= set(multiprocessing.get_all_start_methods()):
        print(f"на {sys.platform} нет fork и forkserver: проверять нечего")
        sys.exit()
    folder = str(Path(__file__).resolve().parent)
    path = os.pathsep.join(filter(None, [folder, os.environ.get("PYTHONPATH")]))
    for variant in VARIANTS:
        code = f"import json, preload; print(json.dumps(preload.where({variant!r})))"
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            env=dict(os.environ, PYTHONPATH=path),
        )
        kinds = json.loads(done.stdout.splitlines()[-1])
        print(f"{variant}: модуль задачи импортировал {', '.join(kinds)}")
