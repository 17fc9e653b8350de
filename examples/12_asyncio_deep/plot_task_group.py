"""
Группа задач: одна упала — остальные отменены
=============================================

С Python 3.11 задачи asyncio удобно запускать **группой**:
:class:`asyncio.TaskGroup`. Блок ``async with asyncio.TaskGroup() as tg:`` не
закончится, пока не закончатся все задачи, созданные через
``tg.create_task(...)``. Если одна из них падает с исключением, группа
**отменяет** остальные, ждёт, пока они завершатся, и выбрасывает
:class:`ExceptionGroup` со всеми ошибками. Ни одна задача не остаётся висеть в
фоне, ни одна ошибка не теряется.

Здесь это видно на времени: пример запускает группу из четырёх «запросов»
(``asyncio.sleep`` — для цикла это то же ожидание, что и ответ по сети), один из
которых падает. Каждая задача записывает, когда началась и закончилась и как:
вернула результат, упала или была отменена.
"""

# %%
# Код
# ---
#
# Ниже — весь код замера. ``request`` — один «запрос»: ждёт свои секунды и,
# если так задано, падает с :class:`ValueError`. Отмену он ловит только затем,
# чтобы записать, чем закончился, и выпускает её дальше (``raise``); запись о
# задаче делает блок ``finally`` — так видно, что он выполнился и у отменённых
# задач. ``main`` запускает все запросы в одной группе и разбирает её ошибку
# конструкцией ``except*``: ветка получает группу только с ошибками нужного
# типа. Задача «с ошибкой» падает на своей секунде; «быстрая» к этому времени
# уже закончилась.

# sphinx_gallery_tags = ["asyncio"]
import asyncio
import sys
import time

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots

UNIT = measure.scale(0.1, 0.05)  # с: столько ждёт «быстрая» задача
#: имя задачи: (сколько секунд ждать, упасть ли в конце)
TASKS = {
    "быстрая": (1 * UNIT, False),
    "с ошибкой": (2 * UNIT, True),
    "средняя": (4 * UNIT, False),
    "долгая": (6 * UNIT, False),
}
records = {}  # имя: (начало, конец, чем закончилась), секунды от старта


async def request(name, seconds, fail, origin):
    start = time.perf_counter() - origin
    outcome = "error"
    try:
        await asyncio.sleep(seconds)  # ожидание ответа «сети»
        if fail:
            raise ValueError(f"{name}: сервер ответил ошибкой")
        outcome = "done"
        return name
    except asyncio.CancelledError:
        outcome = "cancelled"
        raise  # отменённая задача обязана выпустить CancelledError
    finally:
        records[name] = (start, time.perf_counter() - origin, outcome)


async def main():
    origin = time.perf_counter()
    caught = {}
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = {
                name: tg.create_task(request(name, s, fail, origin), name=name)
                for name, (s, fail) in TASKS.items()
            }
    except* ValueError as group:
        caught = {"group": type(group).__name__, "inside": group.exceptions}
    cancelled = [name for name, task in tasks.items() if task.cancelled()]
    quick = tasks["быстрая"].result()  # результат закончившейся задачи цел
    return caught, cancelled, quick, asyncio.current_task().cancelling()


print(machine.stamp())
caught, cancelled, quick, cancelling = asyncio.run(main())
OUTCOMES = {"done": "вернула результат", "error": "упала", "cancelled": "отменена"}
for name in TASKS:
    start, end, outcome = records[name]
    print(f"{name:>10}: {start:.3f}–{end:.3f} с, {OUTCOMES[outcome]}")
inside = ", ".join(repr(e) for e in caught["inside"])
print(f"\nгруппа выбросила: {caught['group']}, внутри: {inside}")
print(f"отменены (task.cancelled()): {', '.join(cancelled)}")
print(f"task.cancelling() задачи main после группы: {cancelling}")

# %%
# Время каждой задачи
# -------------------
#
# Полоса — от начала до конца задачи; цвет — чем она закончилась. Светлая
# рамка — сколько задача ждала бы, если бы её не прервали. Пунктир — момент,
# когда упала задача «с ошибкой».

