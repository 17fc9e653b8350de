"""
Потерянные обновления с GIL и без него
======================================

В примере :ref:`sphx_glr_auto_examples_04_gil_plot_lost_updates.py` два потока
прибавляют единицу к общему счётчику тремя способами, и на сборке с GIL строка
``counter.value += 1`` почти никогда ничего не теряет. Здесь тот же эксперимент —
тот же код, те же ``N`` и интервалы переключения — выполняется в двух
интерпретаторах: в сборке с GIL и в free-threaded сборке CPython (:pep:`703`),
если она есть на машине, где собирается страница.
"""

# %%
# Код
# ---
#
# Ниже — весь код, который выполняет каждый интерпретатор; он разобран в примере
# :ref:`sphx_glr_auto_examples_04_gil_plot_lost_updates.py`.
#
# .. literalinclude:: _lost_updates.py
#
# :download:`_lost_updates.py`
#
# Его выполняет другой интерпретатор — ``potok.interpreters.Child``, поэтому код
# лежит в модуле рядом с примером. Free-threaded сборка запускается с
# ``-X gil=0``: так GIL не включится, даже если какой-то модуль об этом попросит.

# sphinx_gallery_tags = ["потоки", "free-threaded"]
import statistics
import sys
from dataclasses import replace

import _lost_updates
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

N = measure.scale(8_000, 3_000)  # прибавлений на поток за один прогон
RUNS = measure.scale(15, 4)  # прогонов на каждый способ и интервал
INTERVALS = sorted({1e-5, 1e-4, 5e-4, 2e-3, sys.getswitchinterval()})  # секунды
KINDS = _lost_updates.KINDS
LABELS = {
    "read-call-write": "чтение, вызов, запись",
    "in-place": "counter.value += 1",
    "locked": "с threading.Lock",
}

survey = interpreters.available()
here = interpreters.here()
with_gil = survey.newest(free_threaded=False) if here.free_threaded else here
free = here if here.free_threaded else survey.newest(free_threaded=True)
print(machine.stamp())
print(f"прибавлений на поток: {N:_}; прогонов на способ и интервал: {RUNS}")
if free is None:
    print(survey.not_measured(interpreters.FREE_THREADED))

# %%
# Измерение
# ---------
#
# По очереди в каждом интерпретаторе. Для каждого печатается, в скольких
# прогонах каждым способом потерялось хоть одно прибавление и сколько (медиана и
# максимум).

builds = {}
for python in filter(None, (with_gil, free)):
    options = ["-X", "gil=0"] if python.free_threaded else []
    try:
        with interpreters.Child(python, options=options) as child:
            res = child.call(_lost_updates.lost_by_interval, N, RUNS, INTERVALS)
    except interpreters.ChildFailed as exc:
        if python is here:
            raise
        print(f"не измерено: {python.label} ({str(exc).strip().splitlines()[-1]})")
        continue
    builds[python] = res
    state = "GIL включён" if res["gil"] else "GIL выключен"
    print(f"--- {res['stamp'].python}; после работы: {state}")
    print(f"{'интервал':>10} | {'способ':<22} | с потерями | потеряно (медиана, макс)")
    for k, interval in enumerate(INTERVALS):
        for kind in KINDS:
            runs = res["lost"][kind][k]
            print(
                f"{interval * 1e3:>7g} мс | {LABELS[kind]:<22} | "
                f"{sum(x > 0 for x in runs):>3} из {RUNS:<4} "
                f"| {statistics.median(runs):>8g}, {max(runs):_}"
            )


def every_run(res, kind):
    """Потери всех прогонов способа ``kind`` при всех интервалах."""
    return [x for runs in res["lost"][kind] for x in runs]


# %%
# График
# ------
#
# Все интервалы вместе: слева — в какой доле прогонов потерялось хоть одно
# прибавление, справа — сколько в среднем терялось за прогон.

fig, (left, right) = plots.figure(1, 2, width=10, height=4.2)
rows = range(len(KINDS))
width = 0.38
for j, res in enumerate(builds.values()):
    color = plots.PALETTE[0] if res["gil"] else plots.PALETTE[2]
    name = ("с GIL: " if res["gil"] else "без GIL: ") + res["stamp"].python
    share = [100 * statistics.fmean(x > 0 for x in every_run(res, k)) for k in KINDS]
    mean = [statistics.fmean(every_run(res, k)) for k in KINDS]
    pos = [r + (j - 0.5) * width for r in rows]
    left.barh(pos, share, height=width, color=color, label=name)
    right.barh(pos, mean, height=width, color=color, label=name)
for ax in (left, right):
    ax.set_yticks(rows, [LABELS[k] for k in KINDS])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
right.set_yticks(rows, [""] * len(KINDS))
left.set_xlim(0, 105)
left.set_xlabel("прогонов с потерями, % (все интервалы)")
left.set_title("Как часто теряются обновления")
right.set_xlabel(f"потеряно за прогон из {2 * N:_}, в среднем")
right.set_title("Сколько теряется")
left.legend(loc="lower right", fontsize=8)
last = list(builds.values())[-1]["stamp"]
both = "; ".join(res["stamp"].python for res in builds.values())
plots.stamp(fig, replace(last, python=both))
plt.show()

# %%
# Что проверяется
# ---------------

if free in builds and with_gil in builds:
    locked = [x for res in builds.values() for x in every_run(res, "locked")]
    claims.check(
        "lock-never-loses",
        "с threading.Lock не теряется ни одного обновления — ни с GIL, ни без него",
        confirmed=not any(locked),
        evidence=f"потеряно: {sum(locked)} в {len(locked)} прогонах на обеих сборках",
        numbers={"lost": sum(locked), "runs": len(locked)},
        reason_if_not="ошибка в блокировке или в интерпретаторе: так быть не должно",
    )
if free in builds and not builds[free]["gil"]:
    in_place = every_run(builds[free], "in-place")
    bitten = sum(x > 0 for x in in_place)
    claims.check(
        "no-gil-in-place-loses",
        "без GIL теряет обновления и counter.value += 1",
        confirmed=bitten > 0,
        evidence=f"прогонов с потерями: {bitten} из {len(in_place)}",
        numbers={"runs_with_losses": bitten, "runs": len(in_place)},
        reason_if_not=(
            "процессу доступен один логический процессор: потоки не "
            "работали одновременно"
            if machine.usable_cpus() < 2
            else "машину делили с другими программами: второе ядро было "
            "занято, и потоки выполнялись по очереди, а не одновременно"
        ),
        stamp=builds[free]["stamp"],
    )
elif free in builds:
    print(
        "free-threaded сборка работала с включённым GIL: утверждение о работе без "
        "GIL не проверялось."
    )

# %%
# Что видно на графике
# --------------------
#
# Ищите на графике зелёные полосы (сборка без GIL) рядом с синими (с GIL).
# Без GIL два потока выполняют прибавления по-настоящему одновременно, на двух
# ядрах, поэтому гонке не нужна точка переключения: теряет и
# строка ``counter.value += 1``, которая на сборке с GIL почти никогда ничего не
# теряет.
# Блокировка — и только она — даёт ноль потерь на обеих сборках; это проверяет
# утверждение выше. Если зелёные полосы у нуля, посмотрите на штамп и на
# вердикт утверждения: без второго свободного ядра потоки и без GIL выполняются
# по очереди, и гонка проявляется так же редко, как с GIL.
