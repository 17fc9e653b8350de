"""
asyncio и блокирующий код: пул потоков, пул процессов, to_thread
================================================================

Блокирующую функцию можно вызвать из корутины четырьмя способами, не останавливая
событийный цикл (листинг из конспекта — в примере
:ref:`sphx_glr_auto_examples_07_asyncio_plot_run_in_executor.py`):

1. пул потоков цикла по умолчанию — ``loop.run_in_executor(None, fn)``;
2. свой пул потоков — ``loop.run_in_executor(ThreadPoolExecutor(), fn)``;
3. свой пул процессов — ``loop.run_in_executor(ProcessPoolExecutor(), fn)``;
4. :func:`asyncio.to_thread` — тот же пул по умолчанию, только короче.

Здесь они сравниваются на двух видах работы — ожидании и вычислениях: сколько
длится пачка вызовов. Что в это время происходит с самим событийным циклом, — в
примере :ref:`sphx_glr_auto_examples_07_asyncio_plot_event_loop_heartbeat.py`.
"""

# %%
# Пачка вызовов
# -------------
#
# ``BATCH`` одинаковых вызовов отправляются разом (``asyncio.gather``). Ниже — весь
# код пачки: пять способов, из них прямо в корутине — точка отсчёта (так делать
# нельзя: цикл стоит всю пачку), три способа из конспекта и ``to_thread``. Свой пул
# потоков — на ``BATCH`` потоков, пул процессов — на число логических процессоров.
# Две работы:
#
# * **ожидание** — ``potok.workloads.io_bound``, как сетевой запрос: поток
#   спит и GIL не держит;
# * **вычисление** — ``potok.workloads.cpu_bound``, чистый Python: держит GIL
#   всё время.
#
# Способы и работы замеряются по очереди, круг за кругом
# (``measure.interleaved``): если машину в какой-то момент займут, это ляжет на
# все способы, а не на один. Пул процессов создаётся первым, пока в программе нет
# других потоков, и прогревается до замеров.

# sphinx_gallery_tags = ["потоки", "процессы", "asyncio", "от двух CPU"]
import asyncio
import concurrent.futures
import time

import matplotlib.pyplot as plt

from potok import claims, cpu, machine, measure, plots, start_methods, workloads

WAIT = measure.scale(0.03, 0.01)  # с, одно «ожидание ответа»
N = measure.scale(200_000, 50_000)  # итераций в одном вычислении
CPUS = machine.usable_cpus()

BATCH = 8
REPEATS = measure.scale(3, 1)
DEFAULT_WORKERS = min(32, CPUS + 4)  # размер пула asyncio по умолчанию
print(machine.stamp())
print(f"вызовов в пачке: {BATCH}; логических процессоров у процесса: {CPUS}")
print(f"потоков в пуле цикла по умолчанию: min(32, CPU + 4) = {DEFAULT_WORKERS}")

WORKS = {"ожидание": (workloads.io_bound, WAIT), "вычисление": (workloads.cpu_bound, N)}
WAYS = ["прямо в корутине", "run_in_executor(None, …)", "свой пул потоков",
        "asyncio.to_thread", "пул процессов"]  # fmt: skip


async def batch(way, fn, arg):
    if way == "прямо в корутине":
        return [fn(arg) for _ in range(BATCH)]  # цикл стоит всю пачку
    if way == "asyncio.to_thread":
        calls = [asyncio.to_thread(fn, arg) for _ in range(BATCH)]
    else:
        pool = {"свой пул потоков": thread_pool, "пул процессов": process_pool}
        executor = pool.get(way)  # None — пул потоков цикла по умолчанию
        loop = asyncio.get_running_loop()
        calls = [loop.run_in_executor(executor, fn, arg) for _ in range(BATCH)]
    return await asyncio.gather(*calls)


