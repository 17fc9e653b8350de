"""
Один поток: цена сборки без GIL
===============================

Free-threaded сборка CPython (:pep:`703`) даёт потокам выполнять байт-код
одновременно — но программе из одного потока это ничего не даёт, а платить за
отсутствие GIL приходится и ей: без GIL интерпретатору приходится защищать
счётчики ссылок и внутренние структуры по-другому. Здесь одна и та же работа
выполняется в одном потоке на free-threaded сборке и на сборке с GIL **той же
версии** — **если на машине, где собирается сайт, есть обе**. Если их нет,
страница так и говорит и ничего не рисует.
"""

# %%
# Код
# ---
#
# Работа — один вызов ``potok.workloads.cpu_bound(n)``, цикла на чистом Python:
#
# .. literalinclude:: ../../../src/potok/workloads.py
#    :pyobject: cpu_bound
#
# Ниже — весь код замера:
#
# .. literalinclude:: _one_thread.py
#
# Чтобы запустить пример у себя, положите этот модуль рядом с ним:
# :download:`_one_thread.py`.
#
# Этот код выполняют две сборки — каждая в своём дочернем процессе
# (``potok.interpreters.Child``; free-threaded — с ``-X gil=0``), по очереди: один
# замер в одной, один в другой, и так круг за кругом (A B A B …), чтобы занятость
# машины в какой-то момент досталась обеим поровну. Первый круг — прогрев, он не
# считается. Сравнивается новейшая free-threaded сборка, для которой нашлась сборка с
# GIL той же версии (3.15t и 3.15, 3.14t и 3.14, 3.13t и 3.13).

# sphinx_gallery_tags = ["free-threaded"]
from dataclasses import replace

import _one_thread
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

N = measure.scale(1_000_000, 50_000)  # итераций cpu_bound в одном замере
REPEATS = measure.scale(7, 3)

print(machine.stamp())
survey = interpreters.available()
here = interpreters.here()
found = {p.key: p for p in survey.interpreters} | {here.key: here}
# пары (free-threaded, с GIL) одной версии, от новой к старой
pairs = [
    (found[key], found[key[:-1]])
    for key in reversed(interpreters.FREE_THREADED)
    if key in found and key[:-1] in found
]
if not pairs:
    print(
        "Цена free-threaded сборки в одном потоке не измерена: нет пары из "
        "free-threaded сборки и сборки с GIL той же версии. "
        + survey.not_measured(
            [k for ft in interpreters.FREE_THREADED for k in (ft[:-1], ft)]
        )
    )

samples, after = {}, {}
if pairs:
    free, gil = pairs[0]
    print(f"сравниваются: {free.label} и {gil.label}")
    with (
        interpreters.Child(free, options=["-X", "gil=0"]) as free_child,
        interpreters.Child(gil) as gil_child,
    ):
        children = {free.key: free_child, gil.key: gil_child}
        for child in children.values():
            child.call(_one_thread.one_thread, N)  # прогрев
        samples = {key: [] for key in children}
        for _ in range(REPEATS):
            for key, child in children.items():
                samples[key] += child.call(_one_thread.one_thread, N).samples
        after = {key: child.call(_one_thread.about) for key, child in children.items()}

timings = {key: measure.Timing(tuple(s)) for key, s in samples.items()}
for key, t in timings.items():
    print(f"{after[key]['stamp'].python}: {t}")
if timings:
    cost = timings[free.key].median / timings[gil.key].median
    print(f"free-threaded сборка в одном потоке: ×{cost:.2f} по времени")
    if after[free.key]["gil"]:
        print(
            "ВНИМАНИЕ: free-threaded сборка сообщила, что GIL включён: его включил "
            "обратно какой-то модуль-расширение."
        )

# %%
# График
# ------
#
# Время одной и той же работы в одном потоке на двух сборках: точка — медиана,
# полоса — от лучшего до худшего повтора.

if timings:
    fig, ax = plots.figure(width=6, height=4.2)
    for x, python in enumerate((gil, free)):
        plots.medians(
            ax,
            [x],
            [timings[python.key]],
            per=1e-3,
            linestyle="none",
            color=plots.PALETTE[2 * x],
        )
    ax.set_xticks([0, 1], [gil.label, free.label])
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("время работы в одном потоке, мс")
    ax.set_title(f"Один поток: free-threaded сборка ×{cost:.2f} по времени")
    ax.grid(axis="x", visible=False)
    stamps = [got["stamp"] for got in after.values()]
    both = " и ".join(s.python for s in stamps)
    plots.stamp(fig, replace(stamps[0], python=both))
    plt.show()

# %%
# Что проверяется
# ---------------

if timings:
    stamp = after[free.key]["stamp"]
    claims.check(
        "free-threaded-one-thread-not-faster",
        "в одном потоке free-threaded сборка не быстрее сборки с GIL",
        confirmed=cost > 0.95,
        evidence=f"её время ×{cost:.2f} от времени {gil.label}",
        numbers={
            "time_ratio": cost,
            "free_threaded_seconds": timings[free.key].median,
            "with_gil_seconds": timings[gil.key].median,
        },
        reason_if_not="замер шумный, или версии сборок заметно различаются",
        stamp=replace(stamp, python=both),
    )

# %%
# Что видно на графике
# --------------------
#
# Если пример выполнился, точка free-threaded сборки стоит выше точки сборки с
# GIL или вровень с ней: в одном потоке сборка без GIL не быстрее. Насколько
# медленнее, зависит от версии. В 3.13 эта цена была заметной — около 40 % на
# наборе pyperformance, по `руководству Python 3.13
# <https://docs.python.org/3.13/howto/free-threading-python.html>`_: free-threaded
# сборка ещё и выключала специализацию байт-кода (специализирующий адаптивный
# интерпретатор, :pep:`659`). Для 3.14 `What's New
# <https://docs.python.org/3/whatsnew/3.14.html>`_ называет примерно 5–10 % в
# зависимости от платформы и компилятора. Если у двух сборок одной версии
# разные номера исправлений (третья цифра версии), эта разница тоже входит в
# сравнение: полные версии подписаны под точками.
#
# Что изменится на другой машине
# ------------------------------
#
# Цена зависит от процессора, компилятора и версии больше, чем от числа логических
# процессоров: один поток занимает один из них на любой машине. Как меняется время
# одного потока от версии к версии, показывает пример
# :ref:`sphx_glr_auto_examples_08_today_plot_across_versions.py`. Проверьте у себя:
# установите ``python3.14`` и ``python3.14t`` (на Linux обычно из пакетов дистрибутива
# или через ``uv python install 3.14t``) так, чтобы они были в ``PATH``, и запустите
# этот пример: он найдёт их сам.
