"""Упражнение к главе 16: общий буфер для субинтерпретатора.

Главный интерпретатор передаёт субинтерпретатору bytearray дважды: как есть и
как memoryview. Субинтерпретатор заполняет то, что получил. Изменения
memoryview видны главному (буфер один на двоих), изменения bytearray — нет
(туда ушла копия через pickle). Нужен Python 3.14 (concurrent.interpreters);
на более старом скрипт говорит об этом и ничего не делает.
"""

import sys

SIZE = 8


def fill(data):
    """Выполняется в субинтерпретаторе. Без глобальных имён: передаётся как код."""
    for i in range(len(data)):
        data[i] = i + 1
    return sum(data)


try:
    from concurrent import interpreters  # Python 3.14+
except ImportError:
    version = ".".join(map(str, sys.version_info[:2]))
    print(f"concurrent.interpreters нет: он появился в Python 3.14, а здесь {version}")
else:
    interp = interpreters.create()
    try:
        for kind in ("bytearray", "memoryview"):
            buffer = bytearray(SIZE)
            data = buffer if kind == "bytearray" else memoryview(buffer)
            total = interp.call(fill, data)
            print(f"{kind}: сумма там {total}, главный видит {list(buffer)}")
    finally:
        interp.close()
