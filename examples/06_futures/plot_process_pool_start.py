"""
Сколько стоит запустить пул процессов
=====================================

Пул процессов (пример :ref:`sphx_glr_auto_examples_06_futures_plot_process_pool.py`)
ускоряет вычисления, но сначала его процессы нужно запустить. Здесь измерено,
сколько проходит от создания пула до первого результата пустой задачи, — и
сколько та же задача стоит в пуле, который уже работает.
"""

# %%
# Замер
# -----
#
# ``fresh_pool`` создаёт пул из одного процесса, ждёт результат пустой задачи
# ``potok.workloads.worker_pid`` и закрывает пул. Сюда входит запуск процесса: при
# fork — копия нашего процесса, при spawn — новый интерпретатор, который стартует
# с нуля и импортирует ``potok``; при forkserver — ``fork()`` уже работающего
# сервера (сам сервер — новый интерпретатор, он запускается один раз, при первом
# пуле), после которого ребёнок импортирует ``potok``. ``in_running_pool`` отдаёт
# ту же задачу пулу, процесс которого уже запущен.
#
# Варианты замеряются не по очереди, а один за другим: сначала новые пулы, потом
# один работающий. Пока пул работает, в программе есть его служебный поток, а
# запускать процессы через fork, когда в программе есть другие потоки, опасно
# (Python 3.12+ предупреждает об этом ``DeprecationWarning``). Разница между
# вариантами велика (смотрите график), и занятость машины её не скроет.

# sphinx_gallery_tags = ["процессы"]
from concurrent.futures import ProcessPoolExecutor

import matplotlib.pyplot as plt
from matplotlib import ticker

from potok import claims, cpu, machine, measure, plots, start_methods, workloads

print(machine.stamp())
print(f"метод запуска: {start_methods.start_method()}")


def fresh_pool():
    with ProcessPoolExecutor(
        max_workers=1, mp_context=start_methods.mp_context()
    ) as pool:
        pool.submit(workloads.worker_pid).result()


fresh = measure.repeat(fresh_pool, repeats=measure.scale(5, 2))

with ProcessPoolExecutor(max_workers=1, mp_context=start_methods.mp_context()) as pool:

    def in_running_pool():
        pool.submit(workloads.worker_pid).result()

    running = measure.repeat(in_running_pool, repeats=measure.scale(20, 5))

print(f"новый пул до первого результата: {fresh}")
print(f"та же задача в работающем пуле:  {running}")
ratio = fresh.median / running.median
claims.check(
    "fresh-pool-costs-more",
    "запустить пул и получить первый результат во много раз дороже, чем отдать "
    "ту же задачу уже работающему пулу",
    confirmed=ratio > 5,
    evidence=(
        f"новый пул {measure.format_seconds(fresh.median)}, работающий "
        f"{measure.format_seconds(running.median)}: ×{ratio:.0f}"
    ),
    numbers={"fresh": fresh.median, "running": running.median, "ratio": ratio},
    reason_if_not="машина была занята: " + cpu.machine_load(),
)

fig, ax = plots.figure(height=4)
plots.medians(ax, [0, 1], [fresh, running], per=1e-3, linestyle="none")
ax.set_xticks([0, 1], ["новый пул\nна каждую задачу", "задача\nв работающем пуле"])
ax.set_xlim(-0.5, 1.5)
ax.set_yscale("log")
ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda y, _: f"{y:g}"))
ax.set_ylabel("до результата, мс (медиана, мин–макс)")
ax.set_title(
    f"Пустая задача в пуле процессов (метод запуска {start_methods.start_method()})"
)
ax.grid(axis="x", visible=False)
plots.stamp(fig)
plt.show()

# %%
# Новый пул на каждую задачу платит за запуск процесса каждый раз; при spawn и
# forkserver это заметно дороже, чем при fork (метод запуска — в заголовке
# графика; запустите пример с ``POTOK_START_METHOD=spawn`` и сравните). Задача в
# работающем пуле платит только за пересылку аргументов и результата через
# :mod:`pickle` и канал между процессами. Поэтому пул создают один раз и отдают
# ему много работы, а не создают на каждую задачу.
