"""Программа, на которую смотрит профилировщик: три потока, занятых по-разному.

Запуск: ``python _profiled_program.py СЕКУНДЫ``. Главный поток запускает три
потока, ждёт и останавливает их.
"""

import hashlib
import sys
import threading
import time

DATA = b"x" * 4_000_000  # данные для хеширования


def count(n):  # чистый Python: байт-код выполняется, только пока поток держит GIL
    total = 0
    for i in range(n):
        total += i * i
    return total


def computing(stop):
    while not stop.is_set():
        count(100_000)


def hashing(stop):  # код на C: считает на процессоре, но отпускает GIL
    while not stop.is_set():
        hashlib.sha256(DATA).digest()


def sleeping(stop):  # ждёт: не занимает ни процессор, ни GIL
    while not stop.is_set():
        time.sleep(0.05)


def main(seconds):
    stop = threading.Event()
    threads = [
        threading.Thread(target=f, args=(stop,), name=f.__name__)
        for f in (computing, hashing, sleeping)
    ]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main(float(sys.argv[1]))
