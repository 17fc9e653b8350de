"""Зависшая программа: два потока во взаимной блокировке, главный ждёт их.

Запуск: ``python _stuck_program.py СЕКУНДЫ``. ``faulthandler`` напечатает
стеки всех потоков по сигналу ``SIGUSR1`` и ещё раз — через СЕКУНДЫ, если
программа к тому времени не закончится (а она не закончится).
"""

import faulthandler
import signal
import sys
import threading

lock_a, lock_b = threading.Lock(), threading.Lock()
first_taken = threading.Barrier(3)  # оба потока взяли первую блокировку


def transfer_ab():
    with lock_a:
        first_taken.wait()
        with lock_b:  # ждёт B, которую держит transfer_ba
            pass


def transfer_ba():
    with lock_b:
        first_taken.wait()
        with lock_a:  # ждёт A, которую держит transfer_ab
            pass


def main():
    threads = [
        threading.Thread(target=f, name=f.__name__) for f in (transfer_ab, transfer_ba)
    ]
    for t in threads:
        t.start()
    first_taken.wait()
    print("ready", flush=True)
    for t in threads:
        t.join()  # не дождётся никогда


if __name__ == "__main__":
    if hasattr(signal, "SIGUSR1"):  # в Windows сигналов SIGUSR1 нет
        faulthandler.register(signal.SIGUSR1, all_threads=True)  # стеки по сигналу
    faulthandler.dump_traceback_later(float(sys.argv[1]))  # стеки по таймеру
    main()
