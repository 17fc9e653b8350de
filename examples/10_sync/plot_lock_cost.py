"""
Сколько стоит блокировка: без соперников и с ними
=================================================

:class:`threading.Lock` защищает общие данные, но каждый захват и каждое
освобождение — это работа. Здесь измеряется, сколько наносекунд уходит на одну пару
«захватить — отпустить» (``with lock: pass``), когда:

* блокировка **общая**: её по очереди захватывают 1, 2 или 4 потока — с двумя и
  больше у неё есть соперники (блокировка *оспаривается*);
* у каждого потока **своя** блокировка: работа та же, но соперников нет никогда.

Разница между двумя линиями — цена соперничества, а не самой блокировки.
"""

# %%
# Код
# ---
#
# Ниже — весь код замера. ``hammer(kind, threads, n)`` запускает ``threads``
# потоков, и каждый ``n`` раз выполняет ``with lock: pass`` — с общей
# блокировкой (``"shared"``) или со своей (``"private"``). Потоки стартуют
# вместе, у :class:`threading.Barrier`, и функция дожидается их всех. Время —
# полное время вызова (запуск потоков в нём тоже есть, но на ``n`` захватов это
# мало), и оно делится на число пар «захватить — отпустить» во всех потоках.
# ``measure_hammer`` измеряет все варианты по очереди (A B A B …), чтобы
# занятость машины пришлась на все.
#
# .. literalinclude:: _lock_cost.py
#
# Чтобы запустить пример у себя, скачайте и этот модуль и положите его рядом:
# :download:`_lock_cost.py`.
#
# Этот код выполняет другой интерпретатор — ``potok.interpreters.Child``:
# сборка с GIL и free-threaded сборка, если она есть на машине (с ``-X gil=0``).
# Поэтому он лежит в модуле рядом с примером. Без GIL соперничество за
# блокировку настоящее: потоки захватывают её одновременно на разных ядрах.

# sphinx_gallery_tags = ["потоки", "free-threaded"]
from dataclasses import replace

import _lock_cost
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

N = measure.scale(60_000, 10_000)  # пар «захватить — отпустить» на поток
THREADS = [1, 2, 4]
REPEATS = measure.scale(5, 3)
LABELS = {"shared": "одна общая блокировка", "private": "у каждого потока своя"}

# сторона с GIL и сторона без него: этот интерпретатор и самый новый из
# найденных другой сборки (interpreters.available() ищет их один раз)
survey = interpreters.available()
here = interpreters.here()
with_gil = survey.newest(free_threaded=False) if here.free_threaded else here
free = here if here.free_threaded else survey.newest(free_threaded=True)
print(machine.stamp())
print(f"пар «захватить — отпустить» на поток: {N:_}; повторов: {REPEATS}")
if free is None:
    print(survey.not_measured(interpreters.FREE_THREADED))
sides = {}
for python in filter(None, (with_gil, free)):
    options = ["-X", "gil=0"] if python.free_threaded else []
    try:
        with interpreters.Child(python, options=options) as child:
            sides[python.label] = child.call(
                _lock_cost.measure_hammer, THREADS, N, REPEATS
            )
    except interpreters.ChildFailed as exc:
        if python is here:
            raise
        print(f"не измерено: {python.label} ({str(exc).strip().splitlines()[-1]})")

# нс на одну пару: время вызова делится на все пары всех потоков
cost = {
    (side, kind, t): measure.Timing(
        tuple(s / (t * N) * 1e9 for s in res["timings"][f"{kind} {t}"].samples)
    )
    for side, res in sides.items()
    for kind in _lock_cost.KINDS
    for t in THREADS
}
for side, res in sides.items():
    print(f"--- {res['stamp'].python}")
    for kind in _lock_cost.KINDS:
        for t in THREADS:
            c = cost[side, kind, t]
            print(f"  {LABELS[kind]}, потоков {t}: {c.median:.0f} нс на пару "
                  f"(мин {c.min:.0f} – макс {c.max:.0f})")  # fmt: skip

# %%
# График
# ------
#
# По панели на интерпретатор. По горизонтали — число потоков, по вертикали —
# время одной пары «захватить — отпустить», поделённое поровну на все потоки
# (сколько стоит одна пара с точки зрения программы в целом). Полоса — от
# лучшего до худшего повтора.

