"""
Отмена — это просьба: тайм-аут и проглоченная отмена
====================================================

``task.cancel()`` не останавливает задачу мгновенно: он выбрасывает
:class:`asyncio.CancelledError` в задачу там, где она ждёт (``await``). Задача
может поймать его — чтобы прибраться, — но должна выпустить дальше. Если
проглотить его, задача продолжит работать, хотя её просили остановиться, а её
счётчик просьб об отмене (:meth:`asyncio.Task.cancelling`, с Python 3.11)
останется ненулевым: группы задач и тайм-ауты по нему понимают, что задачу
отменяют. Сбросить его может только :meth:`asyncio.Task.uncancel`.

:func:`asyncio.timeout` (Python 3.11) устроен через ту же отмену: по истечении
срока он отменяет текущую задачу, а на выходе из блока превращает
:class:`asyncio.CancelledError` в :class:`TimeoutError` и вызывает
``uncancel()``.
"""

# %%
# Код
# ---
#
# Ниже — весь код замера: три задачи одного цикла, каждая ждёт ``WORK`` секунд,
# и каждую через ``UNIT`` секунд просят остановиться.
#
# * ``polite`` ждёт и отмену выпускает дальше — так и надо;
# * ``stubborn`` ловит :class:`asyncio.CancelledError`
#   (``contextlib.suppress``) и не выбрасывает его снова — это ошибка; потом
#   работает дальше (ещё ``UNIT`` секунд), смотрит на свой счётчик отмен и
#   сбрасывает его ``uncancel()``;
# * ``limited`` ждёт под ``asyncio.timeout(UNIT)`` — её отменяет сам тайм-аут.
#
# Первые две отменяет ``main`` через ``task.cancel()``. Обёртка ``timed``
# записывает, когда задача началась и закончилась.

# sphinx_gallery_tags = ["asyncio"]
import asyncio
import contextlib
import time

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots

UNIT = measure.scale(0.2, 0.1)  # с: когда задачи просят остановиться
WORK = 5 * UNIT  # с: столько задача ждала бы, если бы её не прервали
spans = {}  # имя задачи: (начало, конец, чем закончилась), секунды от старта


async def polite():
    await asyncio.sleep(WORK)


async def stubborn():
    me = asyncio.current_task()
    with contextlib.suppress(asyncio.CancelledError):  # ошибка: отмену глотают
        await asyncio.sleep(WORK)
    await asyncio.sleep(UNIT)  # и задача работает дальше
    swallowed = me.cancelling()
    me.uncancel()
    return {"swallowed": swallowed, "after_uncancel": me.cancelling()}


async def limited():
    me = asyncio.current_task()
    before = me.cancelling()
    try:
        async with asyncio.timeout(UNIT):
            await asyncio.sleep(WORK)
    except TimeoutError as exc:
        return {"raised": type(exc).__name__, "before": before,
                "after": me.cancelling()}  # fmt: skip


async def timed(name, work, origin):
    start = time.perf_counter() - origin
    outcome = "cancelled"
    try:
        result = await work
        outcome = "done"
        return result
    finally:
        spans[name] = (start, time.perf_counter() - origin, outcome)


async def main():
    origin = time.perf_counter()
    tasks = {
        name: asyncio.create_task(timed(name, work(), origin), name=name)
        for name, work in (("polite", polite), ("stubborn", stubborn),
                           ("limited", limited))
    }  # fmt: skip
    await asyncio.sleep(UNIT)
    asked = time.perf_counter() - origin
    tasks["polite"].cancel()
    tasks["stubborn"].cancel()
    await asyncio.gather(*tasks.values(), return_exceptions=True)
    return asked, {n: None if t.cancelled() else t.result() for n, t in tasks.items()}


print(machine.stamp())
asked, results = asyncio.run(main())
OUTCOMES = {"done": "вернула результат", "cancelled": "отменена"}
print(f"task.cancel() вызван через {asked:.3f} с")
for name in ("polite", "stubborn", "limited"):
    start, end, outcome = spans[name]
    print(f"{name:>8}: {start:.3f}–{end:.3f} с, {OUTCOMES[outcome]}: {results[name]}")

