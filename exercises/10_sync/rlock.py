"""Упражнение к главе 10: Lock и RLock при повторном захвате.

Функция под блокировкой вызывает другую функцию, которая берёт ту же
блокировку. С threading.Lock второй захват ждал бы вечно — поэтому здесь он с
тайм-аутом и возвращает False. С threading.RLock поток, который уже держит
блокировку, захватывает её ещё раз.
"""

import threading

TIMEOUT = 0.2


def inner(lock) -> bool:
    """Берёт ту же блокировку ещё раз; без тайм-аута Lock ждал бы здесь вечно."""
    got = lock.acquire(timeout=TIMEOUT)
    if got:
        lock.release()
    return got


def outer(lock) -> bool:
    with lock:
        return inner(lock)


for name, lock in (("Lock", threading.Lock()), ("RLock", threading.RLock())):
    answer = "да" if outer(lock) else f"нет (за {TIMEOUT} с)"
    print(f"{name}: повторный захват в том же потоке удался: {answer}")