fig, axes = plots.figure(1, len(sides), width=5 * len(sides) + 1, height=4.2)
axes = [axes] if len(sides) == 1 else list(axes)
for ax, (side, res) in zip(axes, sides.items(), strict=True):
    for kind in _lock_cost.KINDS:
        series = [cost[side, kind, t] for t in THREADS]
        plots.medians(ax, THREADS, series, label=LABELS[kind])
    ax.set_xticks(THREADS)
    ax.set_xlabel("число потоков")
    ax.set_ylabel("время одной пары acquire/release, нс")
    ax.set_ylim(bottom=0)
    ax.set_title(res["stamp"].python, fontsize=10)
axes[0].legend()
first = next(iter(sides.values()))["stamp"]
both = " и ".join(res["stamp"].python for res in sides.values())
plots.stamp(fig, replace(first, python=both))
plt.show()

# %%
# Что проверяется
# ---------------
#
# Цена самой блокировки — свойство машины и Python, а занятость машины только
# добавляет к ней, поэтому здесь берётся лучший повтор (медиана — рядом).

gil_side = sides.get(with_gil.label) if with_gil else None
if gil_side is not None:
    alone = cost[with_gil.label, "shared", 1]
    claims.check(
        "uncontended-under-microsecond",
        "захват и освобождение блокировки без соперников стоят меньше микросекунды",
        confirmed=alone.min < 1000,
        evidence=f"один поток: лучший повтор {alone.min:.0f} нс на пару, "
        f"медиана {alone.median:.0f} нс",
        numbers={"best_ns": alone.min, "median_ns": alone.median},
        reason_if_not="машина была очень занята во всех повторах",
        stamp=gil_side["stamp"],
    )
    most = max(THREADS)
    one = cost[with_gil.label, "private", 1].median
    many = cost[with_gil.label, "private", most].median
    claims.check(
        "gil-threads-no-faster",
        "на сборке с GIL потоки не ускоряют захваты даже со своими блокировками",
        confirmed=many >= 0.8 * one,
        evidence=f"потоков: {most}, {many:.0f} нс на пару; один поток: {one:.0f} нс",
        numbers={"threads": most, "many_ns": many, "one_ns": one},
        reason_if_not="машина была занята во время замера одного потока",
        stamp=gil_side["stamp"],
    )
ft_side = sides.get(free.label) if free else None
if ft_side is not None and not ft_side["gil"]:
    shared = cost[free.label, "shared", 2].median
    private = cost[free.label, "private", 2].median
    claims.check(
        "no-gil-shared-lock-dearer",
        "без GIL с двумя потоками общая блокировка дороже, чем у каждого своя",
        confirmed=shared > private,
        evidence=f"общая: {shared:.0f} нс, свои: {private:.0f} нс на пару",
        numbers={"shared_ns": shared, "private_ns": private},
        reason_if_not="разница меньше шума замера на занятой машине",
        stamp=ft_side["stamp"],
    )
elif ft_side is not None:
    print("free-threaded сборка работала с включённым GIL: без-GIL-сторона не измерена")

# %%
# Что видно на графике
# --------------------
#
# Точка с одним потоком — цена блокировки без соперников: атомарная операция в
# памяти и вызов метода, меньше микросекунды. Сама по себе блокировка дешёвая.
#
# С несколькими потоками на **сборке с GIL** обе линии не опускаются: байт-код в
# каждый момент выполняет один поток, и пары «захватить — отпустить» всех потоков
# всё равно идут по очереди. Общая блокировка при этом иногда оказывается занята
# потоком, у которого как раз забрали GIL, — тогда поток-соперник засыпает на ней,
# и это стоит переключения потоков, то есть микросекунд, а не наносекунд. Но
# случается это редко (блокировка занята лишь на время ``pass``), поэтому на
# сборке с GIL две линии обычно расходятся меньше, чем колеблются повторы.
#
# На **free-threaded** сборке (правая панель, если она есть) линия «своя
# блокировка» может опуститься: потоки захватывают разные блокировки на разных
# ядрах одновременно. А общая блокировка остаётся узким местом: ядра передают
# друг другу строку кеша, в которой она лежит, и ждут друг друга; на машине,
# занятой ещё и чужими программами, разница может утонуть в шуме — об этом
# скажет проверка выше.
#
# Что изменится на другой машине
# ------------------------------
#
# Абсолютные наносекунды зависят от процессора и версии Python. Число ядер
# процессора важно только без GIL: чем их больше, тем сильнее расходятся «общая»
# и «своя».
# Вывод один: держите блокировку недолго и захватывайте её реже — например,
# копите результат в локальной переменной и добавляйте под блокировкой один раз.