with (
    concurrent.futures.ProcessPoolExecutor(
        max_workers=CPUS, mp_context=start_methods.mp_context()
    ) as process_pool,
    concurrent.futures.ThreadPoolExecutor(max_workers=BATCH) as thread_pool,
):
    # Прогрев: все процессы пула запущены до замеров.
    list(process_pool.map(workloads.worker_pid, range(4 * CPUS)))
    runs = {
        (work, way): lambda way=way, fn=fn, arg=arg: asyncio.run(batch(way, fn, arg))
        for work, (fn, arg) in WORKS.items()
        for way in WAYS
    }
    timings = measure.interleaved(runs, repeats=REPEATS, warmup=0)

for (work, way), timing in timings.items():
    print(f"{work:<11} {way:<25} {timing}")

# %%
# Время пачки
# -----------
#
# Для каждой работы — время пачки при каждом способе, медиана и разброс по
# повторам. Пунктир — время, которое пачке нужно при идеальном распараллеливании:
# для ожидания — одно ожидание (все ждут одновременно), для вычисления — работа
# подряд, делённая на число логических процессоров.


median = {key: timing.median for key, timing in timings.items()}
seq_io, own_threads_io = median["ожидание", WAYS[0]], median["ожидание", WAYS[2]]
claims.check(
    "threads-overlap-waits",
    f"прямо в корутине {BATCH} ожиданий идут одно за другим, а свой пул на "
    f"{BATCH} потоков укладывает их почти в одно ожидание",
    confirmed=seq_io >= 0.9 * BATCH * WAIT and own_threads_io < 2.5 * WAIT,
    evidence=(
        f"прямо в корутине {measure.format_seconds(seq_io)}, свой пул потоков "
        f"{measure.format_seconds(own_threads_io)}; одно ожидание "
        f"{measure.format_seconds(WAIT)}"
    ),
    numbers={"in_coroutine": seq_io, "own_threads": own_threads_io, "wait": WAIT},
    reason_if_not="потоки просыпались с опозданием: " + cpu.machine_load(),
)
seq_cpu, threads_cpu, processes_cpu = (
    median["вычисление", way] for way in (WAYS[0], WAYS[2], WAYS[4])
)
if machine.gil_enabled():
    claims.check(
        "threads-no-faster-with-gil",
        "на сборке с GIL вычисление в потоках не быстрее, чем подряд в корутине",
        confirmed=threads_cpu >= 0.8 * seq_cpu,
        evidence=(
            f"подряд {measure.format_seconds(seq_cpu)}, свой пул потоков "
            f"{measure.format_seconds(threads_cpu)}"
        ),
        numbers={"in_coroutine": seq_cpu, "own_threads": threads_cpu},
        reason_if_not="проход подряд попал на занятую машину: " + cpu.machine_load(),
    )
if CPUS >= 2:
    claims.check(
        "only-process-pool-speeds-compute",
        "вычисление ускоряет только пул процессов",
        confirmed=processes_cpu < seq_cpu / 1.3,
        evidence=(
            f"подряд {measure.format_seconds(seq_cpu)}, пул процессов "
            f"{measure.format_seconds(processes_cpu)}"
        ),
        numbers={"in_coroutine": seq_cpu, "process_pool": processes_cpu, "cpus": CPUS},
        reason_if_not=(
            "машина была занята: процессам пула не досталось свободных CPU; "
            + cpu.machine_load()
        ),
    )

ideal = {"ожидание": WAIT, "вычисление": seq_cpu / CPUS}
fig, axes = plots.figure(1, 2, width=9, height=4.5)
x = range(len(WAYS))
for ax, work in zip(axes, WORKS, strict=True):
    plots.medians(ax, x, [timings[work, way] for way in WAYS], per=1e-3, ls="none")
    ax.axhline(ideal[work] * 1e3, color=plots.REFERENCE, linestyle="--", lw=1)
    ax.set_xticks(x, WAYS, fontsize=8, rotation=25, ha="right")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("время пачки, мс")
    ax.set_title(f"{work}: {BATCH} вызовов")
    ax.grid(axis="x", visible=False)
fig.suptitle("Сколько длится пачка блокирующих вызовов (пунктир — идеал)")
plots.stamp(fig)
plt.show()

