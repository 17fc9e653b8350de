"""Сколько байт памяти занимает объект каждого вида — на той сборке, что это выполняет.

Этот модуль выполняет другой интерпретатор (``potok.interpreters.Child``): сборка
с GIL и free-threaded сборка, каждая в своём процессе. Поэтому он лежит рядом с
примером.
"""

import gc
import sys

from potok import machine


class Point:
    """Обычный объект класса с двумя атрибутами."""

    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y


#: Как сделать i-й объект каждого вида.
KINDS = {
    "float": lambda i: i + 0.5,
    "str": lambda i: f"s{i:08d}",
    "tuple": lambda i: (i, i),
    "list": lambda i: [i, i],
    "dict": lambda i: {"x": i, "y": i},
    "Point": lambda i: Point(i, i),
}

kept: list = []  # всё созданное живёт до конца: освобождённую память
#                  распределитель отдаёт следующим объектам, и замер бы врал


def uss() -> int:
    """Собственные страницы процесса (USS), байты: ``Private_*`` из smaps_rollup."""
    total = 0
    with open("/proc/self/smaps_rollup", encoding="utf-8") as f:
        for line in f:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1]) * 1024
    return total


def bytes_per_object(n: int, rounds: int) -> dict:
    """На сколько байт вырастает память процесса на один объект каждого вида
    (по замеру на каждый из ``rounds`` кругов) и что говорит ``sys.getsizeof``."""
    gc.disable()  # сборщик мусора не должен вмешаться посреди замера
    numbers = list(range(1000, 1000 + n))  # одни и те же числа во всех объектах
    result = {kind: [] for kind in KINDS}
    for _ in range(rounds):
        for kind, make in KINDS.items():
            objects = [None] * n  # сам список — заранее, он не в счёт
            before = uss()
            for j in range(n):
                objects[j] = make(numbers[j])
            result[kind].append((uss() - before) / n)
            kept.append(objects)
    gc.enable()
    sizes = {kind: sys.getsizeof(make(1000)) for kind, make in KINDS.items()}
    return {"bytes": result, "getsizeof": sizes, "stamp": machine.stamp()}
