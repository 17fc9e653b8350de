"""
Группа задач, тайм-аут и отмена
===============================

С Python 3.11 задачи asyncio удобно запускать **группой**:
:class:`asyncio.TaskGroup`. Блок ``async with asyncio.TaskGroup() as tg:`` не
закончится, пока не закончатся все задачи, созданные через
``tg.create_task(...)``. Если одна из них падает с исключением, группа
**отменяет** остальные, ждёт, пока они завершатся, и выбрасывает
:class:`ExceptionGroup` со всеми ошибками. Ни одна задача не остаётся висеть в
фоне, ни одна ошибка не теряется.

Здесь это видно на времени: пример запускает группу из четырёх «запросов»
(``asyncio.sleep`` — для цикла это то же ожидание, что и ответ по сети), один из
которых падает, а потом одно ожидание под :func:`asyncio.timeout`. Каждая задача
записывает, когда началась и закончилась и как: вернула результат, упала или
была отменена, — и выполнился ли её блок ``finally``.
"""

# %%
# Группа, в которой одна задача падает
# ------------------------------------
#
# ``potok.aio_deep.group_and_timeout`` запускает задачи из
# ``aio_deep.GROUP_TASKS`` (имя, сколько секунд ждать, упасть ли в конце). Задача
# «с ошибкой» падает на своей секунде; «быстрая» к этому времени уже закончилась.
# Потом — ожидание ``TIMED_WORK`` секунд под тайм-аутом ``TIMEOUT``.

import asyncio
import sys

import matplotlib.pyplot as plt

from potok import aio_deep, claims, machine, measure, plots

machine.require(python="3.11")

TIMEOUT = 0.25  # с
TIMED_WORK = 1.0  # с: столько ждала бы задача без тайм-аута

print(machine.stamp())
run = aio_deep.group_and_timeout(timeout=TIMEOUT, timed_work=TIMED_WORK)
planned = {name: seconds for name, seconds, _ in aio_deep.GROUP_TASKS}
planned["под тайм-аутом"] = TIMED_WORK
OUTCOMES = {"done": "вернула результат", "error": "упала", "cancelled": "отменена"}
for r in run.records:
    print(
        f"{r.name:>15}: {r.start:.3f}–{r.end:.3f} с, {OUTCOMES[r.outcome]}, "
        f"finally выполнен: {'да' if r.cleaned_up else 'нет'}"
    )
print(f"\nгруппа выбросила: {run.group_error}, внутри: {', '.join(run.inner_errors)}")
print(f"тайм-аут выбросил: {run.timeout_error}")
print(
    f"task.cancelling() главной задачи: после группы {run.cancelling_after_group}, "
    f"после тайм-аута {run.cancelling_after_timeout}"
)

# %%
# Время каждой задачи
# -------------------
#
# Полоса — от начала до конца задачи; цвет — чем она закончилась. Светлая
# рамка — сколько задача ждала бы, если бы её не прервали. Пунктир — момент, когда
# упала задача «с ошибкой»; точечная линия — срок тайм-аута.

COLORS = {"done": plots.PALETTE[2], "error": plots.PALETTE[5], "cancelled": "#888888"}
fig, ax = plots.figure(height=3.6)
ax.set_title("Группа задач: одна упала — остальные отменены")
records = list(run.records)
by_name = {r.name: r for r in records}
order = [name for name in planned if name in by_name]
for row, name in enumerate(order):
    r = by_name[name]
    ax.barh(
        row,
        planned[name],
        left=r.start,
        height=0.6,
        fill=False,
        edgecolor="#bbbbbb",
        linestyle="--",
    )
    ax.barh(
        row,
        max(r.end - r.start, 0.003),
        left=r.start,
        height=0.6,
        color=COLORS[r.outcome],
    )
failed_at = by_name["с ошибкой"].end
ax.axvline(failed_at, color=plots.REFERENCE, linestyle="--", linewidth=1)
timed = by_name["под тайм-аутом"]
ax.axvline(timed.start + TIMEOUT, color=plots.REFERENCE, linestyle=":", linewidth=1)
for outcome, label in OUTCOMES.items():
    ax.barh(0, 0, color=COLORS[outcome], label=label)
