"""
Сколько памяти стоит исполнитель: поток, процесс, субинтерпретатор
===================================================================

В контейнере с лимитом памяти число исполнителей ограничивает не только
процессор. Здесь измеряется, на сколько вырастает память, когда приложение
запускает ещё одного исполнителя: поток; процесс, запущенный через ``fork``,
``forkserver`` или ``spawn``; субинтерпретатор (Python 3.14+) — на сборке с GIL и
на free-threaded сборке, если она есть. Каждый исполнитель импортирует одни и те
же модули стандартной библиотеки, как сделал бы рабочий код, и ждёт.

Память процесса — три разных числа. **RSS** (resident set size) — все его
страницы в оперативной памяти, в том числе общие с другими процессами: это
число показывают ``top`` и ``ps``. **USS** (unique set size) — только его
собственные страницы: столько освободится, если его завершить. **PSS**
(proportional set size) — USS плюс доля каждой общей страницы, поделённой
поровну между процессами, которые её держат; PSS всех процессов в сумме — это
их настоящий общий расход. Ядро Linux отдаёт все три в
``/proc/<pid>/smaps_rollup``.
"""

# %%
# Код
# ---
#
# Процессы измеряются каждый отдельно — по их ``smaps_rollup``. Потоки и
# субинтерпретаторы живут внутри одного процесса, поэтому для них берётся
# прирост памяти этого процесса, делённый на число исполнителей.
#
# .. literalinclude:: _worker_memory.py
#
# Чтобы запустить пример у себя, положите этот модуль рядом с ним:
# :download:`_worker_memory.py`.
#
# Этот код выполняет отдельный интерпретатор (``potok.interpreters.Child``):
# новейший найденный Python с GIL (субинтерпретаторы — с 3.14) и новейшая
# free-threaded сборка, если она есть (с ``-X gil=0``).

# sphinx_gallery_tags = ["потоки", "процессы", "субинтерпретаторы", "free-threaded"]
import os
import sys
from dataclasses import replace

import _worker_memory
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

N = measure.scale(4, 2)  # исполнителей каждого вида
NAMES = {
    "thread": "поток",
    "fork": "процесс: fork",
    "forkserver": "процесс: forkserver",
    "spawn": "процесс: spawn",
    "interpreter": "субинтерпретатор",
}
METRICS = {"rss": "RSS", "pss": "PSS", "uss": "USS"}

print(machine.stamp())
survey = interpreters.available()
with_gil = survey.newest(free_threaded=False) or interpreters.here()
free = survey.newest(free_threaded=True)
if not os.path.exists("/proc/self/smaps_rollup"):  # не Linux или нет /proc
    print(
        "Не измерено: /proc/<pid>/smaps_rollup есть только в Linux, "
        f"а здесь его нет ({sys.platform})."
    )
    with_gil = free = None
elif free is None:
    print(survey.not_measured(interpreters.FREE_THREADED))
sides, pythons = {}, {}
for python in filter(None, (with_gil, free)):
    pythons[python.label] = python
    options = ["-X", "gil=0"] if python.free_threaded else []
    with interpreters.Child(python, options=options) as child:
        sides[python.label] = child.call(_worker_memory.measure_all, N)

# КиБ → МиБ; у процессов — по значению на каждого, у потоков и
# субинтерпретаторов — одно среднее на исполнителя
mib = {
    (side, kind, m): measure.Timing(tuple(w[m] / 1024 for w in workers))
    for side, res in sides.items()
    for kind, workers in res["kinds"].items()
    for m in METRICS
}
for side, res in sides.items():
    print(f"--- {res['stamp'].python}; исполнителей каждого вида: {N}")
    for kind in res["kinds"]:
        row = ", ".join(
            f"{METRICS[m]} {mib[side, kind, m].median:6.2f}" for m in METRICS
        )
        print(f"  {NAMES[kind]:>20}: {row} МиБ на исполнителя (медиана)")

# %%
# График
# ------
#
# По панели на сборку. По горизонтали — вид исполнителя, по вертикали —
# память на одного исполнителя, в логарифмической шкале (поток и процесс
# различаются на два порядка). Три точки — RSS, PSS и USS; у процессов черта —
# от самого лёгкого до самого тяжёлого.

if sides:
    fig, axes = plots.figure(1, len(sides), width=6.5 * len(sides) + 1, height=4.6)
    axes = [axes] if len(sides) == 1 else list(axes)
    shown = [t for t in mib.values() if t.min > 0]
    low, high = min(t.min for t in shown) / 2, max(t.max for t in shown) * 2
    for ax, (side, res) in zip(axes, sides.items(), strict=True):
        kinds = [k for k in NAMES if k in res["kinds"]]
        for i, m in enumerate(METRICS):
            x = [j + (i - 1) * 0.2 for j in range(len(kinds))]
            values = [mib[side, k, m] for k in kinds]
            plots.medians(ax, x, values, linestyle="none", label=METRICS[m])
        ax.set_xticks(range(len(kinds)), [NAMES[k].replace(": ", ":\n") for k in kinds],
                      fontsize=8)  # fmt: skip
        ax.set_yscale("log")
        ax.set_ylabel("память на исполнителя, МиБ")
        ax.set_title(res["stamp"].python, fontsize=10)
        ax.grid(axis="x", visible=False)
        ax.set_ylim(low, high)  # одна шкала на обеих панелях
    axes[0].legend()
    stamps = [res["stamp"] for res in sides.values()]
    both = " и ".join(s.python for s in stamps)
    plots.stamp(
        fig, replace(stamps[0], python=both, start_method="fork, forkserver, spawn")
    )
    plt.show()

