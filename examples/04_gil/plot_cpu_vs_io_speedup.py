"""
Ускорение от числа исполнителей: вычисления и ожидание
======================================================

Главное практическое следствие GIL в одном графике. Одну и ту же работу режем на
одинаковые задачи и раздаём пулу из ``N`` исполнителей — потоков или процессов.
*Ускорение* — во сколько раз работа закончилась быстрее, чем те же задачи подряд в
одном потоке. Идеал — ``N`` раз. Работа двух видов:

* **вычисления** (CPU-bound) — ``potok.workloads.cpu_bound``, цикл на чистом
  Python: поток всё время выполняет байт-код и держит GIL;
* **ожидание** (I/O-bound) — ``potok.workloads.io_bound``, то есть
  :func:`time.sleep`: так поток ждал бы ответа сети или диска, и GIL в это время
  свободен. Это заместитель настоящего ввода-вывода: настоящий сервер или диск сами
  могут стать узким местом, а сон — нет.

Для ожидания есть и третий способ — :mod:`asyncio`: один поток, а ``N`` — сколько
корутин ждут одновременно.
"""

# %%
# Масштаб
# -------
#
# Исполнителей — от одного до удвоенного числа CPU, доступных процессу: видно и
# то, что происходит, пока ядер хватает, и то, что бывает, когда их не хватает.
# Задач не меньше 24, и, пока исполнителей немного, их число делится на каждое
# ``N`` (на двух CPU — 24 задачи на 1, 2, 3 и 4 исполнителя). Общий объём
# вычислений постоянный: чем больше CPU, тем больше задач и тем каждая короче (но
# не короче заданного минимума). Пул процессов измеряется дважды: вместе с
# запуском пула (как в коде, который создаёт пул ради одной работы) и на уже
# запущенном пуле — разница между ними и есть цена запуска процессов.

# sphinx_gallery_tags = ["потоки", "процессы", "asyncio", "от двух CPU"]
import asyncio
import math
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import matplotlib.pyplot as plt

from potok import claims, cpu, machine, measure, plots, start_methods, workloads