COLORS = {"done": plots.PALETTE[2], "error": plots.PALETTE[5], "cancelled": "#888888"}
fig, ax = plots.figure(height=3.2)
ax.set_title("Группа задач: одна упала — остальные отменены")
for row, (name, (seconds, _)) in enumerate(TASKS.items()):
    start, end, outcome = records[name]
    ax.barh(row, seconds, left=start, height=0.6, fill=False,
            edgecolor="#bbbbbb", linestyle="--")  # fmt: skip
    ax.barh(row, max(end - start, 0.003), left=start, height=0.6,
            color=COLORS[outcome])  # fmt: skip
failed_at = records["с ошибкой"][1]
ax.axvline(failed_at, color=plots.REFERENCE, linestyle="--", linewidth=1)
for outcome, label in OUTCOMES.items():
    ax.barh(0, 0, color=COLORS[outcome], label=label)
ax.set_yticks(range(len(TASKS)), list(TASKS))
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
# наружу. «Быстрая» закончилась раньше и свой результат вернула.
#
# Строка ``task.cancelling()`` выше — счётчик просьб об отмене задачи ``main``,
# той, в которой работала группа. Чтобы отменить остальные задачи, группа
# отменяет и свою родительскую задачу, а потом снимает эту отмену. До Python
# 3.13 она снимала её не во всех случаях, и после группы с ошибкой счётчик
# оставался равным 1; в 3.13 это исправлено (gh-116720). Что делает с этим
# счётчиком тайм-аут — в примере
# :ref:`sphx_glr_auto_examples_12_asyncio_deep_plot_cancellation.py`.
#
# Проверка на этих числах:

late = {n: records[n][1] - failed_at for n in ("средняя", "долгая")}
claims.check(
    "group-cancels-at-once",
    "когда задача группы падает, группа отменяет незаконченные задачи сразу, "
    "а не ждёт их сроков",
    confirmed=all(records[n][2] == "cancelled" and d < 0.05 for n, d in late.items()),
    evidence=", ".join(
        f"«{n}»: {OUTCOMES[records[n][2]]} через "
        f"{measure.format_seconds(max(0.0, d))} после ошибки"
        for n, d in late.items()
    ),
    numbers={"late_middle": late["средняя"], "late_long": late["долгая"]},
    reason_if_not="машина была занята, и цикл опоздал",
)
claims.check(
    "finally-runs-on-cancel",
    "блок finally отменённой задачи выполняется",
    confirmed=bool(cancelled) and all(n in records for n in cancelled),
    evidence=f"отменено задач: {len(cancelled)}, записали своё в finally: "
    f"{sum(n in records for n in cancelled)}",
    numbers={"cancelled": len(cancelled)},
    reason_if_not="в этой версии Python группа задач отменяет задачи иначе, чем "
    "описано в главе",
)
claims.check(
    "finished-task-keeps-result",
    "задача, закончившаяся до ошибки, сохраняет свой результат",
    confirmed=quick == "быстрая" and records["быстрая"][2] == "done",
    evidence=f"«быстрая»: {OUTCOMES[records['быстрая'][2]]}, result() = {quick!r}",
    reason_if_not="в этой версии Python группа задач обходится с законченной задачей "
    "иначе, чем описано в главе",
)
claims.check(
    "exception-group-holds-error",
    "группа выбрасывает ExceptionGroup с исходной ошибкой внутри",
    confirmed=caught["group"] == "ExceptionGroup"
    and [type(e) for e in caught["inside"]] == [ValueError],
    evidence=f"{caught['group']}: {inside}",
    reason_if_not="в этой версии Python TaskGroup сообщает об ошибке иначе, чем "
    "описано в главе",
)
if sys.version_info >= (3, 13):
    claims.check(
        "group-uncancels-parent",
        "группа задач, отменившая свои задачи из-за ошибки, не оставляет отмену "
        "на задаче, в которой работала (так с Python 3.13)",
        confirmed=cancelling == 0,
        evidence=f"task.cancelling() после группы: {cancelling}",
        numbers={"cancelling": cancelling},
        reason_if_not="в этой версии Python вернулась ошибка gh-116720: группа не "
        "сняла отмену",
    )
else:
    claims.check(
        "group-leaves-cancelling",
        "до Python 3.13 группа задач, отменившая свои задачи из-за ошибки, "
        "оставляет счётчик отмен задачи, в которой работала, равным 1",
        confirmed=cancelling == 1,
        evidence=f"task.cancelling() после группы: {cancelling}",
        numbers={"cancelling": cancelling},
        reason_if_not="в этой версии исправление gh-116720 уже перенесено",
    )
