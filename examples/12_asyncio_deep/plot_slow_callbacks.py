"""
Как найти корутину, которая блокирует цикл
==========================================

Блокирующий вызов в корутине — ``time.sleep``, синхронный HTTP-клиент, долгий
расчёт — останавливает весь событийный цикл (пример
:ref:`sphx_glr_auto_examples_07_asyncio_plot_event_loop_heartbeat.py`). Такой
вызов трудно заметить глазами: в коде он выглядит как любой другой. asyncio
умеет находить его сам — в **отладочном режиме**.

В отладочном режиме (``asyncio.run(main(), debug=True)``, переменная окружения
``PYTHONASYNCIODEBUG=1`` или ``python -X dev``) цикл засекает каждый свой шаг —
каждый обратный вызов (callback) или кусок корутины между двумя ``await``. Шаг,
который длился дольше порога, цикл называет в журнале ``asyncio``
предупреждением вида ``Executing <Task ...> took 0.150 seconds``. Порог — атрибут
цикла :attr:`~asyncio.loop.slow_callback_duration`, по умолчанию 0,1 с.
"""

# %%
# Код
# ---
#
# Ниже — весь код замера. Каждый шаг — отдельная задача с именем
# ``шаг-<номер>-<длительность>мс``. Она делает блокирующий вызов заданной длины
# (``time.sleep`` — так ждёт ответа синхронный сетевой клиент) прямо в корутине
# (``way="inline"``) или через :func:`asyncio.to_thread`, и сама измеряет,
# сколько он длился. Цикл запущен с ``debug=True``, порог
# ``slow_callback_duration`` задан меньше умолчания, чтобы его было видно на
# графике. Предупреждения asyncio пишет через :mod:`logging`; на журнал
# ``asyncio`` повешен свой обработчик ``Capture``, он собирает строки
# ``Executing ... took ...``, а ``run`` сопоставляет их шагам по имени задачи.

# sphinx_gallery_tags = ["asyncio"]
import asyncio
import logging
import re
import time

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots

THRESHOLD = 0.05  # с: loop.slow_callback_duration
BLOCKS = measure.scale([0.01, 0.03, 0.07, 0.12, 0.2], [0.01, 0.03, 0.08, 0.12])
TOOK = re.compile(r"^Executing (?P<what>.*) took (?P<seconds>\d+(?:\.\d+)?) seconds$")


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


async def step(name, seconds, way, blocked):
    start = time.perf_counter()
    if way == "inline":
        time.sleep(seconds)  # ошибка: блокирующий вызов прямо в корутине
    else:
        await asyncio.to_thread(time.sleep, seconds)
    blocked[name] = time.perf_counter() - start


async def main(way, blocked):
    asyncio.get_running_loop().slow_callback_duration = THRESHOLD
    for i, seconds in enumerate(BLOCKS):
        name = f"шаг-{i + 1}-{round(seconds * 1000)}мс"
        await asyncio.create_task(step(name, seconds, way, blocked), name=name)


def run(way):
    """{имя шага: (длился, что сообщил asyncio или None)} и все строки журнала."""
    logger, capture, blocked = logging.getLogger("asyncio"), Capture(), {}
    logger.addHandler(capture)
    level, propagate = logger.level, logger.propagate
    logger.propagate = False  # строки ловит Capture, а не корневой журнал
    logger.setLevel(logging.WARNING)
    try:
        asyncio.run(main(way, blocked), debug=True)
    finally:
        logger.removeHandler(capture)
        logger.setLevel(level)
        logger.propagate = propagate
    took = [m for m in capture.messages if TOOK.match(m)]
    steps = {}
    for name, seconds in blocked.items():
        said = [TOOK.match(m)["seconds"] for m in took if f"name='{name}'" in m]
        steps[name] = (seconds, float(said[-1]) if said else None)
    return steps, took


# %%
# Замер
# -----
#
# Один и тот же набор шагов — сначала прямо в корутине, потом через
# ``to_thread``. Длительность блокировки измерена рядом, в самой задаче.

print(machine.stamp())
runs = {way: run(way) for way in ("inline", "to_thread")}
for way, (steps, took) in runs.items():
    print(f"\n{way}: предупреждений «Executing ... took»: {len(took)}")
    for message in took:  # без путей к файлам корутины
        print("   ", re.sub(r" coro=<.*> took ", " …> took ", message))
    for name, (blocked, said) in steps.items():
        said = measure.format_seconds(said) if said is not None else "—"
        print(f"    {name}: вызов длился {measure.format_seconds(blocked)}, "
              f"asyncio сообщил: {said}")  # fmt: skip

