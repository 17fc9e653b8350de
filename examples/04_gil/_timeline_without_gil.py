"""Два потока и общий счётчик из примера «Два потока и общий счётчик».

Этот модуль выполняет другой интерпретатор (``potok.interpreters.Child``),
поэтому он лежит рядом с примером, а не в нём самом.
"""

import threading
import time

from potok import machine, measure

counter = 0


def work(n, ticks, every):
    """Цикл из конспекта; раз в ``every`` итераций — отметка времени."""
    global counter
    for i in range(n):
        counter += 1
        if i % every == 0:
            ticks.append(time.perf_counter())


def two_threads(n, every):
    """Два потока выполняют ``work``. Возвращает их отметки времени, сколько ядер
    они заняли (процессорное время процесса / время по часам), счётчик, включён
    ли GIL и штамп интерпретатора."""
    global counter
    counter = 0
    timeline = measure.Timeline()
    threads = [
        threading.Thread(target=work, args=(n, timeline.track(name), every))
        for name in ("поток A", "поток B")
    ]
    cpu, start = time.process_time(), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cores = (time.process_time() - cpu) / (time.perf_counter() - start)
    return {
        "timeline": timeline,
        "cores": cores,
        "counter": counter,
        "gil": machine.gil_enabled(),
        "stamp": machine.stamp(),
    }
