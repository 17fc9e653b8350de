"""
forkserver и set_forkserver_preload: что процесс пула загружает сам
===================================================================

С Python 3.14 на Linux пулы процессов по умолчанию запускаются через
``forkserver``: при первом запуске процесса ``multiprocessing`` запускает
«сервер» — чистый интерпретатор, — и каждый новый процесс пула ответвляется
(``fork``) от него, а не от вашей программы. Это безопаснее, чем ``fork`` от
программы с потоками, но у сервера нет ничего из того, что программа уже
загрузила: каждый процесс пула импортирует модули приложения сам, и у каждого
своя копия всего, что они строят при импорте.

:func:`multiprocessing.set_forkserver_preload` называет модули, которые сервер
импортирует один раз, до того как начнёт ответвлять процессы; процессы пула
получают их готовыми и, пока не пишут в них, делят их страницы с сервером.
Здесь пул из нескольких процессов ``forkserver`` выполняет задачи из модуля,
который при импорте строит большую таблицу, — с предзагрузкой и без.
"""

# %%
# Код
# ---
#
# Каждый вариант выполняется в своём новом интерпретаторе
# (``potok.interpreters.Child``): сервер forkserver один на процесс, и список
# предзагрузки действует, только если задан до его запуска. Процесс пула
# сообщает, в каком процессе импортирован модуль (если не в нём самом — значит,
# модуль достался ему от сервера) и кто его родитель: это и есть сервер.
#
# .. literalinclude:: _preload_memory.py
#
# Чтобы запустить пример у себя, положите этот модуль рядом с ним:
# :download:`_preload_memory.py`.

# sphinx_gallery_tags = ["процессы"]
import multiprocessing
from dataclasses import replace

import _preload_memory
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

WORKERS = measure.scale(4, 2)
ROUNDS = measure.scale(2, 1)
VARIANTS = {False: "без предзагрузки", True: "set_forkserver_preload"}

print(machine.stamp())
here = interpreters.here()
runs = {v: [] for v in VARIANTS}
can = "forkserver" in multiprocessing.get_all_start_methods()
try:
    _preload_memory.smaps("self")
except OSError:  # нет /proc: не Linux
    can = False
if not can:
    print(
        "Не измерено: нужны способ запуска forkserver "
        "и /proc/<pid>/smaps_rollup (Linux)."
    )
for _ in range(ROUNDS if can else 0):  # по очереди: A B A B
    for preload in VARIANTS:
        with interpreters.Child(here) as child:
            runs[preload].append(child.call(_preload_memory.run, preload, WORKERS))

if can:
    seconds = {
        v: measure.Timing(tuple(r["seconds"] for r in runs[v])) for v in VARIANTS
    }
    per = {  # МиБ на процесс пула: по значению на каждый процесс каждого круга
        (v, m): measure.Timing(
            tuple(w[m] / 1024 for r in runs[v] for w in r["workers"])
        )
        for v in VARIANTS
        for m in ("uss", "pss")
    }
    server = {v: max(r["server"]["uss"] for r in runs[v]) / 1024 for v in VARIANTS}
    family = {  # PSS всех процессов пула и сервера: их настоящий общий расход
        v: max(
            sum(w["pss"] for w in r["workers"]) + r["server"]["pss"] for r in runs[v]
        )
        / 1024
        for v in VARIANTS
    }
    print(
        f"процессов в пуле: {WORKERS}; в таблице {len(_preload_memory.TABLE):_} строк"
    )
    for v, name in VARIANTS.items():
        last = runs[v][-1]
        print(
            f"{name}: все ответили через {seconds[v]}; модуль достался от сервера: "
            f"{'да' if last['preloaded'] else 'нет'}; "
            f"разных процессов: {last['distinct']}"
        )
        print(f"  на процесс пула: USS {per[v, 'uss'].median:.1f} МиБ, PSS "
              f"{per[v, 'pss'].median:.1f} МиБ; USS сервера {server[v]:.1f} МиБ; "
              f"PSS пула и сервера вместе {family[v]:.1f} МиБ")  # fmt: skip

