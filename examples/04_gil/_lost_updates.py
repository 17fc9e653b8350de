"""Общий счётчик, к которому два потока прибавляют единицу тремя способами.

Код примеров «GIL не защищает ваши данные» и «Потерянные обновления с GIL и без
него». Второй выполняет его в других интерпретаторах
(``potok.interpreters.Child``), поэтому код лежит в модуле рядом с примерами.
``potok`` нужен только ``lost_by_interval``: остальное работает на любом Python 3,
так что потери на старом Python (3.9) можно проверить этим же модулем.
"""

import sys
import threading

KINDS = ("read-call-write", "in-place", "locked")


class Counter:
    """Одно общее число, ``value``."""

    __slots__ = ("value",)

    def __init__(self):
        self.value = 0


def nothing():
    """Пустая функция: её вызов — точка, где поток может отдать GIL."""


def add_read_call_write(counter, n):
    for _ in range(n):
        value = counter.value  # прочитали
        nothing()  # вызвали пустую функцию
        counter.value = value + 1  # записали прочитанное + 1


def add_in_place(counter, n):
    for _ in range(n):
        counter.value += 1


def add_locked(counter, n, lock):
    for _ in range(n):
        with lock:
            value = counter.value
            nothing()
            counter.value = value + 1


def lost_updates(kind, n):
    """Два потока по ``n`` раз прибавляют единицу способом ``kind``; возвращает,
    сколько прибавлений не дошло до счётчика. Потоки ждут друг друга у барьера,
    чтобы работать одновременно, а не один после другого."""
    counter, lock = Counter(), threading.Lock()
    add = {
        "read-call-write": lambda: add_read_call_write(counter, n),
        "in-place": lambda: add_in_place(counter, n),
        "locked": lambda: add_locked(counter, n, lock),
    }[kind]
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        add()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return 2 * n - counter.value


def lost_by_interval(n, runs, intervals):
    """``runs`` прогонов :func:`lost_updates` каждым способом при каждом интервале
    переключения (:func:`sys.setswitchinterval`; потом прежний возвращается).
    Возвращает потери ``{способ: [[по прогону] для каждого интервала]}``,
    включён ли GIL и штамп интерпретатора."""
    from potok import machine  # здесь, а не вверху: см. описание модуля

    lost = {kind: [] for kind in KINDS}
    default = sys.getswitchinterval()
    try:
        for interval in intervals:
            sys.setswitchinterval(interval)
            for kind in KINDS:
                lost[kind].append([lost_updates(kind, n) for _ in range(runs)])
    finally:
        sys.setswitchinterval(default)
    return {"lost": lost, "gil": machine.gil_enabled(), "stamp": machine.stamp()}
