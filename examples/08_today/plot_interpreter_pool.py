"""
Пул интерпретаторов рядом с пулами потоков и процессов
======================================================

С Python 3.14 у CPython есть ещё один способ занять вычислениями несколько
логических процессоров, не переходя на процессы: `InterpreterPoolExecutor
<https://docs.python.org/3/library/concurrent.futures.html#interpreterpoolexecutor>`_
— пул **субинтерпретаторов**. В одном процессе работают несколько независимых
интерпретаторов, у каждого свой GIL (:pep:`684`, :pep:`734`).

Здесь одна и та же работа выполняется подряд и в трёх пулах — потоков, процессов
и интерпретаторов — **если на машине, где собирается сайт, есть Python 3.14 или
новее**. Если его нет, страница так и говорит и ничего не рисует: выдуманных
графиков здесь нет.
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
# Ниже — весь код замера. Пулы по ``CPU`` исполнителей создаются и прогреваются
# до замера, так что время запуска исполнителей в него не входит (его сравнивает
# пример о стоимости запуска потоков и процессов). Все четыре варианта
# выполняются **в одном и том же интерпретаторе**, по очереди (A B C D A B C D
# …), чтобы занятость машины в какой-то момент досталась всем поровну.
#
# .. literalinclude:: _pools.py
#
# Чтобы запустить пример у себя, положите этот модуль рядом с ним:
# :download:`_pools.py`.
#
# Этот код выполняет каждый найденный Python с GIL, в котором есть
# ``InterpreterPoolExecutor`` (3.14, 3.15), — в своём дочернем процессе
# (``potok.interpreters.Child``). Интерпретаторы тоже измеряют по очереди: по
# одному кругу каждый, потом снова.

# sphinx_gallery_tags = ["потоки", "процессы", "субинтерпретаторы", "от двух CPU"]
import contextlib
from dataclasses import replace

import _pools
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots, start_methods

N_TOTAL = measure.scale(800_000, 40_000)  # итераций cpu_bound на всю работу
REPEATS = measure.scale(5, 2)
CPUS = machine.usable_cpus()
TASKS = 2 * CPUS
N = N_TOTAL // TASKS
NAMES = {
    "threads": "ThreadPoolExecutor",
    "processes": "ProcessPoolExecutor",
    "interpreters": "InterpreterPoolExecutor",
}

print(machine.stamp())
survey = interpreters.available()
here = interpreters.here()
found = {p.key: p for p in survey.interpreters} | {here.key: here}
pythons = {
    key: found[key]
    for key in interpreters.ORDER
    if key in found and found[key].interpreter_pool and not found[key].free_threaded
}
where = ", ".join(p.label for p in pythons.values()) or "нигде"
print(f"исполнителей в пуле: {CPUS}; измеряется в: {where}")
if not pythons:
    print(
        "InterpreterPoolExecutor не измерен: он появился в Python 3.14, а такого "
        f"интерпретатора здесь нет. {survey.not_measured(['3.14', '3.15'])}"
    )

# все дочерние интерпретаторы — с тем способом запуска процессов, что у примера
env = {start_methods.START_METHOD_ENV: start_methods.start_method()}
samples = {key: {} for key in pythons}
with contextlib.ExitStack() as stack:
    children = {
        key: stack.enter_context(interpreters.Child(python, env=env))
        for key, python in pythons.items()
    }
    for child in children.values():
        child.call(_pools.start, CPUS, N, TASKS, interpreter_pool=True)
    for _ in range(REPEATS):
        for key, child in children.items():
            for variant, got in child.call(_pools.one_round, N, TASKS).items():
                samples[key].setdefault(variant, []).append(got["seconds"])
    after = {key: child.call(_pools.stop) for key, child in children.items()}

timings = {
    key: {v: measure.Timing(tuple(s)) for v, s in got.items()}
    for key, got in samples.items()
}
# ускорение каждого повтора относительно медианы работы подряд
speedups = {
    key: {
        v: measure.Timing(tuple(t["sequential"].median / s for s in t[v].samples))
        for v in NAMES
    }
    for key, t in timings.items()
}
for key, t in timings.items():
    print(f"{after[key]['stamp'].python}: подряд {t['sequential']}")
    for v, name in NAMES.items():
        print(f"  {name:>24}: {t[v]}; ускорение ×{speedups[key][v].median:.2f}")

# %%
# График
# ------
#
# По горизонтали — пулы, по вертикали — во сколько раз быстрее та же работа в
# пуле, чем подряд в том же интерпретаторе. Точка — медиана, полоса — от
# худшего до лучшего повтора; по точке на каждый измеренный Python.

if timings:
    fig, ax = plots.figure(height=4.2)
    for i, key in enumerate(timings):
        shift = (i - (len(timings) - 1) / 2) * 0.15
        plots.medians(
            ax,
            [x + shift for x in range(len(NAMES))],
            [speedups[key][v] for v in NAMES],
            linestyle="none",
            color=plots.PALETTE[i % len(plots.PALETTE)],
            label=pythons[key].label,
        )
    ax.axhline(1, color=plots.REFERENCE, linewidth=1, label="подряд: ×1")
    ax.axhline(
        CPUS,
        color=plots.REFERENCE,
        linestyle="--",
        label=f"идеал: ×{CPUS}, по числу CPU",
    )
    ax.set_xticks(range(len(NAMES)), list(NAMES.values()))
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"ускорение против работы подряд, раз ({CPUS} исп.)")
    ax.set_title("Вычисления на чистом Python в трёх пулах")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="x", visible=False)
    stamps = [got["stamp"] for got in after.values()]
    both = ", ".join(s.python for s in stamps)
    plots.stamp(fig, replace(stamps[0], python=both))
    plt.show()

# %%
# Что проверяется
# ---------------

for key, speed in speedups.items():
    x = {v: speed[v].median for v in NAMES}
    stamp = after[key]["stamp"]
    claims.check(
        f"threads-no-faster-on-{key}",
        f"{pythons[key].label}: пул потоков не ускоряет вычисления на чистом Python",
        confirmed=x["threads"] < 1.3,
        evidence=f"×{x['threads']:.2f}",
        numbers={"speedup": x["threads"]},
        reason_if_not="замер шумный: повторите на свободной машине",
        stamp=stamp,
    )
    for v in ("processes", "interpreters"):
        claims.check(
            f"{v}-faster-on-{key}",
            f"{pythons[key].label}: {NAMES[v]} быстрее выполнения подряд",
            confirmed=x[v] > 1.2,
            evidence=f"×{x[v]:.2f} на {CPUS} логических процессорах",
            numbers={"speedup": x[v], "cpus": CPUS},
            reason_if_not=(
                "у машины один логический процессор"
                if CPUS < 2
                else "машина была занята другой работой"
            ),
            stamp=stamp,
        )

# %%
# Что видно на графике
# --------------------
#
# Если пример выполнился, пул потоков не ускоряет вычисления на чистом Python:
# его точка у линии ×1, потому что байт-код в каждый момент выполняет только
# один поток. Проверка этого и следующих утверждений напечатана выше:
# «подтвердилось» или «не подтвердилось» с числами этого замера. Пулы процессов
# и интерпретаторов могут подойти к пунктиру «идеал»: у каждого процесса и у
# каждого субинтерпретатора свой GIL. ``InterpreterPoolExecutor`` даёт свой
# интерпретатор каждому *рабочему потоку* пула, а не каждой задаче: задачи,
# которые выполнил один и тот же поток, видят одни и те же глобальные
# переменные модулей. Разница между ними — в накладных расходах: процессу задача
# и результат передаются через pickle и канал между процессами;
# субинтерпретатору они тоже копируются (большинство объектов — через pickle),
# но в пределах одного процесса, без межпроцессного канала. На машине, которую
# делят с другими программами, точки могут оказаться и ниже ×1: процессоры заняты
# чужой работой.
#
# Цена субинтерпретаторов — ограничения, которые перечисляет `What's New 3.14
# <https://docs.python.org/3/whatsnew/3.14.html#whatsnew314-multiple-interpreters>`_
# (Current limitations): многие сторонние модули-расширения на C их пока не
# поддерживают, объекты между интерпретаторами почти не разделяются — только
# копируются, а запуск интерпретатора ещё не оптимизирован.
#
# Что изменится на другой машине
# ------------------------------
#
# При *N* логических процессорах пулы процессов и интерпретаторов упираются в
# ×\ *N*; сколько их было у машины, собравшей сайт, написано в штампе под
# графиком, а если на ней работали и другие программы, до идеала будет дальше.
# Пул потоков с GIL от числа процессоров не зависит: он остаётся у ×1. Проверьте
# у себя: установите Python 3.14 или новее (на Linux обычно из пакетов
# дистрибутива или через ``uv python install 3.14``) так, чтобы ``python3.14`` был
# в ``PATH``, и запустите этот пример: он найдёт его сам.
