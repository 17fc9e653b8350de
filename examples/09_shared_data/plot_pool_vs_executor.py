"""
Pool.map и Executor.map: размер порции
======================================

У обоих пулов процессов стандартной библиотеки есть ``map``, и внутри оба
раздают задачи процессам через каналы и :mod:`pickle`. Но
:meth:`Pool.map <multiprocessing.pool.Pool.map>` сам режет вход на порции, а
:meth:`Executor.map <concurrent.futures.Executor.map>` по умолчанию шлёт задачи
по одной (``chunksize=1``). Остальные различия двух пулов — в примере
:ref:`sphx_glr_auto_examples_09_shared_data_plot_pool_api.py`.
"""

# sphinx_gallery_tags = ["процессы"]
import math
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, start_methods, workloads

print(machine.stamp())
CTX = start_methods.mp_context()
WORKERS = min(machine.usable_cpus(), 8)
seconds = measure.format_seconds

# %%
# Сколько задач отправлять за раз
# -------------------------------
#
# Каждая отправка — это :mod:`pickle`, запись в канал, чтение в процессе пула и
# ответ обратно. Для задачи, которая считает микросекунды, этот путь обходится
# дороже самой задачи. ``chunksize`` отправляет задачи порциями: одна пересылка
# на порцию, а не на задачу.
#
# Измеряем ``map`` над ``M`` одинаковыми задачами ``workloads.cpu_bound(n)`` при
# разных ``n`` — от задачи в одну итерацию до задачи в миллисекунды — и делим
# время на число задач. Варианты:
#
# * ``Executor.map`` с ``chunksize=1`` (его значение по умолчанию);
# * ``Executor.map`` с ``chunksize = ⌈M / (4 · процессов)⌉`` — тем же правилом,
#   которым ``Pool.map`` выбирает порцию сам (так написано в
#   ``multiprocessing/pool.py``);
# * ``Pool.map`` без ``chunksize``;
# * ``Pool.imap`` с ``chunksize=1`` (его значение по умолчанию).
#
# Пулы созданы и прогреты заранее: запуск процессов в замер не входит. Варианты
# идут по очереди на каждом ``n``.

SIZES = measure.scale([1, 10, 100, 1000, 10_000, 100_000], [1, 100, 10_000])
MAX_TASKS = measure.scale(1000, 200)
WORK = measure.scale(200_000, 60_000)  # итераций на одну точку, не больше
REPEATS = measure.scale(3, 2)


