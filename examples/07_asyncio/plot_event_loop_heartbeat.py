"""
Заблокированный событийный цикл — замёрзшая программа
=====================================================

Событийный цикл asyncio выполняет корутины по очереди в **одном** потоке. Корутина
отдаёт управление циклу только на ``await``; пока она считает или ждёт что-то
без ``await``, цикл стоит: не принимает соединения, не отвечает на запросы, не
двигает таймеры. Программа на asyncio в это время замёрзла целиком.

Здесь это измерено «пульсом». Рядом с работой на том же цикле идёт корутина
``potok.aio.heartbeat``: она просит разбудить её через каждые ``PERIOD``
секунд (``await asyncio.sleep(PERIOD)``) и записывает, насколько позже
назначенного её на самом деле разбудили. Опоздание удара пульса — это ровно то,
что почувствовал бы любой другой клиент этого цикла: запрос, таймер, обработчик
сигнала.

Одна и та же вычислительная работа, ``potok.workloads.cpu_bound``,
запускается тремя способами: прямо в корутине, в потоке через
:func:`asyncio.to_thread` и в процессе через ``loop.run_in_executor`` с пулом
процессов. Для сравнения — цикл, которому нечего делать: вместо работы
``asyncio.sleep`` той же длины. Обзор всех способов вызвать блокирующий код из
asyncio — в примере :ref:`sphx_glr_auto_examples_07_asyncio_plot_asyncio_bridge.py`;
здесь — подробно, что в это время происходит с циклом.
"""

# %%
# Замер
# -----
#
# Пул процессов создаётся и прогревается заранее, до первого событийного цикла:
# запуск процесса не должен попасть в замер, и процессы лучше запускать, пока в
# программе ещё нет других потоков (с методом fork это важно — дочерний процесс
# получает копию памяти, но не потоков). ``potok.aio.run`` запускает цикл,
# включает пульс, ждёт работу и возвращает все удары пульса.

import asyncio
import sys
from concurrent.futures import ProcessPoolExecutor

import matplotlib.pyplot as plt
from matplotlib import ticker

from potok import aio, claims, cpu, machine, measure, plots, start_methods, workloads

PERIOD = 0.002  # с, пульс просит будить его каждые 2 мс
N = measure.scale(3_000_000, 500_000)  # итераций работы

print(machine.stamp())
print(f"интервал переключения GIL: {sys.getswitchinterval() * 1e3:g} мс")

with ProcessPoolExecutor(max_workers=1, mp_context=start_methods.mp_context()) as pool:
    pool.submit(workloads.worker_pid).result()  # процесс запущен и готов

    # Сколько длится работа, если её просто вызвать — столько же пусть спит
    # «пустой» цикл.
    probe = aio.run(aio.blocking(workloads.cpu_bound, N), period=PERIOD)
    ways = {
        "цикл свободен\n(asyncio.sleep)": lambda: asyncio.sleep(probe.elapsed),
        "прямо в корутине": aio.blocking(workloads.cpu_bound, N),
        "asyncio.to_thread": aio.blocking(workloads.cpu_bound, N, way="to_thread"),
        "пул процессов\n(run_in_executor)": aio.blocking(
            workloads.cpu_bound, N, way="executor", executor=pool
        ),
    }
    runs = {label: aio.run(work, period=PERIOD) for label, work in ways.items()}

print(f"\n{'способ':<34} {'работа':>9} {'ударов':>7} {'медиана':>9} {'худший':>9}")
medians, beats = {}, {}
for label, run in runs.items():
    late = sorted(b.late for b in run.during())
    median = late[len(late) // 2] if late else 0.0
    medians[label.split("\n")[0]], beats[label.split("\n")[0]] = median, len(late)
    print(
        f"{label.replace(chr(10), ' '):<34} {measure.format_seconds(run.elapsed):>9} "
        f"{len(late):>7} {measure.format_seconds(median):>9} "
        f"{measure.format_seconds(run.worst):>9}"
    )

direct = runs["прямо в корутине"]
switch = sys.getswitchinterval()
claims.check(
    "пока вычисление идёт прямо в корутине, цикл стоит: удар пульса опаздывает "
    "почти на всю работу",
    confirmed=direct.worst >= 0.5 * direct.elapsed,
    evidence=(
        f"худшее опоздание {measure.format_seconds(direct.worst)} при работе "
        f"{measure.format_seconds(direct.elapsed)}"
    ),
)
if machine.gil_enabled():
    claims.check(
        "to-thread-beats-late",
        "с asyncio.to_thread пульс бьётся, но удары опаздывают примерно на "
        "интервал переключения GIL",
        confirmed=beats["asyncio.to_thread"] > 2
        and medians["asyncio.to_thread"] >= 0.5 * switch,
        evidence=(
            f"ударов {beats['asyncio.to_thread']}, медиана опоздания "
            f"{measure.format_seconds(medians['asyncio.to_thread'])} при интервале "
            f"{measure.format_seconds(switch)}"
        ),
        reason_if_not=(
            "поток-вычислитель сам ждал ядро, и GIL был свободен; " + cpu.machine_load()
        ),
    )
claims.check(
    "process-pool-beats-on-time",
    "с пулом процессов опоздания мелкие — меньше интервала переключения, как у "
    "свободного цикла",
    confirmed=medians["пул процессов"] < 0.5 * switch,
    evidence=(
        f"медиана {measure.format_seconds(medians['пул процессов'])}; у свободного "
        f"цикла {measure.format_seconds(medians['цикл свободен'])}"
    ),
    reason_if_not=(
        "свободного ядра не было: процесс пула делил его с циклом; "
        + cpu.machine_load()
    ),
)

# %%
# Столбец «ударов» — сколько раз пульс вообще успел проснуться, пока шла работа;
# медиана и худший — насколько эти удары опоздали.
#
# Пульс во времени
# ----------------
#
# Каждая точка — один удар пульса: по горизонтали — когда он пришёл (от начала
# работы), по вертикали — на сколько опоздал, в миллисекундах (логарифмическая
# шкала). Серая полоса — время, пока шла работа; точечная линия — интервал
# переключения GIL.

FLOOR = 1e-5  # с: опоздания меньше 10 мкс рисуются на нижней границе

fig, axes = plots.figure(len(runs), 1, height=6.5)
right = max(r.work_end - r.work_start for r in runs.values()) + 0.03
top = max(r.worst for r in runs.values()) * 1e3 * 3
for ax, (label, run), color in zip(axes, runs.items(), plots.PALETTE, strict=False):
    t = [b.at - run.work_start for b in run.beats]
    late = [max(b.late, FLOOR) * 1e3 for b in run.beats]
    # a faint fill, and its edges as lines: a wide grey area would wash out the marks
    ax.axvspan(0, run.elapsed, color="#999999", alpha=0.08, linewidth=0)
    for edge in (0, run.elapsed):
        ax.axvline(edge, color=plots.REFERENCE, linewidth=0.8)
    ax.plot(t, late, "o", markersize=3, color=color)
    ax.axhline(
        sys.getswitchinterval() * 1e3, color=plots.REFERENCE, linestyle=":", lw=1
    )
    ax.set_yscale("log")
    ax.set_ylim(FLOOR * 1e3 / 2, top)
    ax.yaxis.set_major_locator(ticker.LogLocator(base=10, numticks=4))
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda y, _: f"{y:g}"))
    ax.set_xlim(-0.03, right)
    ax.set_ylabel(label, fontsize=8, rotation=0, ha="right", va="center")
    ax.grid(axis="x", visible=False)
    if ax is not axes[-1]:
        ax.tick_params(labelbottom=False)
