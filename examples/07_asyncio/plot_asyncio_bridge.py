"""
asyncio и блокирующий код: пул потоков, пул процессов, to_thread
================================================================

Последний листинг конспекта взят из документации asyncio (раздел о
:meth:`asyncio.loop.run_in_executor`): как вызвать из корутины блокирующую
функцию и не остановить событийный цикл. В конспекте три способа:

1. пул потоков цикла по умолчанию — ``loop.run_in_executor(None, fn)``;
2. свой пул потоков — ``loop.run_in_executor(ThreadPoolExecutor(), fn)``;
3. свой пул процессов — ``loop.run_in_executor(ProcessPoolExecutor(), fn)``.

Четвёртый способ появился в Python 3.9 — :func:`asyncio.to_thread`. Это тот же
пул по умолчанию, только короче, и вызванная функция видит контекстные
переменные (:mod:`contextvars`) вызывающей корутины.

Здесь этот листинг запускается, а потом все способы сравниваются на двух видах
работы — ожидании и вычислениях — по двум мерам: сколько длится пачка вызовов и
насколько в это время опаздывает событийный цикл. Подробный разбор того, как
выглядит «замёрзший» цикл удар за ударом, — в примере
:ref:`sphx_glr_auto_examples_07_asyncio_plot_event_loop_heartbeat.py`.
"""

# %%
# Листинг из конспекта
# --------------------
#
# Три отличия от конспекта:
#
# * ``cpu_bound`` для пула процессов взят из ``potok.workloads``. Функцию,
#   определённую в запущенном скрипте, дочерний процесс при методах spawn и
#   forkserver может не найти (в галерее — не найдёт точно);
# * пул процессов создаётся **первым**, пока в программе нет других потоков.
#   В конспекте он создаётся после того, как пул потоков уже запущен; с методом
#   fork это риск взаимной блокировки в дочернем процессе (Python 3.12+
#   предупреждает об этом ``DeprecationWarning``);
# * ``blocking_io`` в конспекте читает 100 байт из ``/dev/urandom`` — это
#   микросекунды, и такого файла нет в Windows. Здесь вместо него
#   ``potok.workloads.io_bound``: ожидание заданной длины, как у сетевого
#   запроса.

import asyncio
import concurrent.futures
import sys

import matplotlib.pyplot as plt
from matplotlib import ticker

from potok import aio, claims, cpu, machine, measure, plots, start_methods, workloads

WAIT = measure.scale(0.03, 0.01)  # с, одно «ожидание ответа»
N = measure.scale(200_000, 50_000)  # итераций в одном вычислении
CPUS = machine.usable_cpus()

print(machine.stamp())


async def main(process_pool):
    loop = asyncio.get_running_loop()

    # 1. Пул потоков цикла по умолчанию:
    result = await loop.run_in_executor(None, workloads.io_bound, WAIT)
    print("пул потоков по умолчанию:", result)

    # 2. Свой пул потоков:
    with concurrent.futures.ThreadPoolExecutor() as pool:
        result = await loop.run_in_executor(pool, workloads.io_bound, WAIT)
        print("свой пул потоков:", result)

    # 3. Свой пул процессов (создан заранее, см. ниже):
    result = await loop.run_in_executor(process_pool, workloads.cpu_bound, N)
    print("свой пул процессов:", result)

    # 4. asyncio.to_thread (Python 3.9+):
    result = await asyncio.to_thread(workloads.io_bound, WAIT)
    print("asyncio.to_thread:", result)


with concurrent.futures.ProcessPoolExecutor(
    max_workers=CPUS, mp_context=start_methods.mp_context()
) as process_pool:
    asyncio.run(main(process_pool))

