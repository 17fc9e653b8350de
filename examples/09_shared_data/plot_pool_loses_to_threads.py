"""
Когда пул процессов проигрывает потокам
=======================================

На сборке с GIL пул процессов ускоряет вычисления на чистом Python, а пул
потоков — нет. Но процессам каждую задачу нужно доставить: аргументы уходят в
другой процесс через :mod:`pickle` и канал (пример
:ref:`sphx_glr_auto_examples_09_shared_data_plot_data_transfer.py`). Потоку
доставлять нечего — он получает ссылку на тот же объект в той же памяти.

Значит, у процессов есть точка проигрыша: если задача везёт с собой больше
данных, чем успевает на них посчитать, пересылка съедает выигрыш от
параллельных вычислений. Найдём эту точку. Каждая задача делает одно и то же
число итераций арифметики и получает блок данных, размер которого мы меняем —
от килобайта до десятков мегабайт. Данные задача только трогает (читает
последний байт), так что считает она одинаково при любом размере.
"""

# %%
# Задача
# ------
#
# Ниже — весь код задачи ``compute_on(data, n)``. Он лежит в модуле рядом с
# примером: процесс пула при методах запуска spawn и forkserver импортирует его
# заново, а сам пример ему не импортировать.
#
# .. literalinclude:: _compute.py
#
# Чтобы запустить пример у себя, скачайте и этот модуль и положите его рядом:
# :download:`_compute.py`.
#
# Замер
# -----
#
# Пул потоков и пул процессов с одинаковым числом исполнителей создаются один
# раз и прогреваются: запуск процессов в замер не входит, только работа и
# доставка. На каждом размере оба пула выполняют одни и те же задачи по очереди
# (``potok.measure.interleaved``). Точка отсчёта — те же задачи подряд в одном
# потоке.

# sphinx_gallery_tags = ["потоки", "процессы"]
import math
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import _compute
import matplotlib.pyplot as plt
from matplotlib import ticker

from potok import claims, machine, measure, plots, start_methods

print(machine.stamp())
WORKERS = min(machine.usable_cpus(), 8)
TASKS = 4 * WORKERS
N = measure.scale(40_000, 20_000)  # итераций в одной задаче
MIB = 1 << 20
SIZES = measure.scale(
    [1 << 10, 1 << 16, 1 << 18, 1 << 20, 1 << 21, 1 << 22, 1 << 23, 1 << 24],
    [1 << 10, 1 << 18, 1 << 21, 1 << 23],
)
REPEATS = measure.scale(3, 2)
seconds = measure.format_seconds


def size_label(size):
    for unit, step in (("МиБ", MIB), ("КиБ", 1 << 10)):
        if size >= step:
            return f"{size / step:.4g} {unit}"
    return f"{size} Б"


def run(pool, data):
    return list(pool.map(_compute.compute_on, [data] * TASKS, [N] * TASKS))


def in_one_thread():
    return [_compute.compute_on(b"\x01", N) for _ in range(TASKS)]


sequential = measure.repeat(in_one_thread, repeats=REPEATS)
print(f"{TASKS} задач подряд в одном потоке: {sequential}")

results = {"пул потоков": [], "пул процессов": []}
with (
    ThreadPoolExecutor(WORKERS) as threads,
    ProcessPoolExecutor(WORKERS, mp_context=start_methods.mp_context()) as processes,
):
    run(processes, b"\x01")  # запустить процессы
    for size in SIZES:
        data = bytes(size - 1) + b"\x01"
        timings = measure.interleaved(
            {
                "пул потоков": lambda d=data: run(threads, d),
                "пул процессов": lambda d=data: run(processes, d),
            },
            repeats=REPEATS,
        )
        for label, timing in timings.items():
            results[label].append(timing)
        print(
            f"{size_label(size):>8} на задачу: "
            f"потоки {seconds(timings['пул потоков'].median)}, "
            f"процессы {seconds(timings['пул процессов'].median)}"
        )

# %%
# Где кривые пересекаются
# -----------------------
#
# По оси X — сколько байт данных приходится на одну итерацию вычислений в
# задаче; сверху та же ось подписана в мегабайтах на задачу. Точка пересечения —
# между последним размером, где процессы были не медленнее потоков, и
# следующим, начиная с которого они медленнее на всех размерах (линейно по
# логарифму размера). На занятой машине кривые могут пересечься и раньше, и не
# один раз; нас интересует, где процессы начинают проигрывать насовсем.

per_iter = [size / N for size in SIZES]
thread_t = [t.median for t in results["пул потоков"]]
proc_t = [t.median for t in results["пул процессов"]]


def crossing():
    loses = [p > t for p, t in zip(proc_t, thread_t, strict=True)]
    first = len(loses)
    while first > 0 and loses[first - 1]:
        first -= 1
    if first in (0, len(loses)):
        return None  # проигрывали везде или не проиграли нигде
    a = proc_t[first - 1] - thread_t[first - 1]
    b = proc_t[first] - thread_t[first]
    share = a / (a - b)
    lo, hi = math.log(per_iter[first - 1]), math.log(per_iter[first])
    return math.exp(lo + share * (hi - lo))


