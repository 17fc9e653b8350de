"""
Пул под квотой процессора: сколько процессоров видит Python
===========================================================

``docker run --cpus=1`` и ``limits.cpu: 1`` в Kubernetes не отнимают у
контейнера процессоры: они дают его группе процессов (cgroup) **квоту** —
100 мс процессорного времени на каждые 100 мс, на все её потоки вместе. Это
механизм CFS bandwidth ядра Linux. Маска процессоров, на которых процессу
разрешено работать, при этом не меняется, и :func:`os.process_cpu_count` (она
считает именно маску) видит все процессоры машины. Пул процессов по умолчанию
берёт столько же исполнителей.

Здесь пример сам создаёт такую группу с квотой в один процессор, запускает в ней
дочерний интерпретатор с пулом процессов — один раз как есть, другой раз с
``-X cpu_count=1`` (Python 3.13+), — и измеряет, сколько идёт пачка задач и
каждая задача и как часто ядро останавливало группу до конца периода.
"""

# %%
# Код
# ---
#
# Группу создаёт ``make_group``: сначала в cgroup v2 (файл ``cpu.max``, как у
# Docker и Kubernetes на современных системах), а если там нет контроллера
# ``cpu`` — в cgroup v1 (``cpu.cfs_quota_us`` и ``cpu.cfs_period_us``). Это
# один и тот же механизм ядра. Создать группу может только root; если нельзя,
# ``NoQuota`` говорит почему, и пример печатает, что осталось не измеренным.
# В группу переходит только дочерний интерпретатор (``enter`` пишет его pid в
# ``cgroup.procs``), а процессы его пула рождаются уже в ней. Удаляет группу
# ``remove_group`` в ``finally`` — и тогда, когда замер не удался.
#
# .. literalinclude:: _cpu_quota.py
#
# Чтобы запустить пример у себя, положите этот модуль рядом с ним:
# :download:`_cpu_quota.py`.

import contextlib
import os
import sys

import _cpu_quota
import matplotlib.pyplot as plt

from potok import claims, cpu, interpreters, machine, measure, plots, start_methods

CPUS = os.cpu_count() or 1
QUOTA = 1  # процессоров: docker run --cpus=1
N = measure.scale(700_000, 200_000)  # итераций cpu_bound в одной задаче
TASKS = 8  # задач в пачке
ROUNDS = measure.scale(3, 1)
HAS_OPTION = sys.version_info >= (3, 13)  # -X cpu_count и PYTHON_CPU_COUNT
VARIANTS = {
    "free": "без квоты",
    "default": "квота 1 CPU, пул по умолчанию",
    "told": "квота 1 CPU, -X cpu_count=1" if HAS_OPTION else "квота 1 CPU, пул из 1",
}

print(machine.stamp())
here = interpreters.here()
env = {start_methods.START_METHOD_ENV: start_methods.start_method()}
group = None
try:
    group = _cpu_quota.make_group(QUOTA, f"potok-quota-{os.getpid()}")
    print(f"группа с квотой: {group['how']}")
except _cpu_quota.NoQuota as exc:
    print(f"Не измерено: пул под квотой процессора — {exc}.")

