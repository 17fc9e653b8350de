"""
to_thread и run_in_executor: контекстные переменные в потоке
============================================================

Оба способа запускают блокирующую функцию в пуле потоков цикла, но
:func:`asyncio.to_thread` (с 3.9) запускает её в копии
:mod:`контекста <contextvars>` вызывающей корутины — там видны её
:class:`~contextvars.ContextVar`, например идентификатор запроса для журнала.
``loop.run_in_executor`` контекст не переносит, зато принимает любой
исполнитель, в том числе пул процессов.
"""

# %%
# Код
# ---
#
# Ниже — весь код. Корутина задаёт ``REQUEST_ID`` и трижды просит поток
# прочитать его: через ``asyncio.to_thread``, через ``loop.run_in_executor`` и
# через ``run_in_executor`` с функцией, обёрнутой в
# ``contextvars.copy_context().run``, — так контекст переносят вручную.

import asyncio
import contextvars

from potok import claims, machine

REQUEST_ID = contextvars.ContextVar("REQUEST_ID", default="(не задан)")


def read_request_id():
    return REQUEST_ID.get()


async def main():
    REQUEST_ID.set("запрос-42")
    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    return {
        "в самой корутине": REQUEST_ID.get(),
        "asyncio.to_thread(f)": await asyncio.to_thread(read_request_id),
        "loop.run_in_executor(None, f)": await loop.run_in_executor(
            None, read_request_id
        ),
        "run_in_executor(None, ctx.run, f)": await loop.run_in_executor(
            None, ctx.run, read_request_id
        ),
    }


print(machine.stamp())
seen = asyncio.run(main())
for way, value in seen.items():
    print(f"{way:>36}: REQUEST_ID = {value}")

# %%
# Поток пула, запущенный через ``run_in_executor``, живёт в своём контексте, и
# переменная там не задана. ``to_thread`` делает то же, что третья строка:
# копирует контекст и вызывает функцию через ``ctx.run``.

claims.check(
    "to-thread-sees-context",
    "to_thread видит контекстную переменную корутины, run_in_executor — нет",
    confirmed=seen["asyncio.to_thread(f)"] == seen["в самой корутине"]
    and seen["loop.run_in_executor(None, f)"] != seen["в самой корутине"],
    evidence=f"to_thread: {seen['asyncio.to_thread(f)']}, "
    f"run_in_executor: {seen['loop.run_in_executor(None, f)']}",
)
claims.check(
    "copied-context-carries-value",
    "run_in_executor с ctx.run переносит контекст так же, как to_thread",
    confirmed=seen["run_in_executor(None, ctx.run, f)"] == seen["в самой корутине"],
    evidence=f"run_in_executor(None, ctx.run, f): "
    f"{seen['run_in_executor(None, ctx.run, f)']}",
)
