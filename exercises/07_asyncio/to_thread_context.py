"""Упражнение к главе 7: to_thread и run_in_executor — в чём разница.

Два «запроса» подряд, каждый в своей задаче со своим значением request_id, и
один и тот же пул из одного потока.

asyncio.to_thread принимает именованные аргументы и выполняет функцию в копии
контекста вызывающей корутины (contextvars.copy_context()): функция видит
значение своего запроса на любой сборке.

run_in_executor передаёт функции только позиционные аргументы (именованные —
через functools.partial) и контекст на каждый вызов не копирует: функция
выполняется в контексте потока пула — в том, с которым поток запустили. Каким
он будет, решает флаг sys.flags.thread_inherit_context (Python 3.14+):
выключен (обычная сборка; до 3.14 флага нет, и поведение то же) — поток
начинает с пустого контекста, и функция видит «не задан»; включён
(free-threaded сборка 3.14+, или -X thread_inherit_context=1) — поток начинает
с копии контекста того, кто его запустил, то есть первого запроса, и второй
запрос видит чужое значение.
"""

import asyncio
import contextvars
import functools
import sys
import sysconfig
import threading
from concurrent.futures import ThreadPoolExecutor

request_id = contextvars.ContextVar("request_id", default="не задан")


def describe(prefix: str, *, suffix: str = "") -> str:
    """Блокирующая функция: выполняется в потоке пула."""
    in_thread = threading.current_thread() is not threading.main_thread()
    place = "в другом потоке" if in_thread else "в главном потоке"
    return f"{prefix}{suffix} {place}, request_id = {request_id.get()}"


async def handle(name: str, pool: ThreadPoolExecutor) -> None:
    """Один запрос: своя задача, своё значение request_id."""
    request_id.set(name)
    loop = asyncio.get_running_loop()
    call = functools.partial(describe, f"{name}: run_in_executor", suffix=" + partial")
    print(await loop.run_in_executor(pool, call))
    print(await asyncio.to_thread(describe, f"{name}: to_thread", suffix=" + kwargs"))


async def main() -> None:
    # Поток пула запускается при первом submit — внутри задачи первого запроса.
    with ThreadPoolExecutor(max_workers=1) as pool:
        for name in ("запрос-1", "запрос-2"):
            await asyncio.create_task(handle(name, pool))


free_threaded = sysconfig.get_config_var("Py_GIL_DISABLED") == 1
inherit = getattr(sys.flags, "thread_inherit_context", None)
print(f"Python {sys.version.split()[0]}, free-threaded сборка: "
      f"{'да' if free_threaded else 'нет'}")  # fmt: skip
if inherit is None:
    print("sys.flags.thread_inherit_context: нет такого флага (он появился в 3.14)")
else:
    print(f"sys.flags.thread_inherit_context: {'да' if inherit else 'нет'}")
asyncio.run(main())