results = {v: [] for v in VARIANTS}
stats = {v: {"periods": 0, "throttled": 0, "s": 0.0} for v in VARIANTS}
seen = {}
try:
    with contextlib.ExitStack() as stack:
        children = {}
        for v in VARIANTS if group else ["free"]:
            option = ["-X", f"cpu_count={QUOTA}"] if v == "told" and HAS_OPTION else []
            child = stack.enter_context(interpreters.Child(here, options=option, env=env))
            if v != "free":
                child.call(_cpu_quota.enter, group["path"])
            size = QUOTA if v == "told" and not HAS_OPTION else None
            child.call(_cpu_quota.start_pool, size, TASKS)
            children[v] = child
        for _ in range(ROUNDS):  # по очереди: A B C A B C …
            for v, child in children.items():
                before = _cpu_quota.throttling(group) if v != "free" else None
                results[v].append(child.call(_cpu_quota.batch, TASKS, N))
                if v != "free":
                    after = _cpu_quota.throttling(group)
                    for key in after:
                        stats[v][key] += after[key] - before[key]
        for v, child in children.items():
            child.call(_cpu_quota.stop_pool)
            seen[v] = child.call(_cpu_quota.what_python_sees)
        if hasattr(os, "sched_setaffinity"):  # taskset -c 0: маска из одного CPU
            child = stack.enter_context(interpreters.Child(here))
            child.call(_cpu_quota.pin, QUOTA)
            seen["pinned"] = child.call(_cpu_quota.what_python_sees)
finally:
    if group:
        _cpu_quota.remove_group(group)

ROWS = {**VARIANTS, "pinned": "маска из 1 CPU (taskset)"}
print(f"\n{'':32} cpu_count  process_cpu_count  потоков BLAS  работало процессов")
for v, s in seen.items():
    workers = results[v][-1]["workers"] if results.get(v) else "—"
    print(f"{ROWS[v]:32} {s['cpu_count']:>9}  {s['usable']:>17}  "
          f"{s['blas'] or '—':>12}  {workers:>18}")  # fmt: skip

measured = [v for v in VARIANTS if results[v]]
wall = {v: measure.Timing(tuple(r["wall"] for r in results[v])) for v in measured}
task = {v: measure.Timing(tuple(w for r in results[v] for w in r["task_wall"]))
        for v in measured}  # fmt: skip
cpu_s = {v: sum(r["cpu"] for r in results[v]) / ROUNDS for v in measured}
share = {v: stats[v]["throttled"] / max(stats[v]["periods"], 1) for v in measured}
print(f"\nпачка: {TASKS} задач по {N:_} итераций; повторов: {ROUNDS}")
for v in measured:
    print(f"{VARIANTS[v]}: пачка {wall[v]}; задача по часам {task[v]}; "
          f"процессорное время пачки {cpu_s[v]:.2f} с")  # fmt: skip
    if v != "free":
        print(f"  периодов CFS с остановкой {stats[v]['throttled']} из "
              f"{stats[v]['periods']}, остановлена всего {stats[v]['s']:.2f} с")

# %%
# График
# ------
#
# Слева — время всей пачки, в середине — время одной задачи по часам (от её
# начала до конца в процессе пула), справа — доля периодов CFS, в которых ядро
# остановило группу, потому что квота кончилась. Точка — медиана, черта — от
# минимума до максимума.

fig, axes = plots.figure(1, 3, width=11, height=4.2)
names = [VARIANTS[v].replace(", ", ",\n") for v in measured]
x = range(len(measured))
plots.medians(axes[0], x, [wall[v] for v in measured], linestyle="none")
plots.medians(axes[1], x, [task[v] for v in measured], linestyle="none")
axes[2].bar(x, [100 * share[v] for v in measured], color=plots.PALETTE[1])
for ax, label in zip(axes, ["время пачки, с", "время задачи по часам, с",
                            "периодов с остановкой, %"], strict=True):  # fmt: skip
    ax.set_xticks(list(x), names, fontsize=8)
    ax.set_ylabel(label)
    ax.set_ylim(bottom=0)
    ax.grid(axis="x", visible=False)
plots.stamp(fig)
plt.show()

# %%
# Что проверяется
# ---------------

if "pinned" in seen:
    claims.check(
        "affinity-seen",
        "маску процессоров (taskset, cpuset) Python видит: число доступных CPU падает",
        confirmed=seen["pinned"]["usable"] == QUOTA < CPUS,
        evidence=f"с маской: {seen['pinned']['usable']} из {CPUS}",
        numbers={"usable": seen["pinned"]["usable"], "cpus": CPUS},
        reason_if_not="у машины один логический процессор",
    )
