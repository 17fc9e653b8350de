"""Субинтерпретатор: создать, выполнить код, вызвать функцию, обменяться
сообщениями через очередь — и сколько ждёт ответ.

Этот модуль выполняет Python 3.14 или новее (``potok.interpreters.Child``).
"""

import contextlib
import queue
import sys
import threading
import time

from potok import machine, measure

try:
    from concurrent import interpreters  # Python 3.14+
except ImportError:  # пример импортирует модуль и на старом Python — ради имён
    interpreters = None


def echo(inbox, outbox):
    """Отвечает тем же, пока не придёт None. В ней нет глобальных имён, поэтому
    interp.call_in_thread передаёт её в субинтерпретатор без pickle."""
    while (item := inbox.get()) is not None:
        outbox.put(item)


def basics() -> dict:
    """Создать интерпретатор, выполнить в нём код, вызвать функцию."""
    interp = interpreters.create()
    try:
        box = interpreters.create_queue()
        interp.prepare_main(box=box, word="поток")  # имена в его __main__
        interp.exec("import sys\nbox.put(len(sys.modules))\nbox.put(word.upper())")
        return {
            "main_id": interpreters.get_main().id,
            "new_id": interp.id,
            "modules_there": box.get(),
            "modules_here": len(sys.modules),
            "exec_result": box.get(),
            "call_result": interp.call(divmod, 17, 5),  # вызов: ответ — результат
            "timeout_waited": waited(box, 0.5),
        }
    finally:
        interp.close()


def waited(box, timeout: float) -> float:
    """Сколько секунд get(timeout=...) ждал сообщения, которого нет."""
    start = time.perf_counter()
    with contextlib.suppress(interpreters.QueueEmpty):
        box.get(timeout=timeout)
    return time.perf_counter() - start


def ping(inbox, outbox) -> None:
    """Одна пересылка туда и обратно."""
    inbox.put(1)
    outbox.get()


def round_trips(repeats: int) -> dict:
    """Пересылки туда и обратно: главный интерпретатор ↔ субинтерпретатор в
    своём потоке (очереди create_queue) и главный поток ↔ второй поток того же
    интерпретатора (queue.Queue), по очереди, круг за кругом."""
    interp = interpreters.create()
    sub = (interpreters.create_queue(), interpreters.create_queue())
    there = interp.call_in_thread(echo, *sub)
    local = (queue.Queue(), queue.Queue())
    near = threading.Thread(target=echo, args=local)
    near.start()
    try:
        timings = measure.interleaved(
            {
                "субинтерпретатор, create_queue": lambda: ping(*sub),
                "поток, queue.Queue": lambda: ping(*local),
            },
            repeats=repeats,
        )
    finally:
        sub[0].put(None)
        local[0].put(None)
        there.join()
        near.join()
        interp.close()
    return {"timings": timings, "stamp": machine.stamp()}
