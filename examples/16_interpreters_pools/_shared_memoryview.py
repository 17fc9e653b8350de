"""Что переходит в другой интерпретатор копией, а что — без копии.

Этот модуль выполняет Python 3.14 или новее (``potok.interpreters.Child``).
"""

import functools
import queue

from potok import machine, measure

try:
    from concurrent import interpreters  # Python 3.14+
except ImportError:  # пример импортирует модуль и на старом Python — ради имён
    interpreters = None


def size_of(data):
    """Выполняется в субинтерпретаторе. Без глобальных имён: передаётся без pickle."""
    return len(data)


def poke(data):
    """Меняет первый байт того, что получила, — в субинтерпретаторе."""
    data[0] = 7
    return data[0]


def shareable() -> dict[str, bool]:
    """Что interpreters.is_shareable считает разделяемым: такие объекты
    передаются без pickle (большинство — дешёвой копией, memoryview и Queue —
    без копии)."""
    samples = {
        "None": None,
        "bool": True,
        "int": 1,
        "float": 1.5,
        "str": "строка",
        "bytes": b"data",
        "tuple (1, 'a')": (1, "a"),
        "list": [1],
        "dict": {},
        "bytearray": bytearray(1),
        "memoryview": memoryview(bytearray(1)),
        "Queue (create_queue)": interpreters.create_queue(),
        "queue.Queue": queue.Queue(),
    }
    return {name: interpreters.is_shareable(obj) for name, obj in samples.items()}


def seen_after_poke() -> dict[str, int]:
    """Субинтерпретатор меняет первый байт; что видит после этого главный."""
    interp = interpreters.create()
    try:
        seen = {}
        for kind in ("bytearray", "memoryview"):
            buffer = bytearray(8)
            data = buffer if kind == "bytearray" else memoryview(buffer)
            interp.call(poke, data)
            seen[kind] = buffer[0]  # 7 — изменение видно, 0 — менялась копия
        return seen
    finally:
        interp.close()


def transfer_costs(sizes: list[int], repeats: int) -> dict:
    """Время interp.call(size_of, данные) для одних и тех же байт в трёх видах:
    bytes, bytearray и memoryview на bytearray. По размерам; виды — по очереди."""
    interp = interpreters.create()
    try:
        costs = {"bytes": [], "bytearray": [], "memoryview": []}
        for size in sizes:
            buffer = bytearray(size)
            data = {"bytes": bytes(buffer), "bytearray": buffer}
            data["memoryview"] = memoryview(buffer)
            timings = measure.interleaved(
                {
                    k: functools.partial(interp.call, size_of, d)
                    for k, d in data.items()
                },
                repeats=repeats,
            )
            for kind, timing in timings.items():
                costs[kind].append(timing)
        return {"costs": costs, "stamp": machine.stamp()}
    finally:
        interp.close()