# %%
# Когда закончилась каждая задача
# -------------------------------
#
# Полоса — от начала до конца задачи, светлая рамка — сколько она ждала бы без
# отмены, точечная линия — момент, когда задачу попросили остановиться
# (``task.cancel()`` или срок тайм-аута).

LABELS = {
    "polite": "выпускает отмену",
    "stubborn": "глотает отмену",
    "limited": "под asyncio.timeout",
}
fig, ax = plots.figure(height=2.8)
ax.set_title("Отмена — просьба: кто её выполнил")
for row, name in enumerate(LABELS):
    start, end, _ = spans[name]
    ax.barh(row, WORK, left=start, height=0.6, fill=False,
            edgecolor="#bbbbbb", linestyle="--")  # fmt: skip
    ax.barh(row, end - start, left=start, height=0.6, color=plots.PALETTE[row])
ax.axvline(asked, color=plots.REFERENCE, linestyle=":", linewidth=1)
ax.set_yticks(range(len(LABELS)), list(LABELS.values()))
ax.invert_yaxis()
ax.set_xlabel("время от начала, с")
ax.grid(axis="y", visible=False)
plots.stamp(fig)
plt.show()

# %%
# Задача, которая выпустила отмену, закончилась на точечной линии: отмена
# пришла в её ``await``. Задача под тайм-аутом — тоже, но снаружи блока она
# увидела :class:`TimeoutError`, а не отмену. Задача, проглотившая отмену,
# проработала дольше: для неё просьба остановиться прошла незамеченной, а
# счётчик ``cancelling()`` показывал, что её отменяют, пока она сама не вызвала
# ``uncancel()``.
#
# Проверка на этих числах:

stopped = spans["polite"][1] - asked
claims.check(
    "cancel-lands-in-await",
    "задача, которая выпускает отмену, останавливается сразу, в своём await",
    confirmed=results["polite"] is None and abs(stopped) < 0.05,
    evidence=f"отменена через {measure.format_seconds(max(0.0, stopped))} после "
    "task.cancel()",
    numbers={"late": stopped},
    reason_if_not="машина была занята, и цикл опоздал",
)
limit = results["limited"] or {}
waited = spans["limited"][1] - spans["limited"][0]
claims.check(
    "timeout-on-time",
    "asyncio.timeout прерывает ожидание в срок, выбрасывает TimeoutError и "
    "возвращает счётчик отмен задачи к тому, что было до него",
    confirmed=limit.get("raised") == "TimeoutError"
    and limit.get("after") == limit.get("before")
    and abs(waited - UNIT) < 0.05,
    evidence=f"{limit.get('raised')}; задача ждала {measure.format_seconds(waited)} "
    f"при сроке {measure.format_seconds(UNIT)}; task.cancelling(): "
    f"{limit.get('before')} → {limit.get('after')}",
    numbers={"waited": waited, "timeout": UNIT},
    reason_if_not="машина была занята, и цикл опоздал",
)
story = results["stubborn"] or {}
ran_on = spans["stubborn"][1] - asked
claims.check(
    "swallowed-cancel-runs-on",
    "задача, проглотившая отмену, продолжает работать и заканчивается как обычно",
    confirmed=spans["stubborn"][2] == "done" and ran_on >= 0.9 * UNIT,
    evidence=f"{OUTCOMES[spans['stubborn'][2]]} через "
    f"{measure.format_seconds(ran_on)} после task.cancel()",
    numbers={"ran_on": ran_on},
    reason_if_not="в этой версии Python проглоченная отмена всё же остановила задачу",
)
claims.check(
    "swallowed-cancel-stays-counted",
    "проглоченная отмена оставляет счётчик cancelling() равным 1, uncancel() "
    "сбрасывает его",
    confirmed=story.get("swallowed") == 1 and story.get("after_uncancel") == 0,
    evidence=f"{story.get('swallowed')} → {story.get('after_uncancel')}",
    reason_if_not="в этой версии Python cancelling() и uncancel() считают отмены иначе",
)
