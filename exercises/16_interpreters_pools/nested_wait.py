"""Упражнение к главе 16: задача ждёт подзадачу из того же пула.

Пул из одного потока; задача отправляет в него подзадачу и ждёт её результат.
Единственный поток занят самой задачей, и подзадачу выполнить некому: это
взаимная блокировка пула. Тайм-аут у result() превращает вечное ожидание в
TimeoutError. Исправление — подзадачи в отдельном пуле.
"""

from concurrent.futures import ThreadPoolExecutor

TIMEOUT = 0.5


def square(x):
    return x * x


def outer(pool, x):
    """Отправить подзадачу в pool и дождаться её результата."""
    return pool.submit(square, x).result(timeout=TIMEOUT)


def attempt(pool, inner_pool) -> str:
    try:
        return f"вернула {pool.submit(outer, inner_pool, 5).result()}"
    except TimeoutError:
        return f"TimeoutError через {TIMEOUT} с"


with ThreadPoolExecutor(1) as pool:
    print(f"подзадача в том же пуле: {attempt(pool, pool)}")

with ThreadPoolExecutor(1) as pool, ThreadPoolExecutor(1) as inner_pool:
    print(f"подзадача в отдельном пуле: {attempt(pool, inner_pool)}")
