"""Упражнение к главе 4: теряет ли обновления счётчик под блокировкой.

Два потока по N раз прибавляют единицу к общему счётчику: «прочитать, вызвать
функцию, записать». Вызов функции между чтением и записью — точка, где
интерпретатор может отдать GIL другому потоку. Без блокировки обновления
теряются (сколько — зависит от машины и версии Python); под threading.Lock —
никогда.
"""

import sys
import threading

from potok.measure import scale

N = scale(200_000, 50_000)
THREADS = 2


def nothing() -> None:
    pass


class Counter:
    value = 0


def unsafe(counter: Counter) -> None:
    for _ in range(N):
        value = counter.value
        nothing()  # здесь поток может потерять GIL
        counter.value = value + 1


def safe(counter: Counter, lock: threading.Lock) -> None:
    for _ in range(N):
        with lock:  # прочитать, вызвать, записать — целиком
            value = counter.value
            nothing()
            counter.value = value + 1


def run(target, *args) -> int:
    counter = Counter()
    threads = [
        threading.Thread(target=target, args=(counter, *args)) for _ in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counter.value


sys.setswitchinterval(1e-5)  # переключать потоки чаще: гонка видна быстрее
expected = THREADS * N
without_lock = run(unsafe)
with_lock = run(safe, threading.Lock())
print(f"ожидалось: {expected}")
print(f"без блокировки: {without_lock} (потеряно {expected - without_lock})")
print(f"с блокировкой: {with_lock} (потеряно {expected - with_lock})")
