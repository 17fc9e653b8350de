"""
to_thread и run_in_executor: контекстные переменные в потоке
============================================================

Оба способа запускают блокирующую функцию в пуле потоков цикла, но
:func:`asyncio.to_thread` (с 3.9) запускает её в копии
:mod:`контекста <contextvars>` вызывающей корутины — там видны её
:class:`~contextvars.ContextVar`, например идентификатор запроса для журнала.
``loop.run_in_executor`` контекст корутины на каждый вызов не копирует: функция
выполняется в контексте потока пула. Зато он принимает любой исполнитель, в том
числе пул процессов.
"""

# %%
# Код
# ---
#
# Ниже — весь код. Пулом по умолчанию у цикла здесь сделан пул из одного
# потока, и этот поток запускается (первым вызовом) до того, как корутина задаст
# ``REQUEST_ID``. Какой контекст поток получает при запуске, зависит от сборки:
# пустой на сборке с GIL, копию контекста запустившего — там, где включён
# :attr:`sys.flags.thread_inherit_context` (по умолчанию на free-threaded сборке
# с 3.14). Запущенный заранее, он не видит ``REQUEST_ID`` ни там, ни там.
#
# Потом корутина задаёт ``REQUEST_ID`` и трижды просит поток прочитать его:
# через ``asyncio.to_thread``, через ``loop.run_in_executor`` и через
# ``run_in_executor`` с функцией, обёрнутой в ``contextvars.copy_context().run``,
# — так контекст переносят вручную. Четвёртый раз — через ``run_in_executor``
# со вторым пулом, чей поток запускается уже после того, как значение задано.

# sphinx_gallery_tags = ["потоки", "asyncio"]
import asyncio
import contextvars
import sys
from concurrent.futures import ThreadPoolExecutor

from potok import claims, machine

REQUEST_ID = contextvars.ContextVar("REQUEST_ID", default="(не задан)")


def read_request_id():
    return REQUEST_ID.get()


async def main():
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=1))
    await loop.run_in_executor(None, read_request_id)  # поток пула запущен
    REQUEST_ID.set("запрос-42")
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
        "run_in_executor(новый пул, f)": await in_new_pool(loop),
    }


async def in_new_pool(loop):
    with ThreadPoolExecutor(max_workers=1) as late:  # поток запустится сейчас
        return await loop.run_in_executor(late, read_request_id)


print(machine.stamp())
inherit = getattr(sys.flags, "thread_inherit_context", None)
print(f"sys.flags.thread_inherit_context: {'нет' if inherit is None else inherit}")
seen = asyncio.run(main())
for way, value in seen.items():
    print(f"{way:>36}: REQUEST_ID = {value}")

# %%
# Поток пула живёт в том контексте, который получил при запуске, и переменная
# там не задана. ``to_thread`` делает то же, что третья строка: копирует
# контекст корутины и вызывает функцию через ``ctx.run`` — на каждый вызов.
#
# Последняя строка зависит от сборки. Поток нового пула запущен уже после
# ``REQUEST_ID.set``: где ``thread_inherit_context`` включён, он видит
# ``запрос-42`` — но не потому, что ``run_in_executor`` перенёс контекст вызова,
# а потому, что поток унаследовал контекст в момент запуска. Вызов из другой
# задачи попал бы в тот же поток и увидел бы то же, уже чужое значение. Где флаг
# выключен (или его нет, до 3.14), поток начинает с пустого контекста.

claims.check(
    "to-thread-sees-context",
    "to_thread видит контекстную переменную корутины, run_in_executor — нет",
    confirmed=seen["asyncio.to_thread(f)"] == seen["в самой корутине"]
    and seen["loop.run_in_executor(None, f)"] != seen["в самой корутине"],
    evidence=f"to_thread: {seen['asyncio.to_thread(f)']}, "
    f"run_in_executor: {seen['loop.run_in_executor(None, f)']}",
    reason_if_not="в этой версии Python to_thread или run_in_executor передают "
    "контекст иначе",
)
claims.check(
    "copied-context-carries-value",
    "run_in_executor с ctx.run переносит контекст так же, как to_thread",
    confirmed=seen["run_in_executor(None, ctx.run, f)"] == seen["в самой корутине"],
    evidence=f"run_in_executor(None, ctx.run, f): "
    f"{seen['run_in_executor(None, ctx.run, f)']}",
    reason_if_not="в этой версии Python ctx.run в потоке пула не видит скопированный "
    "контекст",
)
late = seen["run_in_executor(новый пул, f)"]
claims.check(
    "new-thread-inherits-only-with-flag",
    "поток, запущенный после того, как значение задано, видит его, только если "
    "включён sys.flags.thread_inherit_context",
    confirmed=(late == seen["в самой корутине"]) == bool(inherit),
    evidence=f"thread_inherit_context: {inherit}; поток нового пула: {late}",
    reason_if_not="в этой версии Python новый поток наследует контекст иначе, чем "
    "говорит флаг thread_inherit_context",
)