# %%
# **Ожидание.** Прямо в корутине вызовы идут один за другим, и пачка длится
# ``BATCH`` ожиданий. Потоки ждут одновременно: свой пул на ``BATCH`` потоков
# укладывается почти в одно ожидание. Пул по умолчанию и ``to_thread`` — это один
# и тот же пул, и потоков в нём ``min(32, CPU + 4)`` (напечатано выше); если это
# меньше, чем ``BATCH`` (при двух логических процессорах — шесть потоков на восемь
# вызовов), вызовы идут в несколько заходов, и пачка длится кратно дольше одного
# ожидания.
# Пул процессов тоже ждёт параллельно, но процессов в нём столько, сколько
# логических процессоров, и ``BATCH`` вызовов идут в ``BATCH / CPU`` заходов.
#
# **Вычисление.** На сборке с GIL потоки не ускоряют чистый Python (это проверяет
# вердикт выше; если он другой, проход подряд попал на более занятую машину): их
# точки на уровне работы подряд, а то и выше — потоки ещё и передают GIL друг другу
# и циклу. Ускоряет только пул процессов — до числа логических процессоров, если
# они свободны (на общей машине, где процессоры заняты чужой работой, не ускорит и
# он).
#
# Время пачки — не всё. Пока пачка идёт прямо в корутине, событийный цикл стоит;
# пока потоки вычисляют, цикл ждёт GIL. Насколько он в это время опаздывает,
# измерено «пульсом» в примере
# :ref:`sphx_glr_auto_examples_07_asyncio_plot_event_loop_heartbeat.py`.
#
# Сколько стоит сам вынос
# -----------------------
#
# Вынос в поток тоже стоит времени: вызов нужно положить в очередь пула, разбудить
# поток и вернуть результат в цикл. Насколько, — видно на вызове, который почти
# ничего не делает: ``CALLS`` раз подряд ``tiny()`` прямо в корутине и через
# ``asyncio.to_thread``.

CALLS = measure.scale(2000, 200)


def tiny():
    return time.monotonic()


async def per_call(offload):
    await asyncio.to_thread(tiny)  # пул потоков цикла запущен до замера
    start = time.perf_counter()
    for _ in range(CALLS):
        if offload:
            await asyncio.to_thread(tiny)
        else:
            tiny()
    return (time.perf_counter() - start) / CALLS


cost = {"прямо в корутине": [], "asyncio.to_thread": []}
for _ in range(measure.scale(5, 3)):  # по очереди, круг за кругом
    for way, samples in cost.items():
        samples.append(asyncio.run(per_call(way == "asyncio.to_thread")))
cost = {way: measure.Timing(tuple(samples)) for way, samples in cost.items()}
for way, timing in cost.items():
    print(f"tiny() {way}: {timing} на вызов")
direct, offloaded = (t.median for t in cost.values())
claims.check(
    "offload-costs-more-than-short-call",
    "вынести короткий вызов в поток дороже, чем выполнить его прямо в корутине",
    confirmed=offloaded > 10 * direct,
    evidence=f"через to_thread {measure.format_seconds(offloaded)} на вызов, прямо "
    f"в корутине {measure.format_seconds(direct)}",
    numbers={"to_thread": offloaded, "direct": direct},
    reason_if_not="машина была занята, и короткий замер прямых вызовов исказился",
)

# %%
# Вызов через ``to_thread`` стоит столько, сколько напечатано выше, даже когда
# сама функция ничего не делает. Работа короче этого выгоднее прямо в корутине:
# вынос обошёлся бы дороже её самой.
#
# Итог для выбора способа:
#
# * блокирующее ожидание (синхронный клиент, файл) — :func:`asyncio.to_thread`
#   или свой :class:`~concurrent.futures.ThreadPoolExecutor`, если одновременных
#   вызовов больше, чем потоков в пуле по умолчанию;
# * вычисления на Python — :class:`~concurrent.futures.ProcessPoolExecutor` через
#   ``loop.run_in_executor``; пул создают один раз, заранее;
# * прямо в корутине — только работа короче самого выноса (его цена напечатана
#   выше): пока она идёт, стоит весь цикл.
