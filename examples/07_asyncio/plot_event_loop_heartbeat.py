"""
Заблокированный событийный цикл — зависшая программа
====================================================

Событийный цикл asyncio выполняет корутины по очереди в **одном** потоке. Корутина
отдаёт управление циклу только на ``await``; пока она считает или ждёт что-то
без ``await``, цикл стоит: не принимает соединения, не отвечает на запросы, не
двигает таймеры. Программа на asyncio в это время зависла целиком.

Здесь это измерено «пульсом»: рядом с работой на том же цикле идёт корутина,
которая просит будить её каждые ``PERIOD`` секунд и записывает, насколько позже
назначенного проснулась. Так же опоздал бы любой другой клиент цикла: запрос,
таймер, обработчик сигнала. Работа — ожидание или вычисление, прямо в корутине,
в потоке или в процессе; для сравнения — свободный цикл.
"""

# %%
# Пульс
# -----
#
# Ниже — весь код пульса. ``heartbeat`` просыпается каждые ``PERIOD`` секунд и
# записывает, когда удар пришёл и на сколько опоздал. ``listen`` ждёт работу под
# пульс, который идёт и ``MARGIN`` до и после неё: в записи есть и свободный цикл,
# и удар, выданный только после работы. ``during`` отбирает удары, чьё ожидание
# пришлось на работу.

# sphinx_gallery_tags = ["потоки", "процессы", "asyncio"]
import asyncio
import contextlib
import hashlib
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import matplotlib.pyplot as plt
from matplotlib import ticker

from potok import claims, cpu, machine, measure, plots, start_methods, workloads

PERIOD = 0.002  # с, пульс просит будить его каждые 2 мс
MARGIN = 0.02  # с пульса до и после работы
N = measure.scale(3_000_000, 500_000)  # итераций вычисления


async def heartbeat(beats):
    due = time.perf_counter() + PERIOD
    while True:
        await asyncio.sleep(PERIOD)
        now = time.perf_counter()
        beats.append((now, max(0.0, now - due)))  # (когда пришёл, опоздание)
        due = now + PERIOD


async def listen(work):
    """Длина работы и удары пульса: (когда пришёл от начала работы, опоздание)."""
    beats = []
    pulse = asyncio.create_task(heartbeat(beats))
    await asyncio.sleep(MARGIN)
    start = time.perf_counter()
    await work()
    elapsed = time.perf_counter() - start
    await asyncio.sleep(MARGIN)
    pulse.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await pulse
    return elapsed, [(at - start, late) for at, late in beats]


def during(elapsed, beats):
    return [late for at, late in beats if at - late <= elapsed and at >= 0]


# %%
# Три способа вызвать блокирующую функцию из корутины
# ---------------------------------------------------
#
# Прямо в корутине (так нельзя: это точка отсчёта), в потоке через
# ``asyncio.to_thread`` и в процессе через ``loop.run_in_executor``. Работа —
# **ожидание** (``time.sleep``, как у синхронного сетевого клиента) или
# **вычисление**: ``workloads.cpu_bound`` — чистый Python, держит GIL;
# ``hash_in_c`` — код на C, который GIL отпускает (:mod:`hashlib` отпускает его на
# данных длиннее 2047 байт). Пул процессов запущен заранее, пока в программе нет
# других потоков (fork копирует память, но не потоки); его запуск в замер не входит.


async def in_coroutine(fn, arg):
    fn(arg)  # поток цикла занят, цикл стоит


async def in_thread(fn, arg):
    await asyncio.to_thread(fn, arg)


async def in_process(fn, arg):
    await asyncio.get_running_loop().run_in_executor(pool, fn, arg)


def hash_in_c(seconds):
    digest, chunk, end = hashlib.sha256(), bytes(2**20), time.perf_counter() + seconds
    while time.perf_counter() < end:
        digest.update(chunk)  # 1 МиБ — без GIL


print(machine.stamp())
switch = sys.getswitchinterval()
print(f"интервал переключения GIL: {switch * 1e3:g} мс")