cross = crossing()
print(
    f"ускорение пула процессов на {size_label(SIZES[0])} на задачу "
    f"относительно работы подряд: ×{sequential.median / proc_t[0]:.2f}"
)
if cross is None and all(p > t for p, t in zip(proc_t, thread_t, strict=True)):
    print("процессы были медленнее потоков на всех размерах: пересечения нет")
elif cross is None:
    print("на самом большом размере процессы не медленнее потоков: пересечения нет")
else:
    print(
        f"процессы проигрывают потокам примерно с {cross:.0f} байт на итерацию "
        f"(≈{size_label(int(cross * N))} на задачу в {N} итераций)"
    )

fig, ax = plots.figure(height=5)
for (label, series), marker in zip(results.items(), "os", strict=True):
    plots.medians(ax, per_iter, series, per=1e-3, marker=marker, label=label)
ax.axhline(
    sequential.median * 1e3,
    linestyle="--",
    color=plots.REFERENCE,
    label="те же задачи подряд в одном потоке",
)
if cross is not None:
    ax.axvline(cross, linestyle=":", color=plots.REFERENCE, label="пересечение")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("данных на одну итерацию вычислений, байт (логарифмическая шкала)")
ax.set_ylabel(f"время {TASKS} задач, мс (медиана, мин–макс)")
plain = ticker.FuncFormatter(lambda v, _: f"{v:g}")
ax.yaxis.set_major_formatter(plain)
ax.yaxis.set_minor_formatter(
    ticker.FuncFormatter(
        lambda v, _: (
            f"{v:g}" if round(v / 10 ** math.floor(math.log10(v))) in (2, 5) else ""
        )
    )
)
ax.xaxis.set_major_formatter(plain)
top = ax.secondary_xaxis(
    "top", functions=(lambda x: x * N / MIB, lambda m: m * MIB / N)
)
top.xaxis.set_major_formatter(plain)
top.set_xlabel("данных на задачу, МиБ")
ax.set_title(f"{TASKS} задач по {N} итераций; исполнителей в пуле: {WORKERS}")
ax.legend()
plots.stamp(fig)
plt.show()

# %%
# Как читать график
# -----------------
#
# Линия пула потоков почти горизонтальна: сколько бы данных ни везла задача,
# потоку передают ссылку, и платит он только за вычисления. На сборке с GIL она
# лежит около пунктира — потоки считают по очереди. Линия пула процессов слева
# ниже: вычисления идут в нескольких процессах сразу. Чем больше данных на
# задачу, тем выше она уходит — каждую задачу надо упаковать, переслать и
# распаковать. Упаковывает аргументы (и распаковывает результаты) родитель —
# один на все задачи; процессы пула распаковывают аргументы параллельно, но
# родитель и копирование через канал становятся узким местом. Справа от
# точечной вертикали процессы проигрывают. Если вертикали нет, причина
# напечатана под графиком; так бывает на машине, где пулу достался один
# свободный логический процессор: тогда процессам нечем выиграть и на маленьких
# данных (смотрите напечатанное ускорение пула процессов).
#
# Где именно вертикаль, зависит от машины: от того, сколько стоит итерация и
# сколько — мегабайт пересылки. Вывод от неё не зависит: пул процессов хорош
# для задач, которые много считают над небольшими данными. Если задача везёт
# мегабайты, передайте ей не данные, а место, где они лежат: имя блока
# :class:`~multiprocessing.shared_memory.SharedMemory`, путь к файлу; или
# используйте потоки с библиотекой, которая отпускает GIL (NumPy), или
# free-threaded сборку.

claims.check(
    "processes-win-on-little-data",
    "когда данных на задачу мало, пул процессов быстрее пула потоков",
    confirmed=proc_t[0] < thread_t[0],
    evidence=f"{size_label(SIZES[0])} на задачу: процессы {seconds(proc_t[0])}, "
    f"потоки {seconds(thread_t[0])}",
    numbers={"bytes": SIZES[0], "processes_s": proc_t[0], "threads_s": thread_t[0]},
    reason_if_not="свободный логический процессор был один (машину делили с "
    "чужой работой) или это сборка без GIL, где потоки тоже считают параллельно",
)
claims.check(
    "processes-lose-on-much-data",
    "когда задача везёт много данных, пул процессов проигрывает пулу потоков",
    confirmed=proc_t[-1] > thread_t[-1],
    evidence=f"{size_label(SIZES[-1])} на задачу: процессы {seconds(proc_t[-1])}, "
    f"потоки {seconds(thread_t[-1])}",
    numbers={"bytes": SIZES[-1], "processes_s": proc_t[-1], "threads_s": thread_t[-1]},
    reason_if_not="пересылка на этой машине дешевле, чем в измеренном диапазоне "
    "размеров нужно, чтобы перевесить вычисления",
)
claims.check(
    "threads-ignore-data-size",
    "время пула потоков почти не зависит от объёма данных: потокам данные не "
    "пересылают",
    confirmed=thread_t[-1] < 1.5 * thread_t[0],
    evidence=f"потоки: {seconds(thread_t[0])} при {size_label(SIZES[0])}, "
    f"{seconds(thread_t[-1])} при {size_label(SIZES[-1])}",
    numbers={"threads_small_s": thread_t[0], "threads_big_s": thread_t[-1]},
    reason_if_not="машина была занята во время замера",
)
print(
    f"осталось дочерних процессов: {len(multiprocessing.active_children())}, "
    f"лишних потоков: {threading.active_count() - 1}"
)
