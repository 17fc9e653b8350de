"""Задачи для пулов процессов из примера «Pool и ProcessPoolExecutor».

Они выполняются в процессах пула, поэтому лежат в модуле рядом с примером: при
методах запуска spawn и forkserver процесс пула импортирует их заново.
"""

import os
import threading


def square(x: int) -> int:
    """Самая маленькая задача: почти вся её цена — доставить её процессу."""
    return x * x


def nap(seconds: float) -> float:
    """Ждёт ``seconds`` (задача известной длины) и возвращает их."""
    threading.Event().wait(seconds)
    return seconds


_TAG = None  # что положил initializer; у каждого процесса пула — своё


def init_worker(tag: str) -> None:
    """initializer пула: выполняется в каждом процессе один раз, до первой задачи."""
    global _TAG
    _TAG = tag


def worker_tag(_: object = None) -> tuple[int, str | None]:
    """``(pid, метка)``: какой процесс выполнил задачу и что видит задача."""
    return os.getpid(), _TAG