ax.set_yticks(range(len(order)), order)
ax.invert_yaxis()
ax.set_xlabel("время от начала, с")
ax.legend(fontsize=8, loc="upper right")
ax.grid(axis="y", visible=False)
plots.stamp(fig)
plt.show()

# %%
# Задачи «средняя» и «долгая» не доработали до своих сроков: их полосы
# обрываются на пунктире, когда упала задача «с ошибкой», — группа их отменила.
# В каждую отменённую задачу пришло :class:`asyncio.CancelledError` в том месте,
# где она ждала (``await``), её блок ``finally`` выполнился, и исключение вышло
# наружу. «Быстрая» закончилась раньше и свой результат вернула. Задача под
# тайм-аутом обрывается на точечной линии: :func:`asyncio.timeout` отменил её
# ожидание, а на выходе из блока превратил :class:`asyncio.CancelledError` в
# :class:`TimeoutError`.
#
# Строка ``task.cancelling()`` выше — счётчик просьб об отмене главной задачи,
# той, в которой работали группа и тайм-аут. Чтобы отменить остальные задачи,
# группа отменяет и свою родительскую задачу, а потом снимает эту отмену. До
# Python 3.13 она снимала её не во всех случаях, и после группы с ошибкой счётчик
# оставался равным 1; в 3.13 это исправлено (gh-116720). Тайм-аут после группы
# возвращает счётчик к тому, что было до него, — в любой версии.
#
# Проверка на этих числах:

cancelled = [by_name[n] for n in ("средняя", "долгая")]
claims.check(
    "когда задача группы падает, группа отменяет незаконченные задачи сразу, "
    "а не ждёт их сроков",
    confirmed=all(
        r.outcome == "cancelled" and r.end - failed_at < 0.05 for r in cancelled
    ),
    evidence=", ".join(
        f"«{r.name}»: {OUTCOMES[r.outcome]} через "
        f"{measure.format_seconds(max(0.0, r.end - failed_at))} после ошибки"
        for r in cancelled
    ),
    reason_if_not="машина была занята, и цикл опоздал",
)
claims.check(
    "блок finally отменённой задачи выполняется",
    confirmed=all(r.cleaned_up for r in records if r.outcome == "cancelled"),
    evidence=f"отменено задач: {sum(r.outcome == 'cancelled' for r in records)}, "
    f"с выполненным finally: "
    f"{sum(r.cleaned_up for r in records if r.outcome == 'cancelled')}",
)
claims.check(
    "задача, закончившаяся до ошибки, сохраняет свой результат",
    confirmed=by_name["быстрая"].outcome == "done",
    evidence=f"«быстрая»: {OUTCOMES[by_name['быстрая'].outcome]}",
)
claims.check(
    "группа выбрасывает ExceptionGroup с исходной ошибкой внутри",
    confirmed=run.group_error == "ExceptionGroup"
    and any("ValueError" in e for e in run.inner_errors),
    evidence=f"{run.group_error}: {', '.join(run.inner_errors)}",
)
claims.check(
    "asyncio.timeout прерывает ожидание в срок, выбрасывает TimeoutError и "
    "возвращает счётчик отмен задачи к тому, что было до него",
    confirmed=run.timeout_error == "TimeoutError"
    and run.cancelling_after_timeout == run.cancelling_after_group
    and abs(timed.end - timed.start - TIMEOUT) < 0.05,
    evidence=f"{run.timeout_error}; задача ждала "
    f"{measure.format_seconds(timed.end - timed.start)}; task.cancelling(): "
    f"{run.cancelling_after_group} → {run.cancelling_after_timeout}",
    reason_if_not="машина была занята, и цикл опоздал",
)
if sys.version_info >= (3, 13):
    claims.check(
        "группа задач, отменившая свои задачи из-за ошибки, не оставляет отмену "
        "на задаче, в которой работала (так с Python 3.13)",
        confirmed=run.cancelling_after_group == 0,
        evidence=f"task.cancelling() после группы: {run.cancelling_after_group}",
    )