with ProcessPoolExecutor(max_workers=1, mp_context=start_methods.mp_context()) as pool:
    pool.submit(workloads.worker_pid).result()  # процесс запущен и готов
    # сколько длится вычисление прямо в корутине — столько же длится и всё прочее
    WORK, _ = asyncio.run(listen(lambda: in_coroutine(workloads.cpu_bound, N)))
    ways = {
        "цикл свободен\n(asyncio.sleep)": lambda: asyncio.sleep(WORK),
        "ожидание\nпрямо в корутине": lambda: in_coroutine(time.sleep, WORK),
        "ожидание\nв to_thread": lambda: in_thread(time.sleep, WORK),
        "вычисление\nпрямо в корутине": lambda: in_coroutine(workloads.cpu_bound, N),
        "вычисление\nв to_thread": lambda: in_thread(workloads.cpu_bound, N),
        "вычисление на C\nв to_thread": lambda: in_thread(hash_in_c, WORK),
        "вычисление\nв пуле процессов": lambda: in_process(workloads.cpu_bound, N),
    }
    runs = {label: asyncio.run(listen(way)) for label, way in ways.items()}

print(f"\n{'способ':<30} {'работа':>9} {'ударов':>7} {'медиана':>9} {'худший':>9}")
late = {label.replace("\n", " "): during(*run) for label, run in runs.items()}
median = {key: statistics.median(v or [0.0]) for key, v in late.items()}
worst = {key: max(v, default=0.0) for key, v in late.items()}
for (key, v), (elapsed, _) in zip(late.items(), runs.values(), strict=True):
    print(f"{key:<30} {measure.format_seconds(elapsed):>9} {len(v):>7} "
          f"{measure.format_seconds(median[key]):>9} "
          f"{measure.format_seconds(worst[key]):>9}")  # fmt: skip
idle, wait_direct, wait, compute_direct, thread, in_c, process = late  # строки ways
took = {key: run[0] for key, run in zip(late, runs.values(), strict=True)}
stalls = {k: worst[k] / took[k] for k in (wait_direct, compute_direct)}  # доля работы
claims.check(
    "blocking-in-coroutine-stalls-loop",
    "прямо в корутине цикл стоит всю работу — и при ожидании, и при вычислении; "
    "ожидание в потоке задерживает его на порядки меньше",
    confirmed=min(stalls.values()) >= 0.5 and median[wait] < 0.1 * worst[wait_direct],
    evidence="худшее опоздание прямо в корутине: "
    + ", ".join(f"{k} — {s:.0%} времени работы" for k, s in stalls.items())
    + f"; медиана при ожидании в потоке {measure.format_seconds(median[wait])}",
    numbers=dict(
        direct_wait_stall=stalls[wait_direct],
        direct_compute_stall=stalls[compute_direct],
        thread_wait_median=median[wait],
    ),
    reason_if_not="машина была занята: " + cpu.machine_load(),
)
if machine.gil_enabled():
    claims.check(
        "to-thread-beats-late",
        "с asyncio.to_thread пульс при вычислении бьётся, но удары опаздывают "
        "примерно на интервал переключения GIL",
        confirmed=len(late[thread]) > 2 and median[thread] >= 0.5 * switch,
        evidence=f"ударов {len(late[thread])}, медиана опоздания "
        f"{measure.format_seconds(median[thread])} при интервале "
        f"{measure.format_seconds(switch)}",
        numbers=dict(beats=len(late[thread]), median=median[thread], switch=switch),
        reason_if_not="поток-вычислитель сам ждал процессор, и GIL был свободен; "
        + cpu.machine_load(),
    )
claims.check(
    "c-code-in-thread-beats-on-time",
    "код на C, который отпускает GIL, в to_thread цикл не задерживает",
    confirmed=median[in_c] < 0.5 * switch,
    evidence=f"медиана опоздания {measure.format_seconds(median[in_c])}, интервал "
    f"переключения {measure.format_seconds(switch)}",
    numbers=dict(median=median[in_c], switch=switch),
    reason_if_not="свободного CPU не было: " + cpu.machine_load(),
)
claims.check(
    "process-pool-beats-on-time",
    "с пулом процессов опоздания мелкие — меньше интервала переключения, как у "
    "свободного цикла",
    confirmed=median[process] < 0.5 * switch,
    evidence=f"медиана {measure.format_seconds(median[process])}; у свободного "
    f"цикла {measure.format_seconds(median[idle])}",
    numbers=dict(median=median[process], idle_median=median[idle], switch=switch),
    reason_if_not="свободного CPU не было: процесс пула делил его с циклом; "
    + cpu.machine_load(),
)

