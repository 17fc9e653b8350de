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

Пример сам создаёт группу с квотой в один процессор, запускает в ней пул
процессов — как есть и с ``-X cpu_count=1`` (Python 3.13+) — и измеряет время
пачки задач, каждой задачи и как часто ядро останавливало группу.
"""

# %%
# Код
# ---
#
# Группу создаёт ``make_group``: в cgroup v2 (``cpu.max``), а если там нет
# контроллера ``cpu`` — в cgroup v1 (``cpu.cfs_quota_us``); механизм ядра один.
# Создать группу может только root; если нельзя, ``NoQuota`` говорит почему, и
# пример печатает, что не измерено.
# В группу переходит только дочерний интерпретатор (``enter`` пишет его pid в
# ``cgroup.procs``), а процессы его пула рождаются уже в ней. Удаляет группу
# ``remove_group`` в ``finally`` — и тогда, когда замер не удался.
#
# .. literalinclude:: _cpu_quota.py
#
# Чтобы запустить пример у себя, положите этот модуль рядом с ним:
# :download:`_cpu_quota.py`.

# sphinx_gallery_tags = ["процессы"]
import contextlib
import os
import sys

import _cpu_quota
import matplotlib.pyplot as plt

from potok import claims, cpu, interpreters, machine, measure, plots, start_methods

CPUS = os.cpu_count() or 1
QUOTA = 1  # процессоров: docker run --cpus=1
N = measure.scale(550_000, 200_000)  # итераций cpu_bound в одной задаче
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
            child = stack.enter_context(
                interpreters.Child(here, options=option, env=env)
            )
            try:  # в группу переходит дочерний процесс, не этот
                if v != "free":
                    child.call(_cpu_quota.enter, group["path"])
            except interpreters.ChildFailed as exc:
                print(f"Не измерено: {VARIANTS[v]} — {str(exc).splitlines()[-1]}")
                continue
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
        print(
            f"  периодов CFS с остановкой {stats[v]['throttled']} из "
            f"{stats[v]['periods']}, остановлена всего {stats[v]['s']:.2f} с"
        )

# %%
# График
# ------
#
# Слева — время всей пачки, в середине — время одной задачи по часам (от её
# начала до конца в процессе пула), справа — доля периодов CFS, в которых ядро
# остановило группу, потому что квота кончилась (только для пулов в группе).
# Точка — медиана, черта — от минимума до максимума.

SHORT = {v: name.replace(" 1 CPU, ", ",\n") for v, name in VARIANTS.items()}
fig, axes = plots.figure(1, 3, width=11, height=4.2)
fig.suptitle(f"Пул процессов под квотой в {QUOTA} CPU и без неё")
x = range(len(measured))
plots.medians(axes[0], x, [wall[v] for v in measured], linestyle="none")
plots.medians(axes[1], x, [task[v] for v in measured], linestyle="none")
in_group = [v for v in measured if v != "free"]  # без квоты периодов CFS нет
axes[2].bar(range(len(in_group)), [100 * share[v] for v in in_group],
            color=plots.PALETTE[1])  # fmt: skip
axes[2].set_ylim(0, 100)
for ax, label, shown in zip(axes, ["время пачки, с", "время задачи по часам, с",
                                   "периодов с остановкой, %"],
                            [measured, measured, in_group], strict=True):  # fmt: skip
    ax.set_xticks(range(len(shown)), [SHORT[v] for v in shown], fontsize=8)
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
in_quota = all(results[v] for v in ("default", "told"))
if in_quota:
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
            reason_if_not="в этой версии Python -X cpu_count не меняет "
            "process_cpu_count или размер пула по умолчанию",
        )
        if told["blas"] is not None:
            claims.check(
                "blas-ignores-option",
                "потоки BLAS -X cpu_count не слушают: их столько же, "
                "сколько CPU в маске",
                confirmed=told["blas"] == seen["free"]["usable"],
                evidence=f"потоков OpenBLAS: {told['blas']}",
                numbers={"blas_threads": told["blas"]},
                reason_if_not="число потоков OpenBLAS задано снаружи "
                "(OPENBLAS_NUM_THREADS) или ограничено при его сборке",
            )
if in_quota and CPUS > QUOTA:
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
# Таблица: маску (``taskset``, ``docker --cpuset-cpus``) видят и
# :func:`os.process_cpu_count`, и BLAS; квоту — никто, и пул по умолчанию
# запускает исполнителя на каждый процессор машины. ``-X cpu_count=1`` (или
# ``PYTHON_CPU_COUNT=1``) меняет ответ :func:`os.cpu_count` и
# :func:`os.process_cpu_count`, а с ним и пулы по умолчанию, но OpenBLAS читает
# маску сама: ей нужен ``OPENBLAS_NUM_THREADS`` (глава о переподписке).
#
# График: под квотой пачка не быстрее — времени у группы столько, сколько
# дала квота. Зато каждая задача большого пула идёт по часам дольше:
# исполнители вместе выбирают квоту за часть периода и до его конца стоят. Для
# сервиса это время ответа; при 64 исполнителях и ``--cpus=2`` — в десятки раз.
