"""
Шесть способов передать данные в процесс
========================================

У процессов нет общей памяти «по умолчанию»: всё, что дочерний процесс должен
прочитать, нужно ему доставить. :mod:`multiprocessing` даёт для этого несколько
путей, и стоят они по-разному:

* **аргумент задачи пула** (:meth:`concurrent.futures.Executor.submit`,
  :meth:`multiprocessing.pool.Pool.map`): аргумент сериализуется :mod:`pickle`,
  байты идут по каналу, процесс пула собирает из них копию объекта;
* :class:`multiprocessing.Queue`: тоже :mod:`pickle`, но в канал пишет отдельный
  служебный поток очереди;
* :func:`multiprocessing.Pipe`: два конца канала; ``send_bytes`` пишет байты как
  есть, без :mod:`pickle`;
* :class:`multiprocessing.shared_memory.SharedMemory` (Python 3.8+): блок памяти,
  который оба процесса отображают в своё адресное пространство; родитель копирует
  данные туда, ребёнок читает на месте;
* :func:`multiprocessing.Array`: то же самое, только массив ``ctypes``, который
  передаётся ребёнку при создании процесса;
* прокси объекта из :func:`multiprocessing.Manager`: объект живёт в отдельном
  процессе-менеджере, и каждая операция с прокси — запрос к этому процессу.

Для каждого пути дочерний процесс запускается заранее, а замеряется только
доставка: родитель передаёт ``N`` байт, ребёнок читает их последний байт и
отвечает. Где данные лежат в общей памяти, по каналу идёт только число — сколько
байт читать. Код всех шести путей — в ``potok.shared``.
"""

# %%
# Что замеряем
# ------------
#
# Размеры — от десятков байт до десятков мегабайт. Маленькое сообщение
# показывает цену одного вызова, большое — цену мегабайта. Для маленьких
# сообщений один замер — серия вызовов, чтобы время было заметно больше шага
# таймера. Пути замеряются по очереди на каждом размере
# (``potok.measure.interleaved``), чтобы чужая нагрузка на машину досталась
# всем поровну.

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, shared, start_methods

print(machine.stamp())
CTX = start_methods.mp_context()

SIZES = measure.scale(
    [64, 1 << 10, 1 << 14, 1 << 17, 1 << 20, 1 << 22, 1 << 24],
    [64, 1 << 14, 1 << 20, 1 << 22],
)
REPEATS = measure.scale(5, 3)
BATCH_BYTES = 1 << 20  # маленькие сообщения: серия вызовов на ~1 МиБ, но не длиннее