# %%
# Пути к файлам в строках выше сокращены до ``…``; в настоящем журнале там
# видно, какая корутина и где создана задача (отладочный режим запоминает и это).
#
# Что сообщил отладочный режим
# ----------------------------
#
# Столбцы — сколько длился блокирующий вызов каждого шага (измерено в задаче).
# Ромб над столбцом — шаг, о котором asyncio предупредил, на высоте названного им
# времени. Пунктир — порог ``slow_callback_duration``.

LABELS = {"inline": "прямо в корутине", "to_thread": "через asyncio.to_thread"}
fig, axes = plots.figure(1, 2, height=4.0)
for ax, (way, (steps, took)), color in zip(axes, runs.items(), plots.PALETTE,
                                           strict=False):  # fmt: skip
    xs = range(len(steps))
    ax.bar(xs, [blocked * 1e3 for blocked, _ in steps.values()], color=color, alpha=0.7)
    said = [(i, s) for i, (_, s) in enumerate(steps.values()) if s is not None]
    if said:
        ax.plot([i for i, _ in said], [s * 1e3 for _, s in said], "D",
                color=plots.PALETTE[5], label="предупреждение asyncio")  # fmt: skip
    ax.axhline(THRESHOLD * 1e3, color=plots.REFERENCE, linestyle="--", linewidth=1,
               label="порог slow_callback_duration")  # fmt: skip
    ax.legend(fontsize=8, loc="upper left")
    ax.set_xticks(list(xs), [f"{round(b * 1e3)}" for b in BLOCKS])
    ax.set_xlabel("заданная блокировка шага, мс")
    ax.set_title(f"{LABELS[way]}\nпредупреждений: {len(took)}", fontsize=10)
axes[0].set_ylabel("блокирующий вызов длился, мс")
plots.stamp(fig)
plt.show()

# %%
# Слева блокирующий вызов сделан прямо в корутине: шаги, которые блокировали
# цикл дольше порога, получили предупреждение, и названное в нём время близко к
# высоте столбца (asyncio засекает весь шаг, а блокировка — почти весь шаг).
# Короткие блокировки ниже порога не названы: отладочный режим ловит только то,
# что длиннее ``slow_callback_duration``, — выберите порог, который для вашего
# приложения уже заметен.
#
# Справа тот же вызов ушёл в поток: корутина ждёт его в ``await``, и шаг цикла
# длится микросекунды, сколько бы ни длился сам вызов. Предупреждений нет.
#
# Проверка на этих числах:

steps, _ = runs["inline"]
long_steps = {n: v for n, v in steps.items() if v[0] > 1.2 * THRESHOLD}
short_steps = {n: v for n, v in steps.items() if v[0] < 0.8 * THRESHOLD}
warned = sum(said is not None for _, said in long_steps.values())
silent = sum(said is None for _, said in short_steps.values())
claims.check(
    "debug-mode-warns",
    "отладочный режим предупреждает о каждом шаге, блокировавшем цикл дольше порога",
    confirmed=bool(long_steps) and warned == len(long_steps),
    evidence=f"с предупреждением {warned} из {len(long_steps)} шагов длиннее порога",
    numbers={"warned": warned, "long_steps": len(long_steps)},
    reason_if_not="журнал asyncio настроен иначе (уровень выше WARNING)",
)
claims.check(
    "silent-below-threshold",
    "о шагах короче порога он молчит",
    confirmed=silent == len(short_steps),
    evidence=f"без предупреждения {silent} из {len(short_steps)} коротких шагов",
    numbers={"silent": silent, "short_steps": len(short_steps)},
    reason_if_not="машина была занята, и короткий шаг затянулся дольше порога",
)
claims.check(
    "warning-covers-block",
    "время в предупреждении — не меньше измеренной блокировки",
    confirmed=bool(long_steps)
    and all(s is not None and s >= b - 0.001 for b, s in long_steps.values()),
    evidence=", ".join(
        f"{measure.format_seconds(b)} → {measure.format_seconds(s)}"
        for b, s in long_steps.values()
        if s is not None
    )
    or "предупреждений нет",
    reason_if_not="asyncio округляет время до миллисекунды",
)
threaded = runs["to_thread"][1]
claims.check(
    "to-thread-no-warning",
    "тот же вызов через asyncio.to_thread не блокирует цикл, и предупреждений нет",
    confirmed=not threaded,
    evidence=f"предупреждений: {len(threaded)}",
    numbers={"warnings": len(threaded)},
    reason_if_not="машина была так занята, что даже короткий шаг цикла затянулся",
)

# %%
# В продакшене отладочный режим обычно не включают (он замедляет цикл: запоминает,
# где создана каждая задача, и проверяет, из какого потока вызывают цикл). Его
# включают в тестах и при поиске причины: «сервис иногда отвечает с задержкой в
# секунду». Порог задают как здесь —
# ``asyncio.get_running_loop().slow_callback_duration = 0.05`` — в начале
# главной корутины.
