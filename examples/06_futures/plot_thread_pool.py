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
:ref:`sphx_glr_auto_examples_06_futures_plot_process_pool.py`). Сколько потоков
нужно пулу, измерено в примере
:ref:`sphx_glr_auto_examples_06_futures_plot_thread_pool_size.py`.
"""

# %%
# submit и result
# ---------------
#
# ``submit(fn, *args)`` ставит вызов в очередь и сразу возвращает
# :class:`~concurrent.futures.Future`. ``result()`` ждёт, пока вызов закончится, и
# возвращает его значение (или выбрасывает его исключение — об этом пример
# :ref:`sphx_glr_auto_examples_06_futures_plot_future_errors.py`). Блок ``with``
# в конце ждёт все задачи и останавливает потоки пула.

# sphinx_gallery_tags = ["потоки"]
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import matplotlib.pyplot as plt

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
    "submit-does-not-wait",
    "submit не ждёт, а result() ждёт, пока задача закончится",
    confirmed=not done_at_once and waited >= 0.9 * WAIT,
    evidence=(
        f"сразу после submit done()={done_at_once}; result() ждал "
        f"{measure.format_seconds(waited)} при задаче {measure.format_seconds(WAIT)}"
    ),
    numbers={"done_at_once": done_at_once, "waited": waited, "task": WAIT},
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
arrived = {"map": [], "as_completed": []}  # (когда получен, результат)


def receive(way, start, value):
    arrived[way].append((time.perf_counter() - start, value))
    print(f"  {measure.format_seconds(arrived[way][-1][0]):>9}: получено {value:.2f}")


with ThreadPoolExecutor(max_workers=3) as pool:
    print("map:")
    start = time.perf_counter()
    for value in pool.map(workloads.io_bound, durations):
        receive("map", start, value)

    print("as_completed:")
    start = time.perf_counter()
    futures = {pool.submit(workloads.io_bound, d): d for d in durations}
    for future in as_completed(futures):
        receive("as_completed", start, future.result())
    together = time.perf_counter() - start
mapped, completed = ([value for _, value in arrived[way]] for way in arrived)
claims.check(
    "map-keeps-order-as-completed-does-not",
    "map отдаёт результаты в порядке аргументов, as_completed — в порядке завершения",
    confirmed=mapped == durations and completed == sorted(durations),
    evidence=(
        f"map: {', '.join(f'{v:.2f}' for v in mapped)}; "
        f"as_completed: {', '.join(f'{v:.2f}' for v in completed)}"
    ),
    numbers={
        "map_in_order": mapped == durations,
        "as_completed_in_order_of_length": completed == sorted(durations),
    },
    reason_if_not="машина была так занята, что потоки проснулись не по порядку",
)
claims.check(
    "tasks-take-the-longest-not-the-sum",
    "три задачи в трёх потоках заканчиваются за время самой долгой, а не за сумму",
    confirmed=together < 0.8 * sum(durations),
    evidence=(
        f"{measure.format_seconds(together)}; самая долгая "
        f"{measure.format_seconds(max(durations))}, сумма "
        f"{measure.format_seconds(sum(durations))}"
    ),
    numbers={"together": together, "longest": max(durations), "sum": sum(durations)},
    reason_if_not="машина была занята: " + cpu.machine_load(),
)

fig, ax = plots.figure(height=3.6)
for row, points in enumerate(arrived.values()):
    ax.plot([t for t, _ in points], [row] * len(points), "o", color=plots.PALETTE[row])
    for i, (t, value) in enumerate(
        points
    ):  # подписи — в порядке получения, снизу вверх
        ax.annotate(f"{value:.2f} с", (t, row), xytext=(0, 8 + 11 * i),
                    textcoords="offset points", ha="center", fontsize=8)  # fmt: skip
for d in durations:
    ax.axvline(d, color=plots.REFERENCE, linestyle=":", linewidth=0.8)
ax.set_yticks(range(len(arrived)), list(arrived))
ax.set_ylim(-0.5, len(arrived) + 0.1)
ax.set_xlim(0, max(durations) * 1.15)
ax.set_xlabel("когда получен результат, с от начала (пунктир — длины задач)")
ax.set_title("Три задачи разной длины: когда приходит каждый результат")
ax.grid(axis="y", visible=False)
plots.stamp(fig)
plt.show()

# %%
# ``map`` держит короткие результаты, пока не готов первый, самый долгий: все три
# приходят почти одновременно, когда он закончился. ``as_completed`` отдаёт
# каждый результат, как только он готов. Оба способа заканчивают за время самой
# долгой задачи, а не за сумму всех: задачи шли одновременно в трёх потоках.
#
# ``as_completed`` принимает любой набор :class:`~concurrent.futures.Future`; здесь
# это словарь, чтобы по задаче найти её аргумент (``futures[future]``).
