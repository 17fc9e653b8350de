"""
Пул процессов: вычисления на всех CPU
=====================================

:class:`concurrent.futures.ProcessPoolExecutor` устроен так же, как пул потоков:
те же ``submit``, ``result``, ``map`` и ``as_completed``. Разница в исполнителях.
Задачи выполняют отдельные процессы, у каждого свой интерпретатор и свой GIL,
поэтому вычисления на чистом Python идут на разных логических процессорах
по-настоящему одновременно.

За это платят:

* функцию и её аргументы нужно передать в другой процесс, а результат вернуть —
  через :mod:`pickle`. Поэтому функция должна импортироваться по имени модуля:
  здесь все задачи лежат в ``potok.workloads``, а не в теле примера (при
  запуске методами spawn и forkserver функцию из ``__main__`` дочерний процесс не
  найдёт);
* процессы нужно запустить, и это дороже, чем запустить поток (сколько стоит
  запустить пул, измерено в примере
  :ref:`sphx_glr_auto_examples_06_futures_plot_process_pool_start.py`).

Пул создаётся с ``mp_context=potok.start_methods.mp_context()``: так пример запускается
тем методом (fork, spawn или forkserver), который задан переменной окружения
``POTOK_START_METHOD``, — тесты проверяют все три.
"""

# %%
# submit, result и чей это процесс
# --------------------------------
#
# ``potok.workloads.worker_pid`` возвращает идентификатор процесса, в котором
# её вызвали. Задача из пула выполняется не в нашем процессе.

# sphinx_gallery_tags = ["процессы", "от двух CPU"]
import os
from concurrent.futures import ProcessPoolExecutor

import matplotlib.pyplot as plt

from potok import claims, cpu, machine, measure, plots, start_methods, workloads

CPUS = machine.usable_cpus()
print(machine.stamp())
print(f"наш процесс: {os.getpid()}")

with ProcessPoolExecutor(max_workers=2, mp_context=start_methods.mp_context()) as pool:
    future = pool.submit(workloads.worker_pid)
    print(f"задачу выполнил процесс {future.result()}")
claims.check(
    "task-runs-in-another-process",
    "задачу из пула выполняет не наш процесс",
    confirmed=future.result() != os.getpid(),
    evidence=f"наш процесс {os.getpid()}, задачу выполнил {future.result()}",
    numbers={"ours": os.getpid(), "worker": future.result()},
    reason_if_not="в этой версии Python пул процессов выполняет задачи иначе, чем "
    "описано в главе",
)

# %%
# ``map`` и ``as_completed`` у пула процессов те же, что у пула потоков (пример
# :ref:`sphx_glr_auto_examples_06_futures_plot_thread_pool.py`): ``map`` отдаёт
# результаты в порядке аргументов, ``as_completed`` — по мере готовности. У
# ``map`` пула процессов есть ещё параметр ``chunksize``: сколько аргументов
# отправить в процесс одним сообщением. Для тысяч мелких задач пересылка по одной
# обходится дороже самих задач, и пачки заметно ускоряют работу; для дюжины
# крупных, как ниже, хватает значения по умолчанию (1).
#
# Сколько процессов нужно
# -----------------------
#
# ``TASKS`` одинаковых задач ``potok.workloads.cpu_bound`` выполняются
# подряд в нашем процессе (это точка отсчёта) и в пулах от одного до
# вдвое большего числа процессов, чем доступно логических процессоров. Каждый пул
# создаётся заранее и прогревается, чтобы в замер попали только вычисления,
# пересылка задач и результатов — но не запуск процессов.

N = measure.scale(300_000, 100_000)  # итераций в одной задаче
TASKS = measure.scale(12, 6)
REPEATS = measure.scale(3, 2)
WORKERS = measure.scale(
    list(range(1, 2 * CPUS + 1)) if CPUS <= 4 else [1, 2, CPUS, 2 * CPUS],
    sorted({1, CPUS, CPUS + 1}),
)


def sequential():
    for _ in range(TASKS):
        workloads.cpu_bound(N)