axes[-1].set_xlabel("время от начала работы, с")
axes[0].set_title("Опоздание каждого удара пульса, мс")
plots.stamp(fig)
plt.show()

# %%
# Что видно по строкам:
#
# * **Цикл свободен.** Удары идут всё время с опозданием порядка долей
#   миллисекунды — это точность таймера цикла и планировщика ОС. Это уровень,
#   с которым сравниваются остальные строки.
# * **Прямо в корутине.** Внутри серой полосы между двумя вертикальными
#   линиями нет ни одной точки: пока ``cpu_bound`` считает, цикл не может
#   разбудить пульс вообще. Первая точка после полосы — удар, назначенный на
#   самое начало работы; он опоздал почти на всю её длину. Так же опоздал бы
#   любой запрос к серверу, пришедший в это время.
# * **asyncio.to_thread.** Пульс снова бьётся, но удары опаздывают на интервал
#   переключения GIL (точечная линия) или около того; на загруженной машине — и
#   больше. Работа идёт в другом потоке, но это байт-код Python, и её поток
#   держит GIL. Циклу, чтобы проснуться, нужен GIL; он его просит и получает,
#   только когда рабочий поток отдаст его по истечении интервала. Поток
#   освобождает цикл от ожидания, но не от вычислений.
# * **Пул процессов.** Работа идёт в другом процессе со своим GIL. Если у машины
#   есть свободное ядро, пульс выглядит почти как у свободного цикла. Если все
#   ядра заняты (другими программами или другими процессами пула), редкие
#   опоздания появятся и здесь, но их причина уже не GIL, а планировщик ОС,
#   который делит ядра. Цена этого способа — передача аргументов и результата
#   через :mod:`pickle` и заранее запущенный процесс.
#
# Распределение опозданий
# -----------------------
#
# Те же удары, только те, что пришлись на время работы, — одной полосой на
# способ. Чёрная черта — медиана.

fig, ax = plots.figure(height=3.6)
samples = {
    label.replace("\n", " "): [max(b.late, FLOOR) * 1e3 for b in run.during()]
    or [FLOOR * 1e3]
    for label, run in runs.items()
}
plots.distributions(ax, samples, log=True, unit="мс")
ax.set_xlabel("опоздание удара пульса, мс (чёрная черта — медиана)")
ax.set_title("Насколько опаздывает событийный цикл, пока идёт работа")
plots.stamp(fig)
plt.show()

# %%
# Полосы складываются в лестницу: у свободного цикла и у пула процессов
# опоздания мелкие, у ``to_thread`` — около интервала переключения, у работы
# прямо в корутине — одна точка размером со всю работу. Медианы и худшие значения
# напечатаны в таблице выше.
#
# Отсюда правило: в корутине нельзя ни ждать без ``await`` (``time.sleep``,
# синхронный сетевой клиент, чтение большого файла), ни долго считать. Ожидание
# уносят в поток (:func:`asyncio.to_thread`), вычисления — в процесс
# (``loop.run_in_executor`` с :class:`~concurrent.futures.ProcessPoolExecutor`).
# Поток подходит и для вычислений, если они идут в коде на C, который отпускает
# GIL (``hashlib``, ``zlib``, NumPy), — тогда пульс должен быть почти как у
# свободного цикла. На free-threaded сборке Python GIL нет, и строка
# ``to_thread`` там должна выглядеть так же, пока свободных ядер хватает.
