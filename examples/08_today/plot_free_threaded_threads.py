"""
Потоки на free-threaded сборке: GIL выключен и включён
======================================================

**Free-threaded** сборка CPython (:pep:`703`; экспериментальная в 3.13,
официально поддерживаемая с 3.14, исполняемый файл обычно называется
``python3.14t``) работает без GIL: потоки одного интерпретатора выполняют
байт-код одновременно. У такой сборки GIL можно включить обратно: ``-X gil=1``
или переменная окружения ``PYTHON_GIL=1``.

Здесь одна и та же работа выполняется в пулах потоков разного размера на
free-threaded сборке дважды: с ``-X gil=0`` (без GIL) и с ``-X gil=1`` (GIL
включён обратно) — **если на машине, где собирается сайт, такая сборка есть**.
Если её нет, страница так и говорит и ничего не рисует.
"""

# %%
# Код
# ---
#
# Работа — ``2 × CPU`` вызовов ``potok.workloads.cpu_bound(n)``, цикла на чистом
# Python:
#
# .. literalinclude:: ../../../src/potok/workloads.py
#    :pyobject: cpu_bound
#
# Ниже — весь код замера: пулы из 1, 2 и ``CPU`` потоков, созданные и
# прогретые заранее; размеры пула измеряются по очереди (A B C A B C …).
#
# .. literalinclude:: _thread_scaling.py
#
# Чтобы запустить пример у себя, положите этот модуль рядом с ним:
# :download:`_thread_scaling.py`.
#
# Этот код выполняют два дочерних процесса **одного и того же** исполняемого
# файла free-threaded сборки (``potok.interpreters.Child``): один запущен с
# ``-X gil=0``, другой — с ``-X gil=1``, так что разница только в GIL. Запуски
# тоже измеряют по очереди: по одному кругу каждый, потом снова.

# sphinx_gallery_tags = ["потоки", "free-threaded", "от двух CPU"]
from dataclasses import replace

import _thread_scaling
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

N_TOTAL = measure.scale(600_000, 40_000)  # итераций cpu_bound на всю работу
REPEATS = measure.scale(5, 2)
CPUS = machine.usable_cpus()
WORKERS = sorted({1, 2, CPUS})  # больше CPU линия только выходит на плато
TASKS = 2 * max(WORKERS)
N = N_TOTAL // TASKS

print(machine.stamp())
survey = interpreters.available()
here = interpreters.here()
free = here if here.free_threaded else survey.newest(free_threaded=True)
if free is None:
    print(
        "Сравнение GIL и no-GIL не измерено: для него нужна free-threaded сборка "
        "CPython (python3.14t, python3.15t или экспериментальная python3.13t). "
        + survey.not_measured(interpreters.FREE_THREADED)
    )

samples = {mode: {w: [] for w in WORKERS} for mode in (0, 1)}
after = {}
if free is not None:
    print(f"измеряется в: {free.label}; потоков в пулах: {WORKERS}")
    with (
        interpreters.Child(free, options=["-X", "gil=0"]) as without,
        interpreters.Child(free, options=["-X", "gil=1"]) as with_gil,
    ):
        children = {0: without, 1: with_gil}
        for child in children.values():
            child.call(_thread_scaling.start, WORKERS, N, TASKS)
        for _ in range(REPEATS):
            for mode, child in children.items():
                for w, t in child.call(_thread_scaling.one_round, N, TASKS).items():
                    samples[mode][int(w)] += t.samples
        after = {
            mode: child.call(_thread_scaling.stop) for mode, child in children.items()
        }

timings = {
    mode: [measure.Timing(tuple(samples[mode][w])) for w in WORKERS] for mode in after
}
for mode, series in timings.items():
    print(f"-X gil={mode}: {after[mode]['stamp'].python}")
    for w, t in zip(WORKERS, series, strict=True):
        print(f"  потоков {w}: {t}; ускорение ×{series[0].median / t.median:.2f}")