# %%
# Что проверяется
# ---------------

for side, res in sides.items():
    uss = {k: mib[side, k, "uss"].median for k in res["kinds"]}
    rss = {k: mib[side, k, "rss"].median for k in res["kinds"]}
    key = "free-threaded" if pythons[side].free_threaded else "gil"
    processes = [k for k in ("fork", "forkserver", "spawn") if k in uss]
    claims.check(
        f"thread-cheapest-{key}",
        f"{side}: поток стоит памяти меньше любого процесса, в десятки раз",
        confirmed=uss["thread"] * 10 < min(uss[k] for k in processes),
        evidence=f"USS потока {1024 * uss['thread']:.0f} КиБ, самого лёгкого процесса "
        f"{min(uss[k] for k in processes):.2f} МиБ",
        numbers={
            "thread_mib": uss["thread"],
            "process_mib": min(uss[k] for k in processes),
        },
        reason_if_not="память процесса выросла скачком не из-за потоков (арена "
        "распределителя памяти или большие страницы THP)",
        stamp=res["stamp"],
    )
    if {"fork", "spawn"} <= uss.keys():
        claims.check(
            f"fork-shares-{key}",
            f"{side}: процесс после fork делит с родителем почти всё — "
            "его USS меньше, чем у процесса spawn, а RSS в разы больше USS",
            confirmed=uss["fork"] < uss["spawn"] / 2 and rss["fork"] > 3 * uss["fork"],
            evidence=f"fork: USS {uss['fork']:.2f}, RSS {rss['fork']:.2f} МиБ; "
            f"spawn: USS {uss['spawn']:.2f} МиБ",
            numbers={
                "fork_uss": uss["fork"],
                "fork_rss": rss["fork"],
                "spawn_uss": uss["spawn"],
            },
            reason_if_not="процесс после fork переписал много общих с родителем "
            "страниц (импорт, сборка мусора), и ядро их скопировало",
            stamp=res["stamp"],
        )
    if "interpreter" in uss and "spawn" in uss:
        claims.check(
            f"interpreter-between-{key}",
            f"{side}: субинтерпретатор дороже потока, но дешевле процесса spawn",
            confirmed=uss["thread"] < uss["interpreter"] < uss["spawn"],
            evidence=f"USS: субинтерпретатор {uss['interpreter']:.2f} МиБ, "
            f"процесс spawn {uss['spawn']:.2f} МиБ",
            numbers={"interpreter_mib": uss["interpreter"], "spawn_mib": uss["spawn"]},
            reason_if_not="память процесса с субинтерпретаторами росла скачками "
            "(арены распределителя, большие страницы THP), и среднее исказилось",
            stamp=res["stamp"],
        )
if with_gil and free and len(sides) == 2:
    gil_kib = 1024 * mib[with_gil.label, "thread", "uss"].median
    ft_kib = 1024 * mib[free.label, "thread", "uss"].median
    claims.check(
        "free-threaded-thread-dearer",
        f"поток на сборке {free.label} стоит памяти больше, чем на {with_gil.label}",
        confirmed=ft_kib > 1.5 * gil_kib,
        evidence=f"USS потока: {ft_kib:.0f} КиБ против {gil_kib:.0f} КиБ",
        numbers={"free_threaded_kib": ft_kib, "gil_kib": gil_kib},
        reason_if_not="в этой версии free-threaded сборки поток обходится дешевле, "
        "или прирост памяти исказили арены распределителя",
        stamp=sides[free.label]["stamp"],
    )

# %%
# Что видно
# ---------
#
# Поток стоит десятки или сотни килобайт: свой стек (виртуальной памяти под него
# отведено много, но в оперативной памяти только страницы, которых он коснулся)
# и состояние интерпретатора для потока. Модули и объекты у потоков общие.
#
# Процесс после ``fork`` получает копию памяти родителя, но ядро не копирует
# страницы, пока кто-нибудь из двоих не запишет в них (копирование при записи).
# Поэтому его USS мал, а RSS — как у родителя: ``top`` покажет у каждого
# процесса пула почти всю память родителя, хотя настоящий расход — его USS. Со
# временем USS такого процесса растёт: запись в объект — даже изменение его
# счётчика ссылок — копирует страницу целиком (следующий пример).
#
# Процесс ``spawn`` начинает с чистого интерпретатора и импортирует всё сам: его
# USS — почти вся его память. ``forkserver`` между ними: процесс ответвляется от
# сервера, который загрузил только то, что ему велели (см. пример о
# ``set_forkserver_preload``); сам сервер — ещё один процесс на всех.
#
# Субинтерпретатор живёт в том же процессе, но модули и объекты у него свои:
# каждый импортирует модули заново. Выходит дешевле процесса ``spawn`` (общие
# у них код интерпретатора, библиотеки и сам процесс), но на порядок дороже
# потока.
#
# На free-threaded сборке (правая панель, если она есть) поток дороже — это
# последняя проверка выше: у каждого потока там свои кучи распределителя памяти
# mimalloc.
