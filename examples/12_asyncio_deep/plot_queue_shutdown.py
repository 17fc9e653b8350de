"""
Очередь и её закрытие: метка конца и shutdown()
===============================================

:class:`asyncio.Queue` связывает производителя с потребителями: ``await
queue.put(x)`` ждёт, если очередь полна (``maxsize``), ``await queue.get()`` —
если пуста. Трудный момент — конец работы: потребители ждут в ``get()`` и сами
не узнают, что больше ничего не будет.

Раньше, чтобы остановить потребителей, в очередь клали по «метке конца»
(``None``) на каждого. С Python 3.13 у очереди есть
:meth:`asyncio.Queue.shutdown`: после неё ``put()`` выбрасывает
:class:`asyncio.QueueShutDown`, а ``get()`` — тоже, как только очередь опустеет,
и ждущие потребители просыпаются.
"""

# %%
# Код
# ---
#
# Ниже — весь код: производитель кладёт ``ITEMS`` чисел в очередь на четыре
# места, ``CONSUMERS`` потребителей берут их и «обрабатывают» (короткий
# ``asyncio.sleep``). Потребитель записывает, какие элементы взял, и
# запоминает, что его остановило. Способ ``"sentinel"`` кладёт после данных по
# метке конца на каждого потребителя; способ ``"shutdown"`` ждёт, пока очередь
# обработает всё (``queue.join()``), и закрывает её.

# sphinx_gallery_tags = ["asyncio"]
import asyncio
import sys

from potok import claims, machine

ITEMS = 20
CONSUMERS = 3


async def pipeline(how):
    queue = asyncio.Queue(maxsize=4)
    handled, ended_by = {}, {}

    async def consume(name):
        handled[name] = []
        while True:
            try:
                item = await queue.get()
            except Exception as exc:  # asyncio.QueueShutDown (Python 3.13+)
                ended_by[name] = type(exc).__name__
                return
            if item is None:
                ended_by[name] = "None (метка конца)"
                queue.task_done()
                return
            await asyncio.sleep(0.001 * (1 + item % 3))  # «обработка» элемента
            handled[name].append(item)
            queue.task_done()

    workers = [asyncio.create_task(consume(f"потребитель {i + 1}"))
               for i in range(CONSUMERS)]  # fmt: skip
    for item in range(ITEMS):
        await queue.put(item)
    if how == "shutdown":
        await queue.join()  # все элементы обработаны ...
        queue.shutdown()  # ... и ждущие в get() просыпаются
    else:
        for _ in workers:
            await queue.put(None)
    await asyncio.gather(*workers)
    return handled, ended_by


# %%
# Оба способа
# -----------
#
# Второй — если интерпретатор умеет ``shutdown()``, то есть это Python 3.13 или новее.
# Для каждого способа проверяется, что каждый элемент обработан ровно один раз и
# все потребители остановились.

print(machine.stamp())
ways = ["sentinel"] + (["shutdown"] if hasattr(asyncio.Queue, "shutdown") else [])
if "shutdown" not in ways:
    print(f"Queue.shutdown() появилась в Python 3.13, а здесь {sys.version.split()[0]}")
for how in ways:
    handled, ended_by = asyncio.run(pipeline(how))
    taken = sorted(item for items in handled.values() for item in items)
    done = len(set(taken))
    counts = {name: len(items) for name, items in handled.items()}
    print(f"\n{how}: обработано {counts}, всего {len(taken)}, разных {done}")
    print(f"  что остановило потребителей: {sorted(set(ended_by.values()))}")
    claims.check(
        f"{how}-stops-every-consumer",
        f"способ «{how}»: каждый элемент обработан ровно один раз, и все "
        "потребители остановились",
        confirmed=taken == list(range(ITEMS)) and len(ended_by) == CONSUMERS,
        evidence=f"обработано {len(taken)} раз, разных элементов {done} из {ITEMS}, "
        f"остановлено потребителей: "
        f"{len(ended_by)} из {CONSUMERS}",
        numbers={"handled": len(taken), "distinct": done, "stopped": len(ended_by)},
        reason_if_not="в этой версии Python asyncio.Queue останавливает потребителей "
        "иначе, чем описано в главе",
    )

# %%
# С меткой конца нужно помнить, сколько потребителей ждёт, и положить метку
# каждому; ``shutdown()`` будит всех сразу, сколько бы их ни было.
# ``shutdown(immediate=True)`` ещё и выбрасывает то, что осталось в очереди.