if after.get(0, {}).get("gil"):
    print(
        "ВНИМАНИЕ: запуск с -X gil=0 сообщил, что GIL включён: его включил "
        "обратно какой-то модуль-расширение; эта линия — с GIL."
    )

# %%
# График
# ------
#
# Две линии: ускорение пула из *N* потоков относительно одного потока *в том же
# режиме*. Точка — медиана, полоса — от худшего до лучшего повтора.

if timings:
    fig, ax = plots.figure(height=4.2)
    for mode, series in timings.items():
        # что сообщил сам запуск, а не что у него просили: модуль-расширение
        # может включить GIL обратно при импорте
        state = "с GIL" if after[mode]["gil"] else "без GIL"
        plots.speedup(
            ax,
            WORKERS,
            {f"-X gil={mode}: {state}": series},
            baseline=series[0].median,
            ideal=False,
        )
    ideal = [min(w, CPUS) for w in WORKERS]
    label = f"идеал: ×N, но не больше числа CPU ({CPUS})"
    ax.plot(WORKERS, ideal, linestyle="--", color=plots.REFERENCE, label=label)
    ax.legend()
    ax.set_xlabel("потоков в пуле")
    ax.set_ylabel("ускорение относительно одного потока, раз")
    ax.set_title(f"Потоки на {free.label}: GIL выключен и включён")
    stamps = [got["stamp"] for got in after.values()]
    both = f"{free.label}, запуски с -X gil=0 и -X gil=1"
    plots.stamp(fig, replace(stamps[0], python=both))
    plt.show()

# %%
# Что проверяется
# ---------------

two = {m: s[0].median / s[WORKERS.index(2)].median for m, s in timings.items()}
if 0 in two and not after[0]["gil"]:
    claims.check(
        "no-gil-two-threads-faster",
        "без GIL два потока считают быстрее одного",
        confirmed=two[0] > 1.4,
        evidence=f"×{two[0]:.2f} на {CPUS} логических процессорах",
        numbers={"speedup": two[0], "cpus": CPUS},
        reason_if_not=(
            "у машины один логический процессор"
            if CPUS < 2
            else "второй логический процессор был занят другой работой"
        ),
        stamp=after[0]["stamp"],
    )
if 1 in two:
    claims.check(
        "gil-two-threads-not-faster",
        "с включённым GIL два потока считают не быстрее одного",
        confirmed=two[1] < 1.3,
        evidence=f"×{two[1]:.2f}",
        numbers={"speedup": two[1]},
        reason_if_not="замер шумный: повторите на свободной машине",
        stamp=after[1]["stamp"],
    )

# %%
# Что видно на графике
# --------------------
#
# Если пример выполнился, ищите на графике две линии. С ``-X gil=1`` потоки не
# ускоряют вычисления — линия лежит у единицы, как на обычной сборке. С
# ``-X gil=0`` линия растёт вместе с числом потоков до числа логических
# процессоров (больше потоков пример не запускает: дальше линия только выходит
# на плато, а время сборки дорого). Ускорение каждой линии считается от одного
# потока *в том же режиме*, поэтому цена самой сборки в одном потоке на этом
# графике не видна: её измеряет пример
# :ref:`sphx_glr_auto_examples_08_today_plot_free_threaded_cost.py`.
#
# Что изменится на другой машине
# ------------------------------
#
# Всё зависит от числа логических процессоров: при *N* из них потоки без GIL
# упираются в ×\ *N*; сколько их было у машины, собравшей сайт, написано в
# штампе под графиком, а если на ней работали и другие программы, до идеала
# будет дальше. Потоки с GIL остаются у ×1 на любой машине. Проверьте у себя:
# установите ``python3.14t`` (на Linux обычно из пакетов дистрибутива или через
# ``uv python install 3.14t``) так, чтобы он был в ``PATH``, и запустите этот
# пример: он найдёт его сам.
