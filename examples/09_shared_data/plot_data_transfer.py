"""
Через канал или через общую память: сколько стоит передать данные
==================================================================

У процессов нет общей памяти «по умолчанию»: всё, что дочерний процесс должен
прочитать, нужно ему доставить. Здесь три пути, которыми это делают чаще всего:

* **аргумент задачи пула** (:meth:`concurrent.futures.Executor.submit`,
  :meth:`multiprocessing.pool.Pool.map`): аргумент сериализуется :mod:`pickle`,
  байты идут по каналу, процесс пула собирает из них копию объекта;
* :func:`multiprocessing.Pipe`: два конца канала; ``send_bytes`` пишет байты как
  есть, без :mod:`pickle`;
* :class:`multiprocessing.shared_memory.SharedMemory` (Python 3.8+): блок памяти,
  который оба процесса отображают в своё адресное пространство; родитель копирует
  данные туда, ребёнок читает на месте.

Измеряется только доставка: родитель передаёт ``N`` байт уже запущенному
ребёнку, ребёнок читает их последний байт и отвечает. Ещё три пути — ``Queue``,
``Array`` и ``Manager`` — в примере
:ref:`sphx_glr_auto_examples_09_shared_data_plot_more_transfer_ways.py`.
"""

# %%
# Сторона ребёнка
# ---------------
#
# Ниже — весь код, который выполняется в дочерних процессах. Он лежит в модуле
# рядом с примером: при методах запуска spawn и forkserver дочерний процесс
# импортирует эти функции заново, а сам пример ему не импортировать.
#
# .. literalinclude:: _transfer.py
#
# Чтобы запустить пример у себя, скачайте и этот модуль и положите его рядом:
# :download:`_transfer.py`.

# sphinx_gallery_tags = ["процессы"]
import multiprocessing
import statistics
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import shared_memory

import _transfer
import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, start_methods

print(machine.stamp())
CTX = start_methods.mp_context()


def start(target, *args):
    """Ребёнок ``target(*args, его_конец_канала)``; наш конец канала и процесс."""
    conn, child_end = CTX.Pipe()
    child = CTX.Process(target=target, args=(*args, child_end), daemon=True)
    child.start()
    child_end.close()  # этот конец теперь только у ребёнка
    return conn, child


# %%
# Сторона родителя
# ----------------
#
# Родитель запускает трёх детей заранее: процесс пула, ребёнка за ``Pipe`` и
# ребёнка, который подключится к блоку общей памяти по имени. Каждый путь — это
# функция ``send(data)``: доставить данные и вернуть ответ. Пул создан
# последним: его служебный поток появляется с первой задачей, а при fork лучше,
# чтобы остальные дети рождались, пока в родителе нет лишних потоков.
#
# В конце (``finally``: и после ошибки тоже) блок общей памяти закрывают
# (:meth:`~multiprocessing.shared_memory.SharedMemory.close`) — это делает
# каждый процесс, который его открыл, — и удаляют
# (:meth:`~multiprocessing.shared_memory.SharedMemory.unlink`) ровно один раз,
# иначе он переживёт программу. Детям говорят «хватит» и дожидаются их.

SIZES = measure.scale(
    [64, 1 << 10, 1 << 14, 1 << 17, 1 << 20, 1 << 22, 1 << 24],
    [64, 1 << 14, 1 << 20, 1 << 22],
)
shm = shared_memory.SharedMemory(create=True, size=max(SIZES))
pipe_conn, pipe_child = start(_transfer.pipe_server)
shm_conn, shm_child = start(_transfer.shm_server, shm.name)
pool = ProcessPoolExecutor(1, mp_context=CTX)


def via_pool(data):
    return pool.submit(_transfer.last_byte, data).result()


def via_pipe(data):
    pipe_conn.send_bytes(data)
    return pipe_conn.recv()


def via_shared_memory(data):
    shm.buf[: len(data)] = data  # одно копирование — в общий блок
    shm_conn.send(len(data))  # по каналу — только размер
    return shm_conn.recv()


POOL, PIPE, SHM = "аргумент задачи пула (pickle)", "Pipe (send_bytes)", "SharedMemory"
WAYS = {POOL: via_pool, PIPE: via_pipe, SHM: via_shared_memory}

# %%
# Размеры — от десятков байт до десятков мегабайт: маленькое сообщение
# показывает цену одного вызова, большое — цену мегабайта. Для маленьких
# сообщений один замер — серия вызовов, чтобы время было заметно больше шага
# таймера. Пути измеряются по очереди на каждом размере
# (``potok.measure.interleaved``), чтобы чужая нагрузка досталась всем поровну.

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
            raise RuntimeError("ответ ребёнка не совпал с данными")

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
    pool.shutdown()
    shm.close()
    shm.unlink()
    pipe_conn.send_bytes(b"")  # пустое сообщение: конец
    shm_conn.send(None)  # конец
    for child in (pipe_child, shm_child):
        child.join()

