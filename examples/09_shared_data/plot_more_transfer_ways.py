"""
Queue, Array и Manager: ещё три способа передать данные в процесс
=================================================================

Пример :ref:`sphx_glr_auto_examples_09_shared_data_plot_data_transfer.py`
сравнил аргумент задачи пула, ``Pipe`` и ``SharedMemory``. У
:mod:`multiprocessing` есть ещё три пути, и стоят они тоже по-разному:

* :class:`multiprocessing.Queue`: данные сериализуются :mod:`pickle`, как у
  аргумента задачи пула, но в канал их пишет отдельный служебный поток очереди;
* :func:`multiprocessing.Array`: то же, что ``SharedMemory``, только массив
  ``ctypes``, который передаётся ребёнку при создании процесса (не через
  очередь и не аргументом задачи);
* прокси объекта из :func:`multiprocessing.Manager`: объект живёт в отдельном
  процессе-менеджере, и каждая операция с прокси — запрос к этому процессу.

Замер тот же: родитель передаёт ``N`` байт уже запущенному ребёнку, ребёнок
читает их последний байт и отвечает.
"""

# %%
# Сторона ребёнка
# ---------------
#
# Ниже — весь код, который выполняется в дочерних процессах. Он лежит в модуле
# рядом с примером: при методах запуска spawn и forkserver дочерний процесс
# импортирует эти функции заново, а сам пример ему не импортировать.
#
# .. literalinclude:: _more_ways.py
#
# Чтобы запустить пример у себя, скачайте и этот модуль и положите его рядом:
# :download:`_more_ways.py`.

# sphinx_gallery_tags = ["процессы"]
import multiprocessing
import statistics
import threading

import _more_ways
import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, start_methods

print(machine.stamp())
CTX = start_methods.mp_context()

# %%
# Сторона родителя
# ----------------
#
# Родитель заранее запускает ребёнка за очередью, ребёнка с общим массивом
# (``lock=False``: голый массив без блокировки, согласовывать доступ нужно
# самим — здесь это делает канал, по которому идёт размер) и менеджер со
# словарём. Каждый путь — функция ``send(data)``: доставить данные и вернуть
# ответ. Прокси словаря отвечает, когда менеджер сохранил данные, — это тоже
# один запрос туда и обратно.

SIZES = measure.scale(
    [64, 1 << 10, 1 << 14, 1 << 17, 1 << 20, 1 << 22, 1 << 24],
    [64, 1 << 14, 1 << 20, 1 << 22],
)
inbox, outbox = CTX.Queue(), CTX.Queue()
queue_child = CTX.Process(
    target=_more_ways.queue_server, args=(inbox, outbox), daemon=True
)
array = CTX.Array("B", max(SIZES), lock=False)
view = memoryview(array).cast("B")
array_conn, child_end = CTX.Pipe()
array_child = CTX.Process(
    target=_more_ways.array_server, args=(array, child_end), daemon=True
)
queue_child.start()
array_child.start()
child_end.close()  # этот конец теперь только у ребёнка
manager = CTX.Manager()  # запускает процесс-менеджер
box = manager.dict()


def via_queue(data):
    inbox.put(data)
    return outbox.get()


def via_array(data):
    view[: len(data)] = data  # одно копирование — в общий массив
    array_conn.send(len(data))  # по каналу — только размер
    return array_conn.recv()


def via_manager(data):
    box["data"] = data  # pickle, сокет, процесс-менеджер; ответ — «сохранил»
    return data[-1]


QUEUE, ARRAY, MANAGER = "Queue", "Array", "Manager (прокси dict)"
WAYS = {QUEUE: via_queue, ARRAY: via_array, MANAGER: via_manager}

# %%
# Размеры — от десятков байт до десятков мегабайт, пути измеряются по очереди
# на каждом размере, маленькие сообщения — сериями вызовов, как в
# :ref:`sphx_glr_auto_examples_09_shared_data_plot_data_transfer.py`. В конце
# (``finally``: и после ошибки тоже) детям говорят «хватит» и дожидаются их.
# Очередь сначала опустошают (здесь каждый ответ уже забран), потом ждут
# процесс и закрывают очереди (:meth:`~multiprocessing.Queue.close`,
# :meth:`~multiprocessing.Queue.join_thread`); менеджер останавливают
# (``shutdown()``).

REPEATS = measure.scale(5, 3)
MIB = 1 << 20
seconds = measure.format_seconds