if group:
    usable = seen["default"]["usable"]
    claims.check(
        "quota-unseen",
        "квоту процессора Python не видит: в группе с квотой 1 CPU доступны все CPU",
        confirmed=usable == seen["free"]["usable"] > QUOTA,
        evidence=f"в группе: {usable}, без квоты: {seen['free']['usable']}",
        numbers={"usable_in_group": usable, "cpus": CPUS},
        reason_if_not="у машины один логический процессор",
    )
    if HAS_OPTION:
        told = seen["told"]
        claims.check(
            "option-tells-python",
            "-X cpu_count=1 сообщает Python правду: пул берёт один процесс",
            confirmed=told["usable"] == 1 == results["told"][-1]["workers"],
            evidence=f"process_cpu_count: {told['usable']}, "
            f"работало процессов: {results['told'][-1]['workers']}",
            numbers={"usable": told["usable"]},
        )
        if told["blas"] is not None:
            claims.check(
                "blas-ignores-option",
                "потоки BLAS -X cpu_count не слушают: их столько же, сколько CPU в маске",
                confirmed=told["blas"] == seen["free"]["usable"],
                evidence=f"потоков OpenBLAS: {told['blas']}",
                numbers={"blas_threads": told["blas"]},
            )
if group and CPUS > QUOTA:
    busy = f"машина была занята ({cpu.machine_load()})"
    claims.check(
        "big-pool-no-faster",
        "под квотой пул на все CPU не быстрее пула из одного процесса",
        confirmed=wall["default"].median > 0.85 * wall["told"].median,
        evidence=f"пачка: {wall['default'].median:.2f} с против "
        f"{wall['told'].median:.2f} с",
        numbers={"default_s": wall["default"].median, "told_s": wall["told"].median},
        reason_if_not=busy,
    )
    ratio = task["default"].median / task["told"].median
    claims.check(
        "big-pool-tasks-slower",
        "под квотой каждая задача пула на все CPU идёт по часам дольше",
        confirmed=ratio > 1.4,
        evidence=f"медиана задачи ×{ratio:.2f}",
        numbers={"ratio": ratio},
        reason_if_not=busy,
    )
    claims.check(
        "big-pool-throttled",
        "пул на все CPU упирается в квоту: ядро останавливает группу чаще",
        confirmed=share["default"] > max(0.3, 2 * share["told"]),
        evidence=f"периодов с остановкой: {100 * share['default']:.0f} % против "
        f"{100 * share['told']:.0f} %",
        numbers={"default": share["default"], "told": share["told"]},
        reason_if_not=busy,
    )

# %%
# Что видно
# ---------
#
# Таблица выше: с маской (``taskset -c 0``, ``docker --cpuset-cpus``)
# :func:`os.process_cpu_count` честно уменьшается, и BLAS тоже берёт меньше
# потоков. С квотой — нет: Python видит все процессоры, и пул по умолчанию
# запускает исполнителя на каждый. ``-X cpu_count=1`` (или переменная
# ``PYTHON_CPU_COUNT=1``) меняет то, что отвечают :func:`os.cpu_count` и
# :func:`os.process_cpu_count`, а с ними и размер пулов по умолчанию; но
# OpenBLAS — библиотека на C — читает маску сама и этого не слышит: ей нужен
# ``OPENBLAS_NUM_THREADS`` (глава о переподписке).
#
# График: быстрее под квотой пачка не становится — процессорного времени на
# всю группу столько, сколько дала квота, сколько бы процессов его ни делили.
# Зато каждая задача большого пула идёт по часам дольше: исполнители вместе
# выбирают квоту за часть периода и до его конца стоят. Для сервиса это время
# ответа; для пула на 64 исполнителя в контейнере с ``--cpus=2`` — в десятки раз.
# И каждый лишний исполнитель — это ещё и память (следующие примеры главы).