# %%
# Все четыре способа вернули результат, и цикл при этом не стоял. Разница между
# ними — в том, где выполняется функция и сколько таких вызовов идут
# одновременно. Это и измерим.
#
# Пачка вызовов: сколько длится и что с циклом
# --------------------------------------------
#
# ``BATCH`` одинаковых вызовов отправляются разом (``asyncio.gather``), а рядом на
# том же цикле бьётся пульс (``potok.aio.heartbeat``): каждые 2 мс он
# просит разбудить его и записывает опоздание. Две работы:
#
# * **ожидание** — ``potok.workloads.io_bound``, как сетевой запрос: поток
#   спит и GIL не держит;
# * **вычисление** — ``potok.workloads.cpu_bound``, чистый Python: держит GIL
#   всё время.
#
# И пять способов: вызвать прямо в корутине (так делать нельзя, это точка
# отсчёта), три способа из конспекта и ``to_thread``. Свой пул потоков —
# на ``BATCH`` потоков, пул процессов — на число логических процессоров. Каждая пачка
# повторяется несколько раз.

BATCH = 8
REPEATS = measure.scale(3, 1)
DEFAULT_WORKERS = min(32, CPUS + 4)  # размер пула asyncio по умолчанию
print(f"вызовов в пачке: {BATCH}; логических процессоров у процесса: {CPUS}")
print(f"потоков в пуле цикла по умолчанию: min(32, CPU + 4) = {DEFAULT_WORKERS}")

WORKS = {
    "ожидание": (workloads.io_bound, WAIT),
    "вычисление": (workloads.cpu_bound, N),
}
WAY_LABELS = [
    "прямо в корутине",
    "run_in_executor(None, …)",
    "свой пул потоков",
    "asyncio.to_thread",
    "пул процессов",
]

with (
    concurrent.futures.ProcessPoolExecutor(
        max_workers=CPUS, mp_context=start_methods.mp_context()
    ) as process_pool,
    concurrent.futures.ThreadPoolExecutor(max_workers=BATCH) as thread_pool,
):
    # Прогрев: все процессы пула запущены до замеров.
    list(process_pool.map(workloads.worker_pid, range(4 * CPUS)))
    results = {}
    for work, (fn, arg) in WORKS.items():
        ways = {
            WAY_LABELS[0]: aio.blocking(fn, arg, copies=BATCH),
            WAY_LABELS[1]: aio.blocking(fn, arg, way="executor", copies=BATCH),
            WAY_LABELS[2]: aio.blocking(
                fn, arg, way="executor", executor=thread_pool, copies=BATCH
            ),
            WAY_LABELS[3]: aio.blocking(fn, arg, way="to_thread", copies=BATCH),
            WAY_LABELS[4]: aio.blocking(
                fn, arg, way="executor", executor=process_pool, copies=BATCH
            ),
        }
        for _ in range(REPEATS):  # способы по очереди, круг за кругом
            for way, job in ways.items():
                results.setdefault((work, way), []).append(aio.run(job))


def lateness(runs):
    """Опоздания всех ударов пульса, пришедшихся на работу, по всем повторам."""
    return sorted(b.late for r in runs for b in r.during()) or [0.0]


print(f"\n{'работа':<11} {'способ':<25} {'время пачки':>10} {'опоздание пульса':>30}")
print(f"{'':<11} {'':<25} {'(медиана)':>10} {'(медиана / худшее)':>30}")
for (work, way), runs in results.items():
    timing = measure.Timing(tuple(r.elapsed for r in runs))
    late = lateness(runs)
    print(
        f"{work:<11} {way:<25} {measure.format_seconds(timing.median):>10} "
        f"{measure.format_seconds(late[len(late) // 2]):>18} / "
        f"{measure.format_seconds(late[-1]):>9}"
    )
print(f"(повторов каждой пачки: {REPEATS})")

# %%
# Время пачки
# -----------
#
# Для каждой работы — время пачки при каждом способе, медиана и разброс по
# повторам. Пунктир — время, которое пачке нужно при идеальном распараллеливании:
# для ожидания — одно ожидание (все ждут одновременно), для вычисления — работа
# подряд, делённая на число логических процессоров.

sequential = {
    work: measure.Timing(tuple(r.elapsed for r in results[work, WAY_LABELS[0]]))
    for work in WORKS
}
ideal = {
    "ожидание": WAIT,
    "вычисление": sequential["вычисление"].median / CPUS,
}


