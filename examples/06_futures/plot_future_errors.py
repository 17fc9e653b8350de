"""
Ошибки в задачах пула: где они всплывают и где пропадают
========================================================

В конспекте ошибки задачи ловят так::

    try:
        result = future.result()
    except Exception as e:
        print(f"Произошла ошибка: {e}")

Это верно, но это только один из путей исключения. Исключение, поднятое в
задаче, не выходит из потока или процесса пула само: пул ловит его и кладёт в
:class:`~concurrent.futures.Future`. Дальше всё зависит от того, заглянет ли
туда кто-нибудь. Ниже — все случаи по очереди: ``result()``, ``exception()``,
задача, на которую никто не посмотрел, ``map`` с ошибкой посередине и процесс пула,
который умер целиком.
"""

# %%
# Исключение всплывает в result()
# -------------------------------
#
# ``potok.workloads.fail`` поднимает :class:`ValueError`. ``result()``
# поднимает то же исключение в том потоке, который ждёт результат.

import contextlib
import io
import threading
import time
from concurrent.futures import (
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    as_completed,
)
from concurrent.futures.process import BrokenProcessPool

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, start_methods, workloads

print(machine.stamp())

with ThreadPoolExecutor(max_workers=2) as pool:
    future = pool.submit(workloads.fail, "задача в потоке сломалась")
    try:
        future.result()
    except ValueError as exc:
        print(f"result() поднял {type(exc).__name__}: {exc}")

# %%
# В пуле процессов так же, но исключение сначала упаковывается :mod:`pickle` в
# дочернем процессе и распаковывается в нашем. Чтобы не пропал след, пул
# прикрепляет к нему текст трассировки из дочернего процесса — как причину
# (``__cause__``), которую Python печатает над основной трассировкой.

with ProcessPoolExecutor(max_workers=1, mp_context=start_methods.mp_context()) as pool:
    future = pool.submit(workloads.fail, "задача в процессе сломалась")
    try:
        future.result()
    except ValueError as exc:
        print(f"result() поднял {type(exc).__name__}: {exc}")
        print(f"причина: {type(exc.__cause__).__name__}, её текст кончается так:")
        remote = [x for x in str(exc.__cause__).splitlines() if x.strip('" ')]
        print("\n".join("    " + line for line in remote[-3:]))

# %%
# exception() и обратные вызовы
# -----------------------------
#
# ``exception()`` ждёт завершения задачи так же, как ``result()``, но исключение
# не поднимает, а возвращает (или ``None``, если задача прошла успешно). Удобно,
# когда нужно собрать ошибки всех задач, а не остановиться на первой. То же
# делает обратный вызов ``add_done_callback``: он получает готовый
# :class:`~concurrent.futures.Future` и может сам заглянуть в
# ``exception()``.

failures = []


def remember_failure(fut):
    if fut.exception() is not None:
        failures.append(repr(fut.exception()))


with ThreadPoolExecutor(max_workers=2) as pool:
    futures = [pool.submit(workloads.fail_on, i, 2) for i in range(4)]
    for fut in futures:
        fut.add_done_callback(remember_failure)
    number = {fut: i for i, fut in enumerate(futures)}
    for fut in as_completed(futures):
        print(f"задача fail_on({number[fut]}, 2): exception() = {fut.exception()!r}")
print("обратный вызов записал:", failures)

# %%
# Ошибка, на которую никто не посмотрел
# -------------------------------------
#
# Если не вызвать ни ``result()``, ни ``exception()``, исключение так и останется
# лежать в :class:`~concurrent.futures.Future` и исчезнет вместе с ним. Чтобы
# проверить это честно, перехватим всё, что программа пишет в ``stderr`` (туда
# Python печатает необработанные ошибки), и сравним с обычным
# :class:`threading.Thread`, у которого функция падает так же.


def captured_stderr(action):
    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer):
        action()
    return buffer.getvalue()


def forgotten_future():
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(workloads.fail, "об этой ошибке никто не узнает")


def plain_thread():
    t = threading.Thread(target=workloads.fail, args=("ошибка в потоке",))
    t.start()
    t.join()


stderr_chars = {}
for name, action in [
    ("Future без result()", forgotten_future),
    ("Thread", plain_thread),
]:
    text = captured_stderr(action)
    stderr_chars[name] = len(text)
    lines = text.strip().splitlines()
    print(f"{name}: в stderr {len(text)} символов")
    for line in lines[:1] + lines[-1:]:
        print(f"    {line}")
claims.check(
    "исключение задачи пула, которое никто не забрал, пропадает молча, а у "
    "threading.Thread — печатается",
    confirmed=stderr_chars["Future без result()"] == 0 and stderr_chars["Thread"] > 0,
    evidence=", ".join(
        f"{name}: {n} символов в stderr" for name, n in stderr_chars.items()
    ),
    reason_if_not="другая версия Python изменила, что печатается при ошибке",
)