# Работа подряд замеряется не один раз в начале, а между пулами: если машину в
# какой-то момент нагрузили чужой работой, это скажется на обеих сторонах
# сравнения, а не только на одной.
solo = list(measure.repeat(sequential, repeats=1).samples)  # с прогревом
timings = []
for workers in WORKERS:
    solo += measure.repeat(sequential, repeats=1, warmup=0).samples
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=start_methods.mp_context()
    ) as pool:
        list(pool.map(workloads.worker_pid, range(4 * workers)))  # запустить всех

        def run_all(pool=pool):
            list(pool.map(workloads.cpu_bound, [N] * TASKS))

        timings.append(measure.repeat(run_all, repeats=REPEATS, warmup=0))
        if workers == CPUS:
            # сколько CPU заняла работа: каждая задача сообщает своё
            # процессорное время, а пул уже запущен и в замер не входит
            usage = cpu.cores_used(
                lambda pool=pool: sum(
                    pool.map(workloads.cpu_bound_cpu_time, [N] * TASKS)
                ),
                children_report=True,
            )
    print(f"процессов {workers}: {timings[-1]}")

baseline = measure.Timing(tuple(solo))
print(f"подряд в одном процессе: {baseline}")
for workers, timing in zip(WORKERS, timings, strict=True):
    print(f"процессов {workers}: ускорение ×{baseline.median / timing.median:.2f}")
print(f"процессов {CPUS}: {usage}")
print(cpu.machine_load())

speedup = {w: baseline.median / t.median for w, t in zip(WORKERS, timings, strict=True)}
if CPUS >= 2:
    claims.check(
        "pool-of-cpus-faster",
        "пул, в котором процессов столько же, сколько CPU, считает быстрее, чем "
        "один процесс подряд",
        confirmed=speedup[CPUS] > 1.3,
        evidence=f"процессов {CPUS}: ускорение ×{speedup[CPUS]:.2f}; {usage}",
        numbers={"speedup": speedup[CPUS], "cpus": CPUS, "cores_used": usage.cores},
        reason_if_not=(
            "машина была занята: процессам пула не досталось свободных CPU; "
            + cpu.machine_load()
        ),
    )
beyond = [w for w in WORKERS if w > CPUS]
if beyond:
    claims.check(
        "more-processes-than-cpus",
        "процессов больше, чем логических процессоров, — ускорение больше не растёт",
        confirmed=max(speedup[w] for w in beyond) <= speedup[CPUS] * 1.15,
        evidence=", ".join(f"{w}: ×{speedup[w]:.2f}" for w in WORKERS),
        numbers={f"speedup_{w}": speedup[w] for w in WORKERS} | {"cpus": CPUS},
        reason_if_not=(
            "замер при CPU процессах попал на занятую машину; " + cpu.machine_load()
        ),
    )

fig, ax = plots.figure()
plots.speedup(
    ax, WORKERS, {"пул процессов": timings}, baseline=baseline.median, ideal=False
)
ax.plot(
    WORKERS,
    [min(w, CPUS) for w in WORKERS],
    linestyle="--",
    color=plots.REFERENCE,
    label=f"идеал: ×N, но не больше числа CPU ({CPUS})",
)
ax.axvline(CPUS, color=plots.REFERENCE, linewidth=0.8, linestyle=":")
ax.legend()
ax.set_xlabel("процессов в пуле")
ax.set_ylabel("ускорение относительно работы подряд, раз")
ax.set_title(f"{TASKS} вычислительных задач: ускорение против числа процессов")
plots.stamp(fig)
plt.show()

# %%
# Пока процессов не больше, чем логических процессоров (точечная вертикаль), ускорение
# на свободной машине растёт почти по пунктиру: каждый процесс занимает свой
# логический процессор. Правее вертикали ускорение расти не должно (это проверяет
# последний вердикт выше) — процессоров больше не становится, и лишние процессы
# лишь делят те же процессоры по очереди.
# Число задач кратно числу процессов, поэтому в конце никто не ждёт одного отстающего.
# Если в вашем прогоне какое-то число процессов не делит ``TASKS`` нацело, последняя
# «волна» задач занимает не все процессы, и точка проседает.
#
# Зазор между точками и пунктиром — цена пула: аргументы и результаты упаковываются
# :mod:`pickle` и идут через канал между процессами, а главный процесс ещё и раздаёт
# задачи. Чем крупнее задача, тем меньше эта доля. На общей машине, где процессоры
# делят с другими программами, зазор больше: процессор, который числится свободным, на
# деле занят. Если точки на графике скачут, а разброс велик, машину, на которой
# собиралась страница, делили с чужой работой — запустите пример у себя.
#
# Запуск пула в замер не попал, а в жизни он есть: сколько он стоит, измерено в
# примере :ref:`sphx_glr_auto_examples_06_futures_plot_process_pool_start.py`.
# Поэтому пул создают один раз и отдают ему много работы, а не создают на каждую
# задачу.