def calls_per_sample(size):
    return max(1, min(200, BATCH_BYTES // size))


def batch(transport, payload, calls):
    def run():
        for _ in range(calls):
            if transport.send(payload) != payload[-1]:
                raise RuntimeError(f"{transport.label}: ответ не совпал с данными")

    return run


transports = [kind(CTX, capacity=max(SIZES)) for kind in shared.TRANSPORTS]
per_call = {t.label: [] for t in transports}  # секунд на один вызов, по размерам
try:
    # Пул — последним: его служебные потоки появляются с первой задачей, и
    # при fork остальные процессы рождаются, пока в родителе ещё нет лишних
    # потоков (fork из процесса с потоками рискован; с 3.12 CPython
    # предупреждает об этом).
    for t in sorted(transports, key=lambda t: isinstance(t, shared.PoolTransport)):
        t.__enter__()
    for size in SIZES:
        payload = bytes(size - 1) + b"\x2a"
        calls = calls_per_sample(size)
        timings = measure.interleaved(
            {t.label: batch(t, payload, calls) for t in transports}, repeats=REPEATS
        )
        for label, timing in timings.items():
            per_call[label].append(timing.median / calls)
finally:
    for t in transports:
        t.__exit__(None, None, None)

# %%
# Таблица: цена вызова и цена мегабайта
# -------------------------------------
#
# «На вызов» — время самого маленького сообщения. «На мегабайт» — наклон прямой,
# проведённой методом наименьших квадратов через размеры от 1 МиБ: сколько
# добавляет каждый следующий мегабайт.

MIB = 1 << 20
small, big = SIZES[0], SIZES[-1]
large = [i for i, size in enumerate(SIZES) if size >= MIB]


def slope(times):
    xs = [SIZES[i] / MIB for i in large]
    ys = [times[i] for i in large]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    num = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return num / sum((x - mx) ** 2 for x in xs)


cost_call = {label: times[0] for label, times in per_call.items()}
cost_mib = {label: slope(times) for label, times in per_call.items()}
print(f"{'путь':<32}{'на вызов':>12}{'на МиБ':>12}")
for label in per_call:
    print(
        f"{label:<32}{measure.format_seconds(cost_call[label]):>12}"
        f"{measure.format_seconds(cost_mib[label]):>12}"
    )

fig, ax = plots.figure(height=5)
markers = "osD^vx"
for (label, times), marker in zip(per_call.items(), markers, strict=True):
    ax.plot(SIZES, times, marker=marker, label=label)
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xticks(SIZES, [shared.format_bytes(size) for size in SIZES])
ax.set_xlabel("размер данных за один вызов (логарифмическая шкала)")
ax.set_ylabel("время доставки и ответа, с (медиана)")
ax.set_title("Сколько стоит доставить данные в уже запущенный процесс")
ax.legend()
plots.stamp(fig)
plt.show()

# %%
# Как читать график
# -----------------
#
# Обе оси логарифмические. Слева, на маленьких сообщениях, линии лежат почти
# горизонтально: время — это цена самого вызова (переключение процессов,
# системные вызовы, служебные объекты пула или очереди), а не данных. Чем выше
# линия слева, тем дороже каждый вызов. Справа линии поднимаются с наклоном:
# здесь время пропорционально объёму, и важна уже цена мегабайта.
#
# Смотрите, какие линии справа идут ниже. Пути, которые гонят байты через канал
# (пул, ``Queue``, ``Pipe``, ``Manager``), копируют данные несколько раз: в
# :mod:`pickle`, в канал ядра, из канала, в новый объект. Общая память
# (``SharedMemory`` и ``Array``) обходится одним копированием — родитель кладёт
# данные в блок, а ребёнок читает их на месте. Если данные сразу создавать в
# общей памяти, не останется и его.
#
# Слева смотрите на пул: у задачи пула больше всего служебной работы (очередь
# вызовов, поток-распорядитель пула, отдельный канал для результата), и каждый
# вызов стоит дороже, чем сообщение по голому ``Pipe``.

claims.check(
    "shared-memory-cheaper-for-big-data",
    "на больших данных общая память (SharedMemory) дешевле, чем аргумент задачи "
    "пула через pickle",
    confirmed=per_call["SharedMemory"][-1] < per_call[shared.PoolTransport.label][-1],
    evidence=(
        f"{shared.format_bytes(big)}: SharedMemory "
        f"{measure.format_seconds(per_call['SharedMemory'][-1])}, пул "
        f"{measure.format_seconds(per_call[shared.PoolTransport.label][-1])}"
    ),
    reason_if_not="машина была занята во время замера больших размеров",
)
claims.check(
    "мегабайт через общую память стоит меньше, чем мегабайт через Pipe",
    confirmed=cost_mib["SharedMemory"] < cost_mib[shared.PipeTransport.label],
    evidence=(
        f"SharedMemory {measure.format_seconds(cost_mib['SharedMemory'])}/МиБ, "
        f"Pipe {measure.format_seconds(cost_mib[shared.PipeTransport.label])}/МиБ"
    ),
    reason_if_not="замер больших размеров зашумлён чужой нагрузкой",
)
claims.check(
    "один вызов задачи пула дороже одного сообщения по Pipe",
    confirmed=cost_call[shared.PoolTransport.label]
    > cost_call[shared.PipeTransport.label],
    evidence=(
        f"{shared.format_bytes(small)}: пул "
        f"{measure.format_seconds(cost_call[shared.PoolTransport.label])}, Pipe "
        f"{measure.format_seconds(cost_call[shared.PipeTransport.label])}"
    ),
    reason_if_not="машина была занята во время замера маленьких сообщений",
)

children, threads = shared.leftovers()
print(f"осталось дочерних процессов: {len(children)}, лишних потоков: {len(threads)}")

# %%
# Что выбрать
# -----------
#
# * Немного данных на задачу — передавайте аргументами пула: это просто и
#   безопасно, каждая задача получает свою копию.
# * Большой массив, который читают многие задачи, — положите его в
#   :class:`~multiprocessing.shared_memory.SharedMemory` один раз и передавайте
#   задачам только имя блока и границы. Блок нужно закрыть
#   (:meth:`~multiprocessing.shared_memory.SharedMemory.close`) в каждом
#   процессе и удалить (:meth:`~multiprocessing.shared_memory.SharedMemory.unlink`)
#   ровно один раз, иначе он переживёт программу; ``potok.shared`` делает это
#   в ``finally``.
# * ``Manager`` удобен, когда несколько процессов меняют один словарь или список,
#   но каждая операция с прокси — запрос через сокет к процессу-менеджеру; для
#   потока данных он не годится.
