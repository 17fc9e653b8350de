"""Упражнение к главе 11: «проверить, потом действовать» или одна операция.

Два потока «занимают» одни и те же ключи словаря. Первый способ —
if key not in d: d[key] = me: между проверкой и записью другой поток успевает
своё, и ключ оказывается занят обоими. Второй — d.setdefault(key, me) == me:
проверка и запись — одна операция, у каждого ключа ровно один хозяин на любой
сборке. Без GIL первый способ ошибается часто, с GIL — редко, но не никогда.
"""

import sys
import threading

from potok.machine import free_threaded_build, gil_enabled, python_build
from potok.measure import scale

KEYS = scale(200_000, 50_000)
THREADS = 2


def check_then_act(d: dict, me: int, wins: list, barrier: threading.Barrier) -> None:
    barrier.wait()
    won = 0
    for key in range(KEYS):
        if key not in d:  # проверить...
            d[key] = me  # ...потом действовать: между ними — чужая запись
            won += 1
    wins[me] = won


def one_operation(d: dict, me: int, wins: list, barrier: threading.Barrier) -> None:
    barrier.wait()
    won = 0
    for key in range(KEYS):
        if d.setdefault(key, me) == me:  # проверка и запись — одна операция
            won += 1
    wins[me] = won


def claimed_twice(target) -> int:
    """Сколько ключей «заняли» оба потока: сумма побед сверх числа ключей."""
    d: dict = {}
    wins = [0] * THREADS
    barrier = threading.Barrier(THREADS)
    threads = [
        threading.Thread(target=target, args=(d, me, wins, barrier))
        for me in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(wins) - KEYS


sys.setswitchinterval(1e-5)  # с GIL: переключать потоки чаще
print(python_build())
if free_threaded_build():
    print(
        f"free-threaded сборка, GIL включён сейчас: {'да' if gil_enabled() else 'нет'}"
    )
else:
    print("сборка с GIL: гонка есть, но проявляется редко")
print(f"ключей: {KEYS}, потоков: {THREADS}")
print(f"проверить, потом действовать: заняты дважды {claimed_twice(check_then_act)}")
print(f"setdefault: заняты дважды {claimed_twice(one_operation)}")