def tasks_for(n):
    return max(4 * WORKERS, min(MAX_TASKS, WORK // n))


def auto_chunksize(m):
    return math.ceil(m / (4 * WORKERS))


per_task = {}  # Timing одной задачи, по размерам задачи
with (
    CTX.Pool(WORKERS) as pool,
    ProcessPoolExecutor(WORKERS, mp_context=CTX) as executor,
):
    pool.map(workloads.worker_pid, range(4 * WORKERS))  # все процессы запущены
    list(executor.map(workloads.worker_pid, range(4 * WORKERS)))
    for n in SIZES:
        m = tasks_for(n)
        args = [n] * m
        chunk = auto_chunksize(m)
        variants = {
            "Executor.map, chunksize=1": lambda a=args: list(
                executor.map(workloads.cpu_bound, a)
            ),
            "Executor.map, chunksize=⌈M/4P⌉": lambda a=args, c=chunk: list(
                executor.map(workloads.cpu_bound, a, chunksize=c)
            ),
            "Pool.map (сам выбирает chunksize)": lambda a=args: pool.map(
                workloads.cpu_bound, a
            ),
            "Pool.imap, chunksize=1": lambda a=args: list(
                pool.imap(workloads.cpu_bound, a)
            ),
            "подряд в одном процессе": lambda a=args: [
                workloads.cpu_bound(x) for x in a
            ],
        }
        timings = measure.interleaved(variants, repeats=REPEATS)
        for label, t in timings.items():
            per_task.setdefault(label, []).append(
                measure.Timing(tuple(s / m for s in t.samples))
            )
        print(
            f"n={n:>6}: задач {m}, порция {chunk}; "
            + "; ".join(
                f"{label}: {seconds(t.median / m)}" for label, t in timings.items()
            )
        )
    pool.close()
    pool.join()

fig, ax = plots.figure(height=5)
for label, series in per_task.items():
    if label.startswith("подряд"):
        plots.medians(ax, SIZES, series, ls="--", color=plots.REFERENCE, label=label)
    else:
        plots.medians(ax, SIZES, series, label=label)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("размер задачи, итераций cpu_bound (логарифмическая шкала)")
ax.set_ylabel("время на одну задачу, с (медиана, мин–макс)")
ax.set_title(f"map над многими задачами; процессов в пуле: {WORKERS}")
ax.legend()
plots.stamp(fig)
plt.show()

# %%
# Как читать график
# -----------------
#
# Пунктир — те же задачи подряд в одном процессе: столько стоит сама работа.
# Слева задачи крошечные, и почти всё время любой линии — пересылка. Линии с
# ``chunksize=1`` лежат там выше всех: каждая задача едет в процесс отдельным
# сообщением. Линии с порциями лежат ниже — пересылка одна на сотни задач. Но и
# они выше пунктира: для задач в несколько итераций пул процессов не нужен
# вовсе. Справа задачи крупные, пересылка теряется на их фоне, и все линии
# сходятся. Ниже пунктира они уходят настолько, сколько свободных логических
# процессоров досталось пулу: на занятой чужой работой машине — немного или
# совсем нет.
#
# Сравните и два ``chunksize=1``: ``Pool.imap`` и ``Executor.map`` устроены
# по-разному — у каждого пула свои служебные потоки и очереди между вызывающим
# потоком и процессами, — и цена одной задачи у них разная.

cs1 = [t.median for t in per_task["Executor.map, chunksize=1"]]
chunked = [t.median for t in per_task["Executor.map, chunksize=⌈M/4P⌉"]]
pool_map = [t.median for t in per_task["Pool.map (сам выбирает chunksize)"]]
claims.check(
    "chunksize-one-slow",
    "для крошечных задач chunksize=1 в разы медленнее, чем порции",
    confirmed=cs1[0] > 2 * chunked[0],
    evidence=f"n={SIZES[0]}: {seconds(cs1[0])} против {seconds(chunked[0])} на "
    f"задачу, ×{cs1[0] / chunked[0]:.1f}",
    numbers={"n": SIZES[0], "chunksize_one_s": cs1[0], "chunked_s": chunked[0]},
    reason_if_not="машина была занята во время замера",
)
claims.check(
    "chunksize-irrelevant-for-big-tasks",
    "для крупных задач размер порции почти ничего не меняет",
    confirmed=cs1[-1] < 1.5 * chunked[-1],
    evidence=f"n={SIZES[-1]}: {seconds(cs1[-1])} против {seconds(chunked[-1])} на "
    f"задачу, ×{cs1[-1] / chunked[-1]:.2f}",
    numbers={"n": SIZES[-1], "chunksize_one_s": cs1[-1], "chunked_s": chunked[-1]},
    reason_if_not="машина была занята во время замера",
)
claims.check(
    "pool-map-chunks-itself",
    "Pool.map без chunksize на крошечных задачах быстрее Executor.map без "
    "chunksize: он сам режет вход на порции",
    confirmed=pool_map[0] < cs1[0],
    evidence=f"n={SIZES[0]}: Pool.map {seconds(pool_map[0])}, "
    f"Executor.map {seconds(cs1[0])} на задачу",
    numbers={"n": SIZES[0], "pool_map_s": pool_map[0], "executor_map_s": cs1[0]},
    reason_if_not="машина была занята во время замера",
)

print(
    f"осталось дочерних процессов: {len(multiprocessing.active_children())}, "
    f"лишних потоков: {threading.active_count() - 1}"
)
