"""
Сколько потоков нужно пулу, чтобы ждать
=======================================

Пул потоков (пример :ref:`sphx_glr_auto_examples_06_futures_plot_thread_pool.py`)
ускоряет работу, которая **ждёт**: пока поток ждёт ответа, он не держит GIL, и
другие потоки работают. Насколько ускоряет и сколько потоков для этого нужно?
Здесь одинаковые задачи ``potok.workloads.io_bound`` — каждая засыпает на
заданное время, как поток в ожидании ответа сервера, — выполняются в пулах
разного размера.
"""

# %%
# Замер
# -----
#
# ``TASKS`` одинаковых задач, каждая ждёт ``WAIT`` секунд, в пулах разного
# размера. Все пулы создаются заранее и прогреваются одним прогоном, потом
# ``map`` по всем задачам замеряется несколько раз — пулы по очереди, круг за
# кругом, чтобы занятость машины в какой-то момент легла на все размеры пула.

# sphinx_gallery_tags = ["потоки"]
import math
from concurrent.futures import ThreadPoolExecutor

import matplotlib.pyplot as plt
from matplotlib import ticker

from potok import claims, cpu, machine, measure, plots, workloads

print(machine.stamp())

TASKS = measure.scale(16, 8)
WAIT = measure.scale(0.02, 0.01)
WORKERS = measure.scale([1, 2, 4, 8, 16, 32], [1, 2, 4, 8, 16])
REPEATS = measure.scale(3, 2)

pools = {workers: ThreadPoolExecutor(max_workers=workers) for workers in WORKERS}
try:
    # пулы по очереди, круг за кругом: 1, 2, 4, … потока, потом снова 1, 2, 4, …
    by_workers = measure.interleaved(
        {
            workers: lambda pool=pool: list(
                pool.map(workloads.io_bound, [WAIT] * TASKS)
            )
            for workers, pool in pools.items()
        },
        repeats=REPEATS,
        warmup=1,
    )
finally:
    for pool in pools.values():
        pool.shutdown()
timings = [by_workers[workers] for workers in WORKERS]
for workers, timing in zip(WORKERS, timings, strict=True):
    print(f"потоков {workers:>2}: {timing}")

sequential = TASKS * WAIT
ideal = [math.ceil(TASKS / w) * WAIT for w in WORKERS]
worst = max(t.median / i for t, i in zip(timings, ideal, strict=True))
claims.check(
    "io-time-falls-ideally",
    "время падает почти по идеалу ⌈задач / потоков⌉ × время задачи — и тогда, "
    "когда потоков больше, чем логических процессоров",
    confirmed=worst < 1.5,
    evidence=f"хуже всего — ×{worst:.2f} от идеала; {cpu.machine_load()}",
    numbers={"worst_over_ideal": worst, "tasks": TASKS, "task": WAIT},
    reason_if_not="потоки просыпались с опозданием: машина была занята",
)

fig, ax = plots.figure()
plots.medians(ax, WORKERS, timings, label="измерено (медиана, мин–макс)")
ax.plot(
    WORKERS,
    ideal,
    linestyle="--",
    color=plots.REFERENCE,
    label="идеал: ⌈задач / потоков⌉ × время задачи",
)
ax.axhline(sequential, color=plots.PALETTE[5], linestyle=":", label="по одной подряд")
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xticks(WORKERS, [str(w) for w in WORKERS])
ax.set_xlabel("потоков в пуле")
ax.set_yticks(sorted({*ideal, sequential}))
ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda y, _: f"{y * 1e3:g}"))
ax.yaxis.set_minor_formatter(ticker.NullFormatter())
ax.set_ylabel("время всех задач, мс")
ax.set_title(
    f"{TASKS} задач, каждая ждёт {WAIT * 1e3:g} мс: время против числа потоков"
)
ax.legend()
plots.stamp(fig)
plt.show()

# %%
# Точки почти лежат на пунктире: каждое удвоение числа потоков вдвое сокращает
# время, пока потоков не станет столько же, сколько задач. Дальше ускоряться
# нечему: каждая задача и так получила свой поток, общее время равно времени
# одной задачи, и последняя точка — потоков вдвое больше, чем задач, — стоит на
# той же высоте, что и предпоследняя. Небольшой зазор над пунктиром — накладные
# расходы пула: очередь задач, пробуждение потоков, сбор результатов. Обратите
# внимание: потоков здесь больше, чем логических процессоров (их число — в подписи
# под графиком), и это не мешает — ждущий поток процессор не занимает.
#
# Размер пула по умолчанию — ``min(32, число CPU + 4)``: запас для задач
# ввода-вывода. Если задачи в основном ждут, потоков можно сделать больше; если
# считают — потоки на сборке с GIL не помогут, сколько их ни дай (это видно на
# графике в примере
# :ref:`sphx_glr_auto_examples_04_gil_plot_cpu_vs_io_speedup.py`).
