"""Упражнение к главе 4: из скольких инструкций состоит counter += 1.

Модуль dis показывает байт-код функции. Между чтением глобального счётчика
(LOAD_GLOBAL) и записью нового значения (STORE_GLOBAL) стоит ещё сложение:
операция не атомарна, и GIL её целиком не защищает.
"""

import dis

counter = 0


def increment() -> None:
    global counter
    counter += 1


ops = [i.opname for i in dis.get_instructions(increment)]
first = ops.index("LOAD_GLOBAL")
last = ops.index("STORE_GLOBAL")
steps = ops[first : last + 1]
print("инструкции от чтения до записи:", ", ".join(steps))
print(f"их число: {len(steps)}")