# %%
# График
# ------
#
# Слева — память одного процесса пула (USS и PSS, медиана по процессам, черта —
# от самого лёгкого до самого тяжёлого), справа — PSS всего пула вместе с
# сервером.

if can:
    fig, (left, right) = plots.figure(1, 2, width=10, height=4.2)
    fig.suptitle("Пул forkserver: модуль приложения с предзагрузкой в сервер и без")
    for i, m in enumerate(("uss", "pss")):
        x = [j + (i - 0.5) * 0.25 for j in range(len(VARIANTS))]
        plots.medians(left, x, [per[v, m] for v in VARIANTS], linestyle="none",
                      label=m.upper())  # fmt: skip
    left.set_ylabel("память одного процесса пула, МиБ")
    left.legend()
    right.bar(
        range(len(VARIANTS)), [family[v] for v in VARIANTS], color=plots.PALETTE[2]
    )
    right.set_ylabel(f"PSS пула из {WORKERS} и сервера, МиБ")
    for ax in (left, right):
        ax.set_xticks(range(len(VARIANTS)), list(VARIANTS.values()))
        ax.set_ylim(bottom=0)
        ax.grid(axis="x", visible=False)
    plots.stamp(fig, replace(runs[True][-1]["stamp"], start_method="forkserver"))
    plt.show()

# %%
# Что проверяется
# ---------------

if can:
    claims.check(
        "preload-shrinks-workers",
        "с предзагрузкой собственная память (USS) процесса пула в разы меньше",
        confirmed=per[True, "uss"].median * 2 < per[False, "uss"].median,
        evidence=f"{per[True, 'uss'].median:.1f} МиБ "
        f"против {per[False, 'uss'].median:.1f} МиБ",
        numbers={
            "preload_mib": per[True, "uss"].median,
            "plain_mib": per[False, "uss"].median,
        },
        reason_if_not="предзагрузка молча не сработала (сервер не импортировал "
        "модуль), или задачи, читая таблицу, скопировали её страницы",
    )
    claims.check(
        "preload-shrinks-pool",
        "с предзагрузкой весь пул вместе с сервером занимает меньше памяти",
        confirmed=family[True] < family[False],
        evidence=f"PSS пула и сервера: {family[True]:.1f} МиБ "
        f"против {family[False]:.1f} МиБ",
        numbers={"preload_mib": family[True], "plain_mib": family[False]},
        reason_if_not="предзагрузка молча не сработала: сервер не импортировал модуль "
        "(смотрите вывод выше)",
    )

# %%
# Что видно
# ---------
#
# Без предзагрузки каждый процесс пула, получив первую задачу, импортирует модуль
# сам — и строит свою таблицу: USS каждого — почти вся таблица. С предзагрузкой
# таблицу построил сервер, и процессы пула делят её страницы с ним: их USS мал,
# а PSS каждого — доля общей таблицы. Сервер при этом сам держит одну копию,
# поэтому выигрыш растёт с числом процессов пула. Пока процессы только читают
# таблицу, делятся её страницы не целиком: каждый найденный ключ меняет счётчики
# ссылок своих объектов (пример о копировании при записи).
#
# Предзагрузка молча пропускает модуль, который не удалось импортировать
# (``ImportError``), поэтому проверяйте, что она сработала, — как здесь: модуль,
# который запомнил pid процесса, где его импортировали. Где модуль импортирован
# при каждом методе запуска и насколько раньше с предзагрузкой отвечает пул,
# проверяет пример главы 17
# :ref:`sphx_glr_auto_examples_17_platforms_observability_plot_forkserver_preload.py`.
#
# Не предзагружайте модули, которые при импорте запускают потоки или открывают
# соединения: сервер ответвляет процессы ``fork``, и с потоками он станет
# таким же небезопасным, как ``fork`` от программы.
