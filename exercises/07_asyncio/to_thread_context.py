"""Упражнение к главе 7: to_thread и run_in_executor — в чём разница.

run_in_executor передаёт функции только позиционные аргументы (именованные —
через functools.partial) и не переносит в поток контекст contextvars.
asyncio.to_thread принимает именованные аргументы и выполняет функцию в копии
текущего контекста: переменная контекста, заданная в корутине, видна в потоке.
"""

import asyncio
import contextvars
import functools
import threading

request_id = contextvars.ContextVar("request_id", default="не задан")


def describe(prefix: str, *, suffix: str = "") -> str:
    """Блокирующая функция: выполняется в потоке пула."""
    in_thread = threading.current_thread() is not threading.main_thread()
    place = "в другом потоке" if in_thread else "в главном потоке"
    return f"{prefix}{suffix} {place}, request_id = {request_id.get()}"


async def main() -> None:
    request_id.set("запрос-42")
    loop = asyncio.get_running_loop()
    call = functools.partial(describe, "run_in_executor", suffix=" + partial")
    print(await loop.run_in_executor(None, call))
    print(await asyncio.to_thread(describe, "to_thread", suffix=" + kwargs"))


asyncio.run(main())