# %%
# У :class:`threading.Thread` необработанное исключение печатает
# :func:`threading.excepthook`: в ``stderr`` попадает трассировка. У задачи пула
# в ``stderr`` — ноль символов: исключение было, его никто не достал, и программа
# идёт дальше, как будто всё хорошо. Поэтому результат каждой задачи нужно
# забрать — ``result()``, ``exception()``, ``map`` или ``as_completed``, — даже
# если значение задачи не нужно.
#
# (В asyncio иначе: у задачи :class:`asyncio.Task`, чьё исключение никто не
# забрал, при удалении пишется в лог «Task exception was never retrieved».
# В :mod:`concurrent.futures` такого нет.)
#
# map останавливается на первой ошибке
# ------------------------------------
#
# ``pool.map`` отдаёт результаты по порядку, и если задача упала, то на ней
# цикл ``for`` получает исключение; результаты задач после неё до цикла уже не
# дойдут. А что с самими этими задачами? ``map`` отправляет в пул все задачи
# сразу, ещё до первого результата. Проверим, что с ними стало: каждая задача
# записывает, когда начала и закончила работу, задача номер ``BAD`` падает.

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
print(f"не начинались: {sorted(set(range(TASKS)) - set(spans))}")
claims.check(
    f"map отдаёт результаты только до упавшей задачи ({BAD}), остальные до цикла "
    "не доходят",
    confirmed=len(received) == BAD,
    evidence=f"результатов получено {len(received)} из {TASKS}",
    reason_if_not="задача упала не там, где ожидалось",
)

fig, ax = plots.figure(height=4.2)
for i, (start, end) in sorted(spans.items()):
    color = plots.PALETTE[5] if i == BAD else plots.PALETTE[0]
    if i < BAD:
        color = plots.PALETTE[2]
    ax.broken_barh([(start, end - start)], (i - 0.35, 0.7), color=color)
for i in sorted(set(range(TASKS)) - set(spans)):
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
#
# Процесс пула умер: BrokenProcessPool
# ------------------------------------
#
# Исключение в задаче — это ещё порядок: процесс пула жив и берёт следующую
# задачу. Хуже, если процесс умирает целиком: падение в расширении на C, нехватка
# памяти, ``os._exit``. ``potok.workloads.crash`` завершает процесс сразу,
# как это сделал бы такой сбой. Рядом с ней в пуле — обычные задачи.

with ProcessPoolExecutor(max_workers=2, mp_context=start_methods.mp_context()) as pool:
    futures = {"crash()": pool.submit(workloads.crash)}
    for i in range(3):
        futures[f"io_bound #{i}"] = pool.submit(workloads.io_bound, 0.1)
    broken = []
    for name, fut in futures.items():
        try:
            print(f"{name:>12}: результат {fut.result()!r}")
        except BrokenProcessPool as exc:
            broken.append(name)
            print(f"{name:>12}: {type(exc).__name__}")
    try:
        pool.submit(workloads.worker_pid)
        refused = False
    except BrokenProcessPool as exc:
        refused = True
        print(f"новая задача в тот же пул: {type(exc).__name__}: {exc}")
claims.check(
    "когда процесс пула умирает, BrokenProcessPool получают и задача, убившая его, "
    "и каждая новая задача",
    confirmed="crash()" in broken and refused,
    evidence=(
        f"BrokenProcessPool у {len(broken)} задач из {len(futures)} "
        f"(в том числе crash(): {'да' if 'crash()' in broken else 'нет'}); "
        f"новая задача отвергнута: {'да' if refused else 'нет'}"
    ),
    reason_if_not="другая версия Python по-другому разбирает смерть процесса пула",
)

# %%
# Когда процесс пула неожиданно завершается, пул не знает, что с ним стало и
# какие задачи пропали вместе с ним, поэтому считает сломанным себя целиком:
# :exc:`~concurrent.futures.process.BrokenProcessPool` получают и задача,
# убившая процесс, и все задачи, которые ещё не закончились, и любая новая
# задача. Какие из обычных задач успели закончиться до поломки, зависит от
# расписания — посмотрите на вывод выше. Пул после этого остаётся только закрыть и
# создать новый.
#
# У пула потоков так сломаться нечему: поток нельзя убить отдельно от процесса,
# и ``os._exit`` в потоке завершил бы всю программу. (Свой «сломанный» пул есть и
# у него — :exc:`~concurrent.futures.thread.BrokenThreadPool`, — но только когда
# падает функция ``initializer``, которая готовит каждый поток.)