def batch(work, way):
    return measure.Timing(tuple(r.elapsed for r in results[work, way])).median


direct_io, own_threads_io = (
    batch("ожидание", WAY_LABELS[0]),
    batch("ожидание", WAY_LABELS[2]),
)
claims.check(
    f"прямо в корутине {BATCH} ожиданий идут одно за другим, а свой пул на "
    f"{BATCH} потоков укладывает их почти в одно ожидание",
    confirmed=direct_io >= 0.9 * BATCH * WAIT and own_threads_io < 2.5 * WAIT,
    evidence=(
        f"прямо в корутине {measure.format_seconds(direct_io)}, свой пул потоков "
        f"{measure.format_seconds(own_threads_io)}; одно ожидание "
        f"{measure.format_seconds(WAIT)}"
    ),
    reason_if_not="потоки просыпались с опозданием: " + cpu.machine_load(),
)
seq_cpu = sequential["вычисление"].median
threads_cpu = batch("вычисление", WAY_LABELS[2])
processes_cpu = batch("вычисление", WAY_LABELS[4])
if machine.gil_enabled():
    claims.check(
        "на сборке с GIL вычисление в потоках не быстрее, чем подряд в корутине",
        confirmed=threads_cpu >= 0.8 * seq_cpu,
        evidence=(
            f"подряд {measure.format_seconds(seq_cpu)}, свой пул потоков "
            f"{measure.format_seconds(threads_cpu)}"
        ),
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
        reason_if_not=(
            "машина была занята: процессам пула не досталось свободных ядер; "
            + cpu.machine_load()
        ),
    )

fig, axes = plots.figure(1, 2, height=4.2)
y = list(range(len(WAY_LABELS)))
for ax, work in zip(axes, WORKS, strict=True):
    timings = [
        measure.Timing(tuple(r.elapsed for r in results[work, w])) for w in WAY_LABELS
    ]
    med = [t.median * 1e3 for t in timings]
    lo = [m - t.min * 1e3 for m, t in zip(med, timings, strict=True)]
    hi = [t.max * 1e3 - m for m, t in zip(med, timings, strict=True)]
    ax.barh(y, med, xerr=[lo, hi], color=plots.PALETTE[: len(y)], capsize=3)
    ax.axvline(ideal[work] * 1e3, color=plots.REFERENCE, linestyle="--", lw=1)
    ax.set_yticks(y, WAY_LABELS if ax is axes[0] else [""] * len(y))
    ax.invert_yaxis()
    ax.set_xlabel("время пачки, мс")
    ax.set_title(f"{work}: {BATCH} вызовов")
    ax.grid(axis="y", visible=False)
fig.suptitle("Сколько длится пачка блокирующих вызовов (пунктир — идеал)")
plots.stamp(fig)
plt.show()

# %%
# **Ожидание.** Прямо в корутине вызовы идут один за другим, и пачка длится
# ``BATCH`` ожиданий. Потоки ждут одновременно: свой пул на ``BATCH`` потоков
# укладывается почти в одно ожидание. Пул по умолчанию и ``to_thread`` — это один
# и тот же пул, и потоков в нём ``min(32, CPU + 4)`` (напечатано выше); если это
# меньше, чем ``BATCH`` (при двух логических процессорах — шесть потоков на восемь
# вызовов),
# вызовы идут в несколько заходов, и пачка длится кратно дольше одного ожидания.
# Пул процессов тоже ждёт параллельно, но процессов в нём столько, сколько
# логических процессоров, и ``BATCH`` вызовов идут в ``BATCH / CPU`` заходов.
#
# **Вычисление.** Потоки не ускоряют чистый Python: их столбцы на уровне работы
# подряд, а то и выше — потоки ещё и передают GIL друг другу и циклу. Ускоряет
# только пул процессов — до числа логических процессоров, если они свободны (на
# общей машине, где ядра заняты чужой работой, не ускорит и он).
#
# Отзывчивость цикла
# ------------------
#
# Теперь те же пачки, но по другой мере: на сколько опаздывали удары пульса, пока
# шла пачка. Столбец — медиана опозданий, ромб — худшее. Чем они меньше, тем
# быстрее программа ответила бы в это время на новый запрос. Шкала
# логарифмическая, точечная линия — интервал переключения GIL.

