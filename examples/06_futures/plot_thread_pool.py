"""
Пул потоков: submit, result, map, as_completed
==============================================

:class:`concurrent.futures.ThreadPoolExecutor` держит несколько потоков и раздаёт
им задачи. Задача — это вызов функции; пул сразу возвращает объект
:class:`~concurrent.futures.Future` («будущий результат»), а сам вызов выполняется в
одном из потоков пула.

Потоки ускоряют работу, которая в основном **ждёт**: ответа сети, диска, базы
данных. Пока поток ждёт, он не держит GIL, и другие потоки работают. Здесь такая
работа — ``potok.workloads.io_bound``: она засыпает на заданное время, как
засыпает поток в ожидании ответа сервера. Работу, которая занимает процессор,
потоки на сборке с GIL не ускоряют — для неё есть пул процессов (пример
:ref:`sphx_glr_auto_examples_06_futures_plot_process_pool.py`).
"""

# %%
# submit и result
# ---------------
#
# ``submit(fn, *args)`` ставит вызов в очередь и сразу возвращает
# :class:`~concurrent.futures.Future`. ``result()`` ждёт, пока вызов закончится, и
# возвращает его значение (или поднимает его исключение — об этом пример
# :ref:`sphx_glr_auto_examples_06_futures_plot_future_errors.py`). Блок ``with``
# в конце ждёт все задачи и останавливает потоки пула.

import math
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import matplotlib.pyplot as plt
from matplotlib import ticker

from potok import claims, cpu, machine, measure, plots, workloads

print(machine.stamp())

WAIT = measure.scale(0.1, 0.05)  # с, одно «ожидание ответа»

with ThreadPoolExecutor(max_workers=4) as pool:
    start = time.perf_counter()
    future = pool.submit(workloads.io_bound, WAIT)
    done_at_once = future.done()
    print(f"сразу после submit:  done()={done_at_once}, {future!r}")
    value = future.result()
    waited = time.perf_counter() - start
    print(f"после result():      done()={future.done()}, значение {value}")
    print(f"result() вернул значение через {measure.format_seconds(waited)}")
claims.check(
    "submit не ждёт, а result() ждёт, пока задача закончится",
    confirmed=not done_at_once and waited >= 0.9 * WAIT,
    evidence=(
        f"сразу после submit done()={done_at_once}; result() ждал "
        f"{measure.format_seconds(waited)} при задаче {measure.format_seconds(WAIT)}"
    ),
    reason_if_not="поток пула успел выполнить задачу до первой проверки",
)

# %%
# ``submit`` не ждёт: сразу после него задача ещё выполняется (``running``) или
# стоит в очереди (``pending``). Ждёт ``result()`` — примерно столько, сколько
# длится сама задача.
#
# map и as_completed
# ------------------
#
# Обычно задач много. ``pool.map(fn, items)`` отправляет все и отдаёт результаты
# **в порядке аргументов**, как встроенный ``map``. ``as_completed(futures)``
# отдаёт задачи **в порядке завершения**: какая закончилась первой, та и
# приходит первой. Проверим на трёх задачах разной длины: самая долгая стоит
# первой.

durations = [3 * WAIT, WAIT, 2 * WAIT]


def stamp_of(start):
    return measure.format_seconds(time.perf_counter() - start)


with ThreadPoolExecutor(max_workers=3) as pool:
    print("map:")
    start = time.perf_counter()
    mapped = []
    for value in pool.map(workloads.io_bound, durations):
        mapped.append(value)
        print(f"  {stamp_of(start):>9}: получено {value:.2f}")

    print("as_completed:")
    start = time.perf_counter()
    futures = {pool.submit(workloads.io_bound, d): d for d in durations}
    completed = []
    for future in as_completed(futures):
        completed.append(future.result())
        print(f"  {stamp_of(start):>9}: получено {future.result():.2f}")
    together = time.perf_counter() - start
claims.check(
    "map отдаёт результаты в порядке аргументов, as_completed — в порядке завершения",
    confirmed=mapped == durations and completed == sorted(durations),
    evidence=(
        f"map: {', '.join(f'{v:.2f}' for v in mapped)}; "
        f"as_completed: {', '.join(f'{v:.2f}' for v in completed)}"
    ),
    reason_if_not="машина была так занята, что потоки проснулись не по порядку",
)
claims.check(
    "три задачи в трёх потоках заканчиваются за время самой долгой, а не за сумму",
    confirmed=together < 0.8 * sum(durations),
    evidence=(
        f"{measure.format_seconds(together)}; самая долгая "
        f"{measure.format_seconds(max(durations))}, сумма "
        f"{measure.format_seconds(sum(durations))}"
    ),
    reason_if_not="машина была занята: " + cpu.machine_load(),
)

# %%
# ``map`` держит короткие результаты, пока не готов первый, самый долгий: все три
# приходят почти одновременно, когда он закончился. ``as_completed`` отдаёт
# каждый результат, как только он готов. Оба способа заканчивают за время самой
# долгой задачи, а не за сумму всех: задачи шли одновременно в трёх потоках.
#
# ``as_completed`` принимает любой набор :class:`~concurrent.futures.Future`; здесь
# это словарь, чтобы по задаче найти её аргумент (``futures[future]``).
#
# Сколько потоков нужно
# ---------------------
#
# Теперь ``TASKS`` одинаковых задач, каждая ждёт ``WAIT`` секунд, в пулах разного
# размера. Все пулы создаются заранее и прогреваются одним прогоном, потом
# ``map`` по всем задачам замеряется несколько раз — пулы по очереди, круг за
# кругом, чтобы занятость машины в какой-то момент легла на все размеры пула.

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
    reason_if_not="потоки просыпались с опозданием: машина была занята",
)

fig, ax = plots.figure()
med = [t.median for t in timings]
ax.errorbar(
    WORKERS,
    med,
    yerr=[
        [m - t.min for m, t in zip(med, timings, strict=True)],
        [t.max - m for m, t in zip(med, timings, strict=True)],
    ],
    marker="o",
    capsize=3,
    label="измерено (медиана, мин–макс)",
)
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
# внимание: потоков здесь больше, чем ядер (их число — в подписи под графиком), и
# это не мешает — ждущий поток ядро не занимает.
#
# Размер пула по умолчанию — ``min(32, число CPU + 4)``: запас для задач
# ввода-вывода. Если задачи в основном ждут, потоков можно сделать больше; если
# считают — потоки на сборке с GIL не помогут, сколько их ни дай (это видно на
# графике в примере
# :ref:`sphx_glr_auto_examples_04_gil_plot_cpu_vs_io_speedup.py`).
