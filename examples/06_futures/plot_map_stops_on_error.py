"""
map останавливается на первой ошибке
====================================

``pool.map`` отдаёт результаты по порядку, и если задача упала, то на ней
цикл ``for`` получает исключение; результаты задач после неё до цикла уже не
дойдут. А что с самими этими задачами? ``map`` отправляет в пул все задачи
сразу, ещё до первого результата. Где ещё всплывают и где пропадают ошибки
задач, — в примере :ref:`sphx_glr_auto_examples_06_futures_plot_future_errors.py`.
"""

# %%
# Замер
# -----
#
# Ниже — весь код. Пул из двух потоков, ``TASKS`` задач ``task``. Каждая
# записывает, когда начала и закончила работу: ждёт ``STEP`` секунд
# (``potok.workloads.io_bound``), потом вызывает
# ``potok.workloads.fail_on(i, BAD)`` — та возвращает ``i * 2``, а для
# ``i == BAD`` выбрасывает :class:`ValueError`.

# sphinx_gallery_tags = ["потоки"]
import time
from concurrent.futures import ThreadPoolExecutor

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, workloads

print(machine.stamp())

TASKS = 8
BAD = 3
STEP = measure.scale(0.05, 0.02)  # с, длительность одной задачи
spans = {}


def task(i):
    start = time.perf_counter() - origin
    try:
        workloads.io_bound(STEP)
        return workloads.fail_on(i, BAD)
    finally:
        spans[i] = (start, time.perf_counter() - origin)


received = []
origin = time.perf_counter()
with ThreadPoolExecutor(max_workers=2) as pool:
    try:
        for value in pool.map(task, range(TASKS)):
            received.append(value)
    except ValueError as exc:
        caught = time.perf_counter() - origin
        print(f"цикл получил исключение: {exc}")
left = time.perf_counter() - origin

print(f"результатов получено: {len(received)} из {TASKS}")
print(f"задач выполнено: {len(spans)} из {TASKS}")
never = sorted(set(range(TASKS)) - set(spans))
print(f"не начинались: {never}")
claims.check(
    "map-stops-at-failed-task",
    f"map отдаёт результаты только до упавшей задачи ({BAD}), остальные до цикла "
    "не доходят",
    confirmed=len(received) == BAD,
    evidence=f"результатов получено {len(received)} из {TASKS}",
    numbers={"received": len(received), "bad": BAD, "tasks": TASKS},
    reason_if_not="задача упала не там, где ожидалось",
)
claims.check(
    "queued-tasks-cancelled",
    "задачи, которые к моменту ошибки ещё ждали в очереди, не выполнялись вовсе",
    confirmed=bool(never) and min(never) > BAD,
    evidence=f"не начинались задачи {never or 'никакие'}",
    numbers={"never_started": len(never), "ran": len(spans)},
    reason_if_not="машина была так занята, что поток-цикл получил исключение "
    "поздно, когда очередь уже разобрали",
)

fig, ax = plots.figure(height=4.2)
for i, (start, end) in sorted(spans.items()):
    color = plots.PALETTE[5] if i == BAD else plots.PALETTE[0]
    if i < BAD:
        color = plots.PALETTE[2]
    ax.broken_barh([(start, end - start)], (i - 0.35, 0.7), color=color)
for i in never:
    ax.text(caught, i, "  не начиналась: map её отменил", fontsize=8, va="center")
edge = ax.get_xaxis_transform()  # x — время, y — доля высоты графика
ax.axvline(caught, color="black", linewidth=1.2)
ax.text(caught, 0.02, "исключение в цикле for ", fontsize=8, ha="right", transform=edge)
ax.axvline(left, color=plots.REFERENCE, linestyle="--", linewidth=1)
ax.text(left, 0.02, " выход из with", fontsize=8, ha="left", transform=edge)
ax.set_yticks(range(TASKS), [f"задача {i}" for i in range(TASKS)])
ax.set_ylim(TASKS - 0.4 + 0.8, -0.6)
ax.set_xlabel("время от начала, с")
ax.grid(axis="y", visible=False)
for color, label in [
    (plots.PALETTE[2], "результат дошёл до цикла"),
    (plots.PALETTE[5], "упала"),
    (plots.PALETTE[0], "выполнена, результат не получен"),
]:
    ax.plot([], [], "s", color=color, label=label)
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=8)
ax.set_title(f"map с ошибкой в задаче {BAD}: кто выполнился и что получил цикл")
plots.stamp(fig)
plt.show()

# %%
# Зелёные задачи — те, чьи результаты цикл успел получить. Красная — упавшая:
# цикл получает её исключение, как только она закончилась. Синие — задачи, которые
# в этот момент уже выполнялись: их никто не прерывает, они доработали до конца,
# и выход из блока ``with`` (пунктир) ждал их, но результаты потеряны — итератор
# ``map`` после исключения больше ничего не отдаёт. Задачи, которые к моменту
# ошибки ещё ждали в очереди, не выполнялись вовсе: итератор ``map``, закрываясь
# из-за исключения, вызывает ``cancel()`` у всех оставшихся
# :class:`~concurrent.futures.Future`, а отменить можно только задачу, которая
# ещё не началась. (В пуле процессов несколько задач заранее уходят в очередь
# дочерних процессов; такие задачи отменить уже нельзя, и они выполнятся.)
#
# Если нужны все результаты и все ошибки, используйте ``submit`` и
# ``as_completed`` (или ``exception()``) по каждой задаче. Если после первой ошибки
# остальные задачи не нужны, их можно отменить: ``pool.shutdown(cancel_futures=True)``
# снимает с очереди задачи, которые ещё не начались.
