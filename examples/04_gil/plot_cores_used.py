"""
Сколько ядер занимают вычисления: потоки и процессы
===================================================

Ускорение (пример :ref:`sphx_glr_auto_examples_04_gil_plot_cpu_vs_io_speedup.py`)
говорит, насколько раньше закончилась работа, но не говорит, сколько ядер она
заняла: может быть, работа шла на двух ядрах, а ускорение съела занятая машина, а
может быть, на одном с самого начала. Это показывает отношение процессорного
времени ко времени по часам: если два ядра секунду по часам были заняты нашей
работой, она потратила две секунды процессорного времени.

Здесь одна и та же вычислительная работа — ``potok.workloads.cpu_bound``, цикл на
чистом Python — идёт в пуле из стольких потоков, сколько логических процессоров
доступно процессу, и в пуле из стольких же процессов.
"""

# %%
# Код
# ---
#
# ``cpu.cores_used(fn)`` выполняет ``fn`` один раз и делит процессорное время
# процесса на время по часам. Каждая задача возвращает процессорное время своего
# потока (``workloads.cpu_bound_cpu_time``); для пула процессов
# ``children_report=True`` прибавляет эти числа к времени нашего процесса — так
# процессы пула посчитаны при любом методе запуска. Оба пула запущены заранее, так
# что запуск процессов в замер не входит; потоки и процессы измеряются по
# очереди, круг за кругом.

# sphinx_gallery_tags = ["потоки", "процессы", "от двух CPU"]
import statistics
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import matplotlib.pyplot as plt

from potok import claims, cpu, machine, measure, plots, start_methods, workloads

CPUS = machine.usable_cpus()
TASKS = 8 * CPUS  # задач за один замер
N = measure.scale(250_000, 25_000)  # итераций в одной задаче
ROUNDS = measure.scale(3, 2)

print(machine.stamp())
print(f"исполнителей: {CPUS}; задач: {TASKS} по {N:_} итераций; кругов: {ROUNDS}")
print(f"нагрузка на машину до замера: {cpu.machine_load()}")

used = {"потоки": [], "процессы": []}
with (
    ThreadPoolExecutor(CPUS) as threads,
    ProcessPoolExecutor(CPUS, mp_context=start_methods.mp_context()) as processes,
):
    list(processes.map(workloads.worker_pid, range(CPUS)))  # запустить процессы
    for _ in range(ROUNDS):
        used["потоки"].append(
            cpu.cores_used(
                lambda: sum(threads.map(workloads.cpu_bound_cpu_time, [N] * TASKS))
            )
        )
        used["процессы"].append(
            cpu.cores_used(
                lambda: sum(processes.map(workloads.cpu_bound_cpu_time, [N] * TASKS)),
                children_report=True,
            )
        )
for label, runs in used.items():
    for usage in runs:
        print(f"{label} ({CPUS}): {usage}")
print(f"нагрузка на машину после замера: {cpu.machine_load()}")
cores = {
    label: statistics.median(u.cores for u in runs) for label, runs in used.items()
}

# %%
# График
# ------
#
# Столбец — медиана по кругам, точки — каждый круг. Пунктир — сколько логических
# процессоров доступно процессу: больше не занять ничем.

fig, ax = plots.figure(width=6, height=4)
for x, (label, runs) in enumerate(used.items()):
    color = plots.PALETTE[x]
    ax.bar(x, cores[label], width=0.5, color=color, alpha=0.6)
    ax.scatter([x] * len(runs), [u.cores for u in runs], color=color, zorder=3)
ax.axhline(CPUS, color=plots.REFERENCE, linestyle="--", label=f"доступно CPU: {CPUS}")
ax.axhline(1, color=plots.REFERENCE, linewidth=0.8)
ax.set_xticks(range(len(used)), list(used))
ax.set_xlabel(f"пул; исполнителей в нём: {CPUS}")
ax.set_ylabel("занято ядер (процессорное время / время)")
ax.set_ylim(0, CPUS * 1.15)
ax.set_title("Сколько ядер заняла одна и та же работа")
ax.legend(loc="upper left", fontsize=8)
plots.stamp(fig)
plt.show()

if machine.gil_enabled():
    claims.check(
        "gil-threads-one-core",
        "на сборке с GIL потоки, занятые вычислениями, вместе занимают не больше "
        "одного ядра",
        confirmed=cores["потоки"] < 1.2,
        evidence=f"потоки: {cores['потоки']:.2f} ядра (медиана)",
        numbers={"cores": cores["потоки"]},
        reason_if_not="это не вычисления на чистом Python, или GIL отпускался",
    )
else:
    print(
        "Это сборка без GIL: утверждение об одном ядре для потоков к ней не относится."
    )
if CPUS >= 2:
    claims.check(
        "processes-use-several-cores",
        "процессы занимают несколько ядер одновременно: у каждого свой GIL",
        confirmed=cores["процессы"] > 1.3,
        evidence=f"процессы: {cores['процессы']:.2f} ядра (медиана) при {CPUS} CPU",
        numbers={"cores": cores["процессы"], "usable_cpus": CPUS},
        reason_if_not="машина была занята: ядра, которые числятся свободными, "
        "делили с чужой работой; " + cpu.machine_load(),
    )
else:
    print(f"Логических процессоров, доступных процессу: {CPUS} — занимать нечего.")

# %%
# Что видно на графике
# --------------------
#
# **Потоки** на сборке с GIL занимают не больше одного ядра, сколько бы их ни было:
# байт-код в каждый момент выполняет один поток, остальные ждут GIL. Свободные ядра
# есть, но работать на них потокам нельзя.
#
# **Процессы** могут занять столько ядер, сколько логических процессоров доступно
# (пунктир): у каждого свой интерпретатор и свой GIL. Если столбец процессов
# заметно ниже пунктира, ядра забрали другие программы: сравните нагрузку на машину
# (load average — сколько задач в среднем выполнялись или ждали CPU, а в Linux ещё
# и ждали диска: ``man 5 proc``, ``/proc/loadavg``), напечатанную до и после
# замера, с числом логических процессоров. Это и есть «соседи» из примера
# :ref:`sphx_glr_auto_examples_04_gil_plot_cpu_vs_io_speedup.py`: ускорение
# считается от свободных ядер, а не от тех, что есть.
#
# На free-threaded сборке (``python3.14t``) потокам нечего ждать, и запущенный на
# ней пример должен показать столбец потоков вровень со столбцом процессов.