CPUS = machine.usable_cpus()
WORKERS = measure.worker_counts(2 * CPUS)
_share = math.lcm(*WORKERS) if math.lcm(*WORKERS) <= 24 else 4 * max(WORKERS)
TASKS = _share * math.ceil(24 / _share)
CPU_TOTAL = measure.scale(960_000, 96_000)  # итераций во всей работе
CPU_N = max(CPU_TOTAL // TASKS, measure.scale(10_000, 1_000))  # в одной задаче
IO_SECONDS = measure.scale(0.005, 0.001)  # сон одной задачи
REPEATS_CPU = measure.scale(3, 2)
REPEATS_IO = measure.scale(5, 2)  # ожидание дёшево, а сон на занятой машине шумит
ctx = start_methods.mp_context()

print(machine.stamp())
print(f"исполнителей: {WORKERS}; задач: {TASKS}; на задачу: {CPU_N:_} итераций")
print(f"или сон {IO_SECONDS * 1e3:g} мс")


def sequential(fn, arg):
    for _ in range(TASKS):
        fn(arg)


def in_pool(pool, fn, arg):
    with pool:
        list(pool.map(fn, [arg] * TASKS))


def on_warm_pool(n, fn, arg, repeats):
    """Измеряет только работу: пул запускается и прогревается заранее."""
    with ProcessPoolExecutor(n, mp_context=ctx) as pool:
        list(pool.map(workloads.worker_pid, range(n)))  # запустить процессы пула
        return measure.repeat(
            lambda: list(pool.map(fn, [arg] * TASKS)), repeats=repeats, warmup=0
        )


async def waiting_coroutines(n):
    limit = asyncio.Semaphore(n)

    async def one():
        async with limit:
            await asyncio.sleep(IO_SECONDS)

    await asyncio.gather(*(one() for _ in range(TASKS)))


def speedups(title, fn, arg, *, repeats, warm_pool=False, coroutines=False):
    """Все варианты по очереди, круг за кругом (measure.interleaved)."""
    runs = {"base": lambda: sequential(fn, arg)}
    for n in WORKERS:
        runs["потоки", n] = lambda n=n: in_pool(ThreadPoolExecutor(n), fn, arg)
        runs["процессы (с запуском пула)", n] = lambda n=n: in_pool(
            ProcessPoolExecutor(n, mp_context=ctx), fn, arg
        )
        if coroutines:
            runs["asyncio", n] = lambda n=n: asyncio.run(waiting_coroutines(n))
    # прогрев: один последовательный проход и один маленький пул процессов (при
    # forkserver он заодно запускает сервер)
    sequential(fn, arg)
    in_pool(ProcessPoolExecutor(1, mp_context=ctx), workloads.worker_pid, 0)
    timings = measure.interleaved(runs, repeats=repeats, warmup=0)
    if warm_pool:
        for n in WORKERS:
            timings["процессы (пул уже запущен)", n] = on_warm_pool(n, fn, arg, repeats)
    base, series = timings.pop("base"), {}
    for (label, _), timing in timings.items():
        series.setdefault(label, []).append(timing)
    print(f"{title}: подряд в одном потоке {base}")
    for label, line in series.items():
        cells = ", ".join(
            f"{n}: ×{base.median / t.median:.2f}"
            for n, t in zip(WORKERS, line, strict=True)
        )
        print(f"    {label}: {cells}")
    return base, series


# %%
# Замер
# -----

print(f"нагрузка на машину до замера: {cpu.machine_load()}")
cpu_base, cpu_series = speedups(
    "Вычисления", workloads.cpu_bound, CPU_N, repeats=REPEATS_CPU, warm_pool=True
)
io_base, io_series = speedups(
    "Ожидание", workloads.io_bound, IO_SECONDS, repeats=REPEATS_IO, coroutines=True
)
print(f"нагрузка на машину после замера: {cpu.machine_load()}")

thread_cpu = max(cpu_base.median / t.median for t in cpu_series["потоки"])
warm = cpu_series["процессы (пул уже запущен)"]
process_cpu = max(cpu_base.median / t.median for t in warm)
if machine.gil_enabled():
    claims.check(
        "gil-threads-no-cpu-speedup",
        "на сборке с GIL потоки не ускоряют вычисления на чистом Python",
        confirmed=thread_cpu < 1.3,
        evidence=f"лучшее ускорение потоков ×{thread_cpu:.2f}",
        numbers={"best_speedup": thread_cpu},
        reason_if_not="последовательный проход попал на занятую машину, а "
        "потоки — нет; " + cpu.machine_load(),
    )
if CPUS >= 2:
    claims.check(
        "processes-speed-up-cpu",
        "процессы ускоряют вычисления: у каждого свой GIL",
        confirmed=process_cpu > 1.3,
        evidence=f"лучшее ускорение процессов ×{process_cpu:.2f}",
        numbers={"best_speedup": process_cpu},
        reason_if_not="машина была занята: ядра, которые числятся свободными, "
        "делили с чужой работой; " + cpu.machine_load(),
    )
else:
    print(f"Логических процессоров, доступных процессу: {CPUS} — ускорять нечем.")
io_threads = io_base.median / io_series["потоки"][-1].median
io_async = io_base.median / io_series["asyncio"][-1].median
claims.check(
    "waiting-threads-ideal",
    f"ожидание в {WORKERS[-1]} потоках ускоряется почти по идеалу ×{WORKERS[-1]}, "
    "сколько бы ядер ни было",
    confirmed=io_threads >= 0.6 * WORKERS[-1],
    evidence=f"×{io_threads:.2f}",
    numbers={"speedup": io_threads, "threads": WORKERS[-1]},
    reason_if_not="потоки просыпались с опозданием: " + cpu.machine_load(),
)
claims.check(
    "asyncio-speeds-waiting",
    f"asyncio ускоряет ожидание так же, в одном потоке (корутин: {WORKERS[-1]})",
    confirmed=io_async >= 0.6 * WORKERS[-1],
    evidence=f"×{io_async:.2f}",
    numbers={"speedup": io_async, "coroutines": WORKERS[-1]},
    reason_if_not="цикл просыпался с опозданием: " + cpu.machine_load(),
)

# %%
# График
# ------
#
# Слева вычисления, справа ожидание. Точка — медиана, черта — от худшего повтора до
# лучшего; штриховая линия — идеал ``×N``. Слева ещё и горизонталь: сколько CPU
# доступно процессу, — выше неё вычисления не ускорить ничем.

fig, (ax_cpu, ax_io) = plots.figure(1, 2, width=10, height=4.6)
plots.speedup(ax_cpu, WORKERS, cpu_series, baseline=cpu_base.median)
ax_cpu.axhline(
    CPUS, color=plots.REFERENCE, linestyle=":", label=f"доступно CPU: {CPUS}"
)
ax_cpu.legend(fontsize=8)
ax_cpu.set_title("Вычисления (держат GIL)")
plots.speedup(ax_io, WORKERS, io_series, baseline=io_base.median)
ax_io.legend(fontsize=8)
ax_io.set_title("Ожидание (отпускает GIL)")
plots.stamp(fig)
plt.show()

# %%
# Что видно на графике
# --------------------
#
# **Вычисления, потоки.** На сборке с GIL линия должна лежать около единицы при
# любом ``N`` (это проверяет вердикт выше): байт-код в каждый момент выполняет один
# поток, остальные ждут GIL. Если вердикт другой, проход подряд попал на более
# занятую машину, чем потоки (сравните нагрузку до и после замера). Если при больших
# ``N`` линия опускается ниже единицы, это цена переключений и борьбы за GIL. (На
# free-threaded сборке, ``python3.14t``, этой линии было бы куда расти.)
#
# **Вычисления, процессы.** У каждого процесса свой интерпретатор и свой GIL, и на
# свободной машине линия растёт, пока ``N`` не дойдёт до числа CPU, а дальше
# упирается в горизонталь: процессы делят логические процессоры по очереди (это
# проверяет пример :ref:`sphx_glr_auto_examples_06_futures_plot_process_pool.py`).
# До идеала процессы не достают, и причины видны на графике и в выводе:
#
# * **запуск пула** — разница между двумя линиями процессов: новые процессы (при
#   spawn и forkserver — ещё и импорт модулей в каждом); чем короче работа, тем
#   заметнее эта доля;
# * **pickle и каналы** — каждая задача и каждый результат сериализуются и идут
#   через канал в другой процесс (в родителе этим занят служебный поток пула), и в
#   запущенном пуле тоже; здесь это одно число, с большими данными цена росла бы;
# * **соседи** — ускорение считается от свободных ядер, а не от тех, что есть: всё,
#   что забрали другие программы, — недополученное ускорение. Сколько ядер
#   вычисления занимают на самом деле, измеряет пример
#   :ref:`sphx_glr_auto_examples_04_gil_plot_cores_used.py`. Нагрузка (load
#   average — сколько задач в среднем выполнялись или ждали CPU, в Linux ещё и
#   ждали диска) напечатана до и после замера;
#   если она заметно больше числа CPU, линия процессов может почти не подняться
#   над единицей. На Linux добавляется autogroup (включён, если в
#   ``/proc/sys/kernel/sched_autogroup_enabled`` единица): планировщик делит CPU
#   сначала между сеансами (терминалами, службами), потом между процессами сеанса,
#   и пул не заберёт у занятых соседей больше доли своего сеанса.
#
# **Ожидание.** Потоки идут вдоль идеала и не останавливаются на числе CPU: спящий
# поток ядро не занимает, и ``N`` потоков ждут одновременно. Так же ведёт себя
# :mod:`asyncio` — в *одном* потоке. Процессы ускоряют ожидание хуже: их запуск
# дорог по сравнению с миллисекундами сна. Для ожидания процессы не нужны. Точки
# *выше* идеала — не ошибка: на занятой машине каждый сон длится дольше
# заказанного, и проход подряд платит эту задержку за каждую задачу, а ``N``
# ожидающих потоков — за несколько сразу.
#
# А если ядер больше?
# -------------------
#
# Линия процессов на вычислениях будет расти дольше — до числа ядер, если
# задач хватает на всех и каждая достаточно длинна, чтобы запуск и pickle были
# малой долей. Каждый новый процесс — ещё один запуск, поэтому на десятках ядер
# пул стоит создавать один раз на всю программу. Линия потоков на вычислениях
# останется у единицы на любой машине с GIL. Для ожидания число ядер не важно:
# потоки и asyncio упрутся в то, чего они ждут, — в сеть, диск или другой сервер.