# %%
# Пульс во времени
# ----------------
#
# Точка — удар пульса: когда он пришёл (от начала работы) и на сколько опоздал, в
# миллисекундах (логарифмическая шкала). Серая полоса — время работы, чёрная черта
# — медиана опозданий за это время (где ударов больше двух), точечная линия —
# интервал переключения GIL.

FLOOR = 1e-5  # с: опоздания меньше 10 мкс рисуются на нижней границе

fig, axes = plots.figure(len(runs), 1, height=9)
top = max(worst.values()) * 1e3 * 3
colors = [*plots.PALETTE[:6], plots.REFERENCE]  # седьмой, жёлтый, плохо виден
for ax, (label, (elapsed, beats)), key, color in zip(
    axes, runs.items(), late, colors, strict=True
):
    ax.axvspan(0, elapsed, color="#999999", alpha=0.08, linewidth=0)  # бледная
    ax.vlines([0, elapsed], 0, 1, transform=ax.get_xaxis_transform(), lw=0.8,
              color=plots.REFERENCE)  # fmt: skip
    ax.plot([at for at, _ in beats], [max(x, FLOOR) * 1e3 for _, x in beats], "o",
            markersize=3, color=color)  # fmt: skip
    if len(late[key]) > 2:  # медиана опозданий, пока шла работа
        ax.plot([0, elapsed], [max(median[key], FLOOR) * 1e3] * 2, c="black", lw=1.5)
    ax.axhline(switch * 1e3, color=plots.REFERENCE, linestyle=":", lw=1)
    ax.set_yscale("log")
    ax.set_ylim(FLOOR * 1e3 / 2, top)
    ax.yaxis.set_major_locator(ticker.LogLocator(base=10, numticks=4))
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda y, _: f"{y:g}"))
    ax.set_xlim(-MARGIN, max(e for e, _ in runs.values()) + MARGIN)
    ax.set_ylabel(label, fontsize=8, rotation=0, ha="right", va="center")
    ax.grid(axis="x", visible=False)
    ax.tick_params(labelbottom=ax is axes[-1])
axes[-1].set_xlabel("время от начала работы, с")
axes[0].set_title("Опоздание каждого удара пульса, мс")
plots.stamp(fig)
plt.show()

# %%
# Что видно по строкам (медианы и худшие опоздания напечатаны в таблице выше):
#
# * **Цикл свободен.** Опоздания — точность таймера цикла и планировщика ОС.
# * **Прямо в корутине** — и ожидание, и вычисление. Внутри серой полосы нет ни
#   одной точки: цикл не может разбудить пульс вообще, и первый удар после полосы
#   опоздал почти на всю её длину. Для цикла нет разницы, чем занят его поток:
#   ``time.sleep`` блокирует его так же, как цикл ``for``.
# * **Ожидание и вычисление на C в to_thread.** Пульс почти как у свободного
#   цикла: ни ждущий поток, ни код на C, отпустивший GIL, цикл не держат.
# * **Вычисление в to_thread.** Пульс бьётся, но удары опаздывают на интервал
#   переключения GIL (точечная линия) или около того: это байт-код Python, и поток
#   держит GIL. Циклу, чтобы проснуться, нужен GIL, и он получает его, только когда
#   рабочий поток отдаст GIL по истечении интервала.
# * **Вычисление в пуле процессов.** Работа идёт в другом процессе со своим GIL,
#   и пульс почти как у свободного цикла. Цена — передача аргументов и результата
#   через :mod:`pickle` и заранее запущенный процесс. Код на C и процесс занимают
#   процессор: если свободного у машины нет, редкие опоздания появятся и у них, но
#   из-за планировщика ОС, а не GIL.
#
# Отсюда правило: в корутине нельзя ни ждать без ``await`` (``time.sleep``,
# синхронный сетевой клиент, чтение большого файла), ни долго считать. Ожидание и
# код на C, который отпускает GIL (:mod:`hashlib`; многие операции NumPy, по `её
# документации <https://numpy.org/doc/stable/reference/thread_safety.html>`_),
# уносят в поток (:func:`asyncio.to_thread`), вычисления на Python — в процесс
# (``loop.run_in_executor`` с :class:`~concurrent.futures.ProcessPoolExecutor`).
# На free-threaded сборке GIL нет, и опоздание на интервал переключения там не
# проверяется: запустите пример на ``python3.14t`` и посмотрите сами.