fig, axes = plots.figure(1, 2, height=4.2)
for ax, work in zip(axes, WORKS, strict=True):
    late = [[x * 1e3 for x in lateness(results[work, w])] for w in WAY_LABELS]
    floor = 0.01  # мс: нулевые опоздания рисуются на левой границе
    median = [max(v[len(v) // 2], floor) for v in late]
    worst = [max(v[-1], floor) for v in late]
    ax.barh(y, median, color=plots.PALETTE[: len(y)], label="медиана")
    ax.plot(worst, y, "D", color="black", markersize=5, label="худшее")
    ax.axvline(sys.getswitchinterval() * 1e3, color=plots.REFERENCE, ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_xlim(floor, max(worst) * 3)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_yticks(y, WAY_LABELS if ax is axes[0] else [""] * len(y))
    ax.invert_yaxis()
    ax.set_xlabel("опоздание удара пульса, мс")
    ax.set_title(f"{work}: {BATCH} вызовов")
    ax.grid(axis="y", visible=False)
fig.suptitle(
    "Насколько замирает событийный цикл, пока идёт пачка "
    "(столбец — медиана, ◆ — худшее)"
)
plots.stamp(fig)
plt.show()

direct_worst = lateness(results["ожидание", WAY_LABELS[0]])[-1]
threads_late = lateness(results["ожидание", WAY_LABELS[2]])
claims.check(
    "blocking-in-coroutine-stalls-loop",
    "прямо в корутине цикл стоит всю пачку; ожидание в потоках задерживает его на "
    "порядки меньше",
    confirmed=direct_worst >= 0.5 * direct_io
    and threads_late[len(threads_late) // 2] < 0.1 * direct_worst,
    evidence=(
        f"худшее опоздание пульса прямо в корутине "
        f"{measure.format_seconds(direct_worst)} при пачке "
        f"{measure.format_seconds(direct_io)}; медиана опоздания со своим пулом "
        f"потоков {measure.format_seconds(threads_late[len(threads_late) // 2])}"
    ),
    reason_if_not="машина была занята: " + cpu.machine_load(),
)

# %%
# **Прямо в корутине** цикл стоит всю пачку: удар пульса за всю пачку
# приходит один, и опаздывает он на время всех вызовов подряд — и для ожидания,
# и для вычисления. Для событийного цикла нет разницы, чем занят его поток:
# ``time.sleep`` блокирует его так же, как цикл ``for``.
#
# **Ожидание в потоках и в процессах** задерживает цикл на порядки меньше:
# ждущий поток GIL не держит. То, что остаётся, — время, за которое цикл
# забирает готовые результаты, и работа планировщика ОС.
#
# **Вычисление в потоках** задерживает цикл обычно не меньше чем на интервал
# переключения GIL (точечная линия): поток с работой держит GIL, и циклу, чтобы
# обработать таймер, приходится просить GIL и ждать. Вычисляющих потоков здесь
# несколько, а GIL достаётся ждущим потокам по очереди, без приоритета для
# цикла, поэтому опоздания обычно в разы больше одного интервала. Только
# **пул процессов** оставляет циклу и GIL, и (если ядра свободны) процессор.
#
# Итог для выбора способа:
#
# * блокирующее ожидание (синхронный клиент, файл) — :func:`asyncio.to_thread`
#   или свой :class:`~concurrent.futures.ThreadPoolExecutor`, если одновременных
#   вызовов больше, чем потоков в пуле по умолчанию;
# * вычисления на Python — :class:`~concurrent.futures.ProcessPoolExecutor` через
#   ``loop.run_in_executor``; пул создают один раз, заранее;
# * прямо в корутине — ничего, что длится дольше долей миллисекунды.