def size_label(size):
    for unit, step in (("МиБ", MIB), ("КиБ", 1 << 10)):
        if size >= step:
            return f"{size / step:.4g} {unit}"
    return f"{size} Б"


def batch(send, data, calls):
    def run():
        if any(send(data) != data[-1] for _ in range(calls)):
            raise RuntimeError("ответ не совпал с данными")

    return run


per_call = {label: [] for label in WAYS}  # Timing одного вызова, по размерам
try:
    for size in SIZES:
        data = bytes(size - 1) + b"\x2a"
        calls = max(1, min(200, MIB // size))  # серия вызовов на ~1 МиБ
        timings = measure.interleaved(
            {label: batch(send, data, calls) for label, send in WAYS.items()},
            repeats=REPEATS,
        )
        for label, t in timings.items():
            per_call[label].append(measure.Timing(tuple(s / calls for s in t.samples)))
finally:
    inbox.put(None)  # конец
    array_conn.send(None)  # конец
    for child in (queue_child, array_child):
        child.join()
    for q in (inbox, outbox):
        q.close()
        q.join_thread()
    manager.shutdown()

# %%
# Цена вызова и цена мегабайта
# ----------------------------
#
# «На вызов» — время самого маленького сообщения, «на мегабайт» — наклон
# прямой через размеры от 1 МиБ, как в
# :ref:`sphx_glr_auto_examples_09_shared_data_plot_data_transfer.py`.

large = [i for i, size in enumerate(SIZES) if size >= MIB]


def slope(series):
    xs, ys = [SIZES[i] / MIB for i in large], [series[i].median for i in large]
    return statistics.linear_regression(xs, ys).slope


cost_call = {label: series[0].median for label, series in per_call.items()}
big = {label: series[-1].median for label, series in per_call.items()}
print(f"{'путь':<32}{'на вызов':>12}{'на МиБ':>12}")
for label, series in per_call.items():
    print(f"{label:<32}{seconds(cost_call[label]):>12}{seconds(slope(series)):>12}")

fig, ax = plots.figure(height=5)
for (label, series), marker in zip(per_call.items(), "^vx", strict=True):
    plots.medians(ax, SIZES, series, marker=marker, label=label)
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xticks(SIZES, [size_label(size) for size in SIZES])
ax.set_xlabel("размер данных за один вызов (логарифмическая шкала)")
ax.set_ylabel("время доставки и ответа, с (медиана, мин–макс)")
ax.set_title("Queue, Array и Manager: сколько стоит доставить данные")
ax.legend()
plots.stamp(fig)
plt.show()

# %%
# Как читать график
# -----------------
#
# Обе оси логарифмические; слева — цена самого вызова, справа — цена мегабайта.
# Справа смотрите, какая линия ниже. ``Queue`` и ``Manager`` гонят байты через
# канал или сокет и копируют данные несколько раз: в :mod:`pickle`, в канал
# ядра, из канала, в новый объект. ``Array``, как и ``SharedMemory``, обходится
# одним копированием: родитель кладёт данные в общий массив, ребёнок читает их
# на месте.

claims.check(
    "array-cheaper-for-big-data",
    "на больших данных общий массив (Array) дешевле, чем Queue и прокси Manager",
    confirmed=big[ARRAY] < min(big[QUEUE], big[MANAGER]),
    evidence=f"{size_label(SIZES[-1])}: Array {seconds(big[ARRAY])}, "
    f"Queue {seconds(big[QUEUE])}, Manager {seconds(big[MANAGER])}",
    numbers={
        "bytes": SIZES[-1],
        "array_s": big[ARRAY],
        "queue_s": big[QUEUE],
        "manager_s": big[MANAGER],
    },
    reason_if_not="машина была занята во время замера больших размеров",
)
print(
    f"осталось дочерних процессов: {len(multiprocessing.active_children())}, "
    f"лишних потоков: {threading.active_count() - 1}"
)

# %%
# Что выбрать
# -----------
#
# * ``Queue`` — когда много отправителей и получателей обмениваются
#   небольшими сообщениями; большие данные лучше положить в общую память.
# * ``Array`` передают ребёнку только при создании процесса (аргументом
#   ``Process`` или ``initargs`` пула); блок ``SharedMemory`` подключают по
#   имени когда угодно.
# * ``Manager`` удобен, когда несколько процессов меняют один словарь или список,
#   но каждая операция с прокси — запрос через сокет к процессу-менеджеру; для
#   потока данных он не годится.