# %%
# Цена вызова и цена мегабайта
# ----------------------------
#
# «На вызов» — время самого маленького сообщения. «На мегабайт» — наклон прямой,
# проведённой методом наименьших квадратов через размеры от 1 МиБ: сколько
# добавляет каждый следующий мегабайт.

large = [i for i, size in enumerate(SIZES) if size >= MIB]


def slope(series):
    xs, ys = [SIZES[i] / MIB for i in large], [series[i].median for i in large]
    return statistics.linear_regression(xs, ys).slope


cost_call = {label: series[0].median for label, series in per_call.items()}
cost_mib = {label: slope(series) for label, series in per_call.items()}
big = {label: series[-1].median for label, series in per_call.items()}
print(f"{'путь':<32}{'на вызов':>12}{'на МиБ':>12}")
for label in WAYS:
    print(f"{label:<32}{seconds(cost_call[label]):>12}{seconds(cost_mib[label]):>12}")

fig, ax = plots.figure(height=5)
for (label, series), marker in zip(per_call.items(), "osD", strict=True):
    plots.medians(ax, SIZES, series, marker=marker, label=label)
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xticks(SIZES, [size_label(size) for size in SIZES])
ax.set_xlabel("размер данных за один вызов (логарифмическая шкала)")
ax.set_ylabel("время доставки и ответа, с (медиана, мин–макс)")
ax.set_title("Сколько стоит доставить данные в уже запущенный процесс")
ax.legend()
plots.stamp(fig)
plt.show()

# %%
# Как читать график
# -----------------
#
# Обе оси логарифмические. Слева, на маленьких сообщениях, линии почти
# горизонтальны: время — это цена самого вызова (переключение процессов,
# системные вызовы, служебные объекты пула), а не данных. Справа время растёт с
# объёмом, и важна уже цена мегабайта. Смотрите, какая линия там ниже. Пул и
# ``Pipe`` гонят байты через канал и копируют данные несколько раз: в
# :mod:`pickle` (у пула), в канал ядра, из канала, в новый объект.
# ``SharedMemory`` обходится одним копированием — родитель кладёт данные в
# блок, а ребёнок читает их на месте. Если данные сразу создавать в общей
# памяти, не останется и его.
#
# Слева смотрите на пул: у задачи пула больше всего служебной работы (очередь
# вызовов, поток-распорядитель пула, отдельный канал для результата), и каждый
# вызов стоит дороже, чем сообщение по голому ``Pipe``.

claims.check(
    "shared-memory-cheaper-for-big-data",
    "на больших данных общая память (SharedMemory) дешевле, чем аргумент задачи "
    "пула через pickle",
    confirmed=big[SHM] < big[POOL],
    evidence=f"{size_label(SIZES[-1])}: SharedMemory {seconds(big[SHM])}, "
    f"пул {seconds(big[POOL])}",
    numbers={"bytes": SIZES[-1], "shm_s": big[SHM], "pool_s": big[POOL]},
    reason_if_not="машина была занята во время замера больших размеров",
)
claims.check(
    "shared-memory-cheaper-per-mib",
    "мегабайт через общую память стоит меньше, чем мегабайт через Pipe",
    confirmed=cost_mib[SHM] < cost_mib[PIPE],
    evidence=f"SharedMemory {seconds(cost_mib[SHM])}/МиБ, "
    f"Pipe {seconds(cost_mib[PIPE])}/МиБ",
    numbers={"shm_s_per_mib": cost_mib[SHM], "pipe_s_per_mib": cost_mib[PIPE]},
    reason_if_not="замер больших размеров зашумлён чужой нагрузкой",
)
claims.check(
    "pool-call-dearer-than-pipe",
    "один вызов задачи пула дороже одного сообщения по Pipe",
    confirmed=cost_call[POOL] > cost_call[PIPE],
    evidence=f"{size_label(SIZES[0])}: пул {seconds(cost_call[POOL])}, "
    f"Pipe {seconds(cost_call[PIPE])}",
    numbers={"bytes": SIZES[0], "pool_s": cost_call[POOL], "pipe_s": cost_call[PIPE]},
    reason_if_not="машина была занята во время замера маленьких сообщений",
)
print(
    f"осталось дочерних процессов: {len(multiprocessing.active_children())}, "
    f"лишних потоков: {threading.active_count() - 1}"
)

# %%
# Что выбрать
# -----------
#
# * Немного данных на задачу — передавайте аргументами пула: это просто и
#   безопасно, каждая задача получает свою копию.
# * Большой массив, который читают многие задачи, — положите в ``SharedMemory``
#   один раз и передавайте задачам только имя блока и границы; ``close()`` в
#   каждом процессе и ``unlink()`` один раз, в ``finally``, как выше.
