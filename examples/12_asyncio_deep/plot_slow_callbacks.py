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
# Замер
# -----
#
# Каждый шаг — отдельная задача с именем: ``шаг-<номер>-<длительность>мс``. Она
# делает блокирующий вызов заданной длины (``time.sleep`` — так ждёт ответа
# синхронный сетевой клиент) сначала прямо в корутине, потом через
# :func:`asyncio.to_thread`. Порог ``slow_callback_duration`` задан меньше
# умолчания, чтобы его было видно на графике. Предупреждения asyncio пишет через
# :mod:`logging`; пример вешает на журнал ``asyncio`` свой обработчик, собирает
# строки ``Executing ... took ...`` и сопоставляет их шагам по имени задачи.
# Длительность блокировки измерена рядом, в самой задаче.

import matplotlib.pyplot as plt

from potok import aio_deep, claims, machine, measure, plots

THRESHOLD = 0.05  # с: loop.slow_callback_duration
BLOCKS = measure.scale([0.01, 0.03, 0.07, 0.12, 0.2], [0.01, 0.03, 0.08, 0.12])

print(machine.stamp())
runs = {
    way: aio_deep.slow_callbacks(BLOCKS, threshold=THRESHOLD, way=way)
    for way in ("inline", "to_thread")
}
for way, run in runs.items():
    print(f"\n{way}: предупреждений «Executing ... took»: {len(run.messages)}")
    for message in run.messages:
        print("   ", aio_deep.shorten(message))
    for step in run.steps:
        said = (
            measure.format_seconds(step.reported) if step.reported is not None else "—"
        )
        print(
            f"    {step.name}: вызов длился {measure.format_seconds(step.blocked)}, "
            f"asyncio сообщил: {said}"
        )

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
for ax, (way, run), color in zip(axes, runs.items(), plots.PALETTE, strict=False):
    xs = range(len(run.steps))
    ax.bar(xs, [s.blocked * 1e3 for s in run.steps], color=color, alpha=0.7)
    reported = [(i, s.reported) for i, s in enumerate(run.steps) if s.reported]
    if reported:
        ax.plot(
            [i for i, _ in reported],
            [r * 1e3 for _, r in reported],
            "D",
            color=plots.PALETTE[5],
            label="предупреждение asyncio",
        )
    ax.axhline(
        THRESHOLD * 1e3,
        color=plots.REFERENCE,
        linestyle="--",
        linewidth=1,
        label="порог slow_callback_duration",
    )
    ax.legend(fontsize=8, loc="upper left")
    ax.set_xticks(list(xs), [f"{round(b * 1e3)}" for b in BLOCKS])
    ax.set_xlabel("заданная блокировка шага, мс")
    ax.set_title(f"{LABELS[way]}\nпредупреждений: {len(run.messages)}", fontsize=10)
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

inline, threaded = runs["inline"], runs["to_thread"]
long_steps = [s for s in inline.steps if s.blocked > 1.2 * THRESHOLD]
short_steps = [s for s in inline.steps if s.blocked < 0.8 * THRESHOLD]
claims.check(
    "debug-mode-warns",
    "отладочный режим предупреждает о каждом шаге, блокировавшем цикл дольше порога",
    confirmed=bool(long_steps) and all(s.reported is not None for s in long_steps),
    evidence=f"с предупреждением {sum(s.reported is not None for s in long_steps)} "
    f"из {len(long_steps)} шагов длиннее порога",
    reason_if_not="журнал asyncio настроен иначе (уровень выше WARNING)",
)
claims.check(
    "о шагах короче порога он молчит",
    confirmed=all(s.reported is None for s in short_steps),
    evidence=f"без предупреждения {sum(s.reported is None for s in short_steps)} "
    f"из {len(short_steps)} коротких шагов",
    reason_if_not="машина была занята, и короткий шаг затянулся дольше порога",
)
claims.check(
    "время в предупреждении — не меньше измеренной блокировки",
    confirmed=bool(long_steps)
    and all(
        s.reported is not None and s.reported >= s.blocked - 0.001 for s in long_steps
    ),
    evidence=", ".join(
        f"{measure.format_seconds(s.blocked)} → {measure.format_seconds(s.reported)}"
        for s in long_steps
        if s.reported is not None
    )
    or "предупреждений нет",
    reason_if_not="asyncio округляет время до миллисекунды",
)
claims.check(
    "to-thread-no-warning",
    "тот же вызов через asyncio.to_thread не блокирует цикл, и предупреждений нет",
    confirmed=not threaded.messages,
    evidence=f"предупреждений: {len(threaded.messages)}",
    reason_if_not="машина была так занята, что даже короткий шаг цикла затянулся",
)

# %%
# В продакшене отладочный режим обычно не включают (он замедляет цикл: запоминает,
# где создана каждая задача, и проверяет, из какого потока вызывают цикл). Его
# включают в тестах и при поиске причины: «сервис иногда отвечает с задержкой в
# секунду». Порог задают как здесь —
# ``asyncio.get_running_loop().slow_callback_duration = 0.05`` — в начале
# главной корутины.