else:
    claims.check(
        "до Python 3.13 группа задач, отменившая свои задачи из-за ошибки, "
        "оставляет счётчик отмен задачи, в которой работала, равным 1",
        confirmed=run.cancelling_after_group == 1,
        evidence=f"task.cancelling() после группы: {run.cancelling_after_group}",
        reason_if_not="в этой версии исправление gh-116720 уже перенесено",
    )

# %%
# Отмена, которую проглотили
# --------------------------
#
# Отмена в asyncio — это просьба: ``task.cancel()`` бросает
# :class:`asyncio.CancelledError` в задачу там, где она ждёт. Задача может
# поймать его — чтобы прибраться — но должна выпустить дальше (``raise``). Если
# проглотить его, задача продолжит работать, а её счётчик отмен
# (:meth:`asyncio.Task.cancelling`, с 3.11) останется ненулевым: группы задач и
# тайм-ауты по нему понимают, что задачу отменяют. Сбросить его может только
# :meth:`asyncio.Task.uncancel` — так и делает сам :func:`asyncio.timeout`.

story = aio_deep.swallowed_cancel()
print(
    f"после проглоченной отмены task.cancelling() = {story.swallowed_then_cancelling}"
)
print(f"после task.uncancel() task.cancelling() = {story.after_uncancel}")
fired = "да" if story.timeout_fired_after_swallow else "нет"
print(f"тайм-аут после этого сработал: {fired}")
claims.check(
    "проглоченная отмена оставляет счётчик cancelling() равным 1, uncancel() "
    "сбрасывает его",
    confirmed=story.swallowed_then_cancelling == 1 and story.after_uncancel == 0,
    evidence=f"{story.swallowed_then_cancelling} → {story.after_uncancel}",
)

# %%
# Очередь и её закрытие
# ---------------------
#
# :class:`asyncio.Queue` связывает производителя с потребителями. Раньше, чтобы
# остановить потребителей, в очередь клали по «метке конца» (``None``) на
# каждого. С Python 3.13 у очереди есть :meth:`asyncio.Queue.shutdown`: после неё
# ``put()`` выбрасывает :class:`asyncio.QueueShutDown`, а ``get()`` — тоже, как
# только очередь опустеет, и ждущие потребители просыпаются. Ниже — оба
# способа, если интерпретатор умеет оба.

ways = ["sentinel"] + (["shutdown"] if hasattr(asyncio.Queue, "shutdown") else [])
if "shutdown" not in ways:
    print(f"Queue.shutdown() появилась в Python 3.13, а здесь {sys.version.split()[0]}")
for how in ways:
    q = aio_deep.queue_pipeline(items=20, consumers=3, how=how)
    print(
        f"{how}: обработано {q.handled}, всего {sum(q.handled.values())}; "
        f"остановлены: {sorted(set(q.ended_by.values()))}"
    )
    claims.check(
        f"способ «{how}»: каждый элемент обработан ровно один раз, и все "
        "потребители остановились",
        confirmed=sum(q.handled.values()) == 20 and len(q.ended_by) == 3,
        evidence=f"обработано {sum(q.handled.values())} из 20, остановлено "
        f"потребителей: {len(q.ended_by)} из 3",
    )

# %%
# to_thread и run_in_executor
# ---------------------------
#
# Оба способа запускают блокирующую функцию в пуле потоков цикла, но
# :func:`asyncio.to_thread` (с 3.9) запускает её в копии
# :mod:`контекста <contextvars>` вызывающей корутины — там видны её
# :class:`~contextvars.ContextVar`, например идентификатор запроса для журнала.
# ``loop.run_in_executor`` контекст не переносит, зато принимает любой
# исполнитель, в том числе пул процессов.

for way, value in aio_deep.context_in_threads().items():
    print(f"{way:>36}: REQUEST_ID = {value}")
seen = aio_deep.context_in_threads()
claims.check(
    "to-thread-sees-context",
    "to_thread видит контекстную переменную корутины, run_in_executor — нет",
    confirmed=seen["asyncio.to_thread(f)"] == seen["в самой корутине"]
    and seen["loop.run_in_executor(None, f)"] != seen["в самой корутине"],
    evidence=f"to_thread: {seen['asyncio.to_thread(f)']}, "
    f"run_in_executor: {seen['loop.run_in_executor(None, f)']}",
)
