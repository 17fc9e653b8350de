"""Потоки в цикле читают одно значение через разные имена модуля.

Этот модуль выполняет другой интерпретатор (``potok.interpreters.Child``), поэтому
он лежит рядом с примером, а не в нём самом.
"""

import dis
import sys
import threading
import time

from potok import machine

MODE = "fast"  # строковый литерал: бессмертный объект


def helper() -> str:  # функция уровня модуля
    return "fast"


class Config:  # класс: объект-тип
    mode = "fast"

    def __init__(self) -> None:
        self.mode = "fast"


MODULE = sys.modules[__name__]  # сам этот модуль
CONFIG = Config()  # экземпляр, созданный главным потоком: обычный объект
TABLE = ["fast"]  # список главного потока: обычный объект
LOCAL = threading.local()  # у каждого потока свои атрибуты, но объект один


def literal(n: int) -> None:
    for _ in range(n):
        x = MODE  # noqa: F841


def function(n: int) -> None:
    for _ in range(n):
        x = helper()  # noqa: F841


def module_attribute(n: int) -> None:
    for _ in range(n):
        x = MODULE.MODE  # noqa: F841


def class_attribute(n: int) -> None:
    for _ in range(n):
        x = Config.mode  # noqa: F841


def instance_attribute(n: int) -> None:
    for _ in range(n):
        x = CONFIG.mode  # noqa: F841


def list_item(n: int) -> None:
    for _ in range(n):
        x = TABLE[0]  # noqa: F841


def thread_local(n: int) -> None:
    LOCAL.mode = "fast"
    for _ in range(n):
        x = LOCAL.mode  # noqa: F841


def alias(n: int) -> None:
    config = CONFIG  # тот же общий объект, но в локальной переменной
    for _ in range(n):
        x = config.mode  # noqa: F841


def hoisted(n: int) -> None:
    mode = CONFIG.mode  # общий объект — один раз, до цикла
    for _ in range(n):
        x = mode  # noqa: F841


PATTERNS = {
    "literal": literal,
    "function": function,
    "module": module_attribute,
    "class": class_attribute,
    "instance": instance_attribute,
    "list": list_item,
    "local": thread_local,
    "alias": alias,
    "hoisted": hoisted,
}


def run(pattern: str, threads: int, n: int) -> tuple[float, float]:
    """``threads`` потоков одновременно (от барьера) выполняют ``pattern``;
    возвращает их процессорное время на одно обращение, нс, и время по часам."""
    work, barrier = PATTERNS[pattern], threading.Barrier(threads)
    cpu = [0.0] * threads

    def body(me: int) -> None:
        barrier.wait()
        start = time.thread_time()
        work(n)
        cpu[me] = time.thread_time() - start

    pool = [threading.Thread(target=body, args=(i,)) for i in range(threads)]
    begin = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(cpu) / (threads * n) * 1e9, time.perf_counter() - begin


def immortal(obj) -> bool:
    """Бессмертен ли объект (в 3.14 есть sys._is_immortal; в 3.12–3.13 у
    бессмертных объектов огромный счётчик ссылок)."""
    if hasattr(sys, "_is_immortal"):
        return sys._is_immortal(obj)
    return sys.getrefcount(obj) >= 2**31


def contention(threads: list[int], n: int, repeats: int) -> dict:
    """Для каждого способа и числа потоков — процессорное время на обращение и
    время по часам, по очереди (A B C … A B C …); после первого запуска
    потока — какие из объектов бессмертны; отметка интерпретатора."""
    samples: dict[str, dict[str, list[float]]] = {"cpu_ns": {}, "wall": {}}
    for rnd in range(repeats + 1):  # круг 0 — прогрев
        for pattern in PATTERNS:
            for w in threads:
                ns, wall = run(pattern, w, n)
                if rnd:
                    samples["cpu_ns"].setdefault(f"{pattern} {w}", []).append(ns)
                    samples["wall"].setdefault(f"{pattern} {w}", []).append(wall)
    objects = {
        "literal": MODE,
        "function": helper,
        "module": MODULE,
        "class": Config,
        "instance": CONFIG,
        "list": TABLE,
        "local": LOCAL,
    }
    return {
        **samples,
        "immortal": {name: immortal(obj) for name, obj in objects.items()},
        # как интерпретатор загружает локальную config в цикле alias
        "alias_load": [
            i.opname
            for i in dis.get_instructions(alias)
            if i.opname.startswith("LOAD")
            and "config" in (i.argval if isinstance(i.argval, tuple) else [i.argval])
        ],
        "gil": machine.gil_enabled(),
        "stamp": machine.stamp(),
    }
