"""
Копирование при записи после fork и gc.freeze()
===============================================

После ``fork()`` дочерний процесс получает память родителя, но ядро ничего не
копирует: обе стороны читают одни и те же физические страницы, пока кто-то не
запишет в страницу — тогда ядро копирует её (4 КиБ) для того, кто пишет. Это
**копирование при записи** (copy-on-write). Пул процессов, запущенный через
``fork`` после загрузки больших данных, поэтому почти бесплатен — пока процессы
только читают.

Но в CPython «только читать» объект нельзя: ссылка на объект меняет его счётчик
ссылок, а счётчик лежит в самом объекте. И сборщик мусора, обходя объекты,
пишет в их заголовки. Здесь родитель загружает записи, а дочерний процесс
после ``fork`` делает одно из трёх — ничего, ``gc.collect()`` или читает поле
каждой записи — с :func:`gc.freeze` перед ``fork`` и без него; измеряется,
сколько страниц дочерний процесс скопировал.
"""

# %%
# Код
# ---
#
# Дочерний процесс, сделав своё, ждёт, пока родитель прочитает его
# ``/proc/<pid>/smaps_rollup``: его USS (собственные страницы) — это почти
# только скопированные. ``gc.disable()`` в родителе, ``gc.freeze()`` перед
# ``fork()`` — рецепт из документации модуля :mod:`gc`.
#
# .. literalinclude:: _cow_after_fork.py
#
# Чтобы запустить пример у себя, положите этот модуль рядом с ним:
# :download:`_cow_after_fork.py`.
#
# Этот код выполняет отдельный интерпретатор (``potok.interpreters.Child``): этот
# же Python и новейшая free-threaded сборка, если она есть (с ``-X gil=0``).

# sphinx_gallery_tags = ["процессы", "free-threaded"]
import os
from dataclasses import replace

import _cow_after_fork
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

N = measure.scale(200_000, 50_000)  # записей
ACTIONS = {"nothing": "ничего", "collect": "gc.collect()", "read": "читает все записи"}

print(machine.stamp())
here = interpreters.here()
survey = interpreters.available()
free = here if here.free_threaded else survey.newest(free_threaded=True)
pythons = {p.label: p for p in (here, free) if p is not None}
if not hasattr(os, "fork") or not os.path.exists("/proc/self/smaps_rollup"):
    print("Не измерено: нужны os.fork() и /proc/<pid>/smaps_rollup (Linux 4.14+).")
    pythons = {}
elif free is None:
    print(survey.not_measured(interpreters.FREE_THREADED))
sides = {}
for label, python in pythons.items():
    options = ["-X", "gil=0"] if python.free_threaded else []
    with interpreters.Child(python, options=options) as child:
        sides[label] = child.call(_cow_after_fork.measure_all, N, list(ACTIONS))

for res in sides.values():
    print(
        f"--- {res['stamp'].python}: {N:_} записей "
        f"заняли {res['loaded'] / 1024:.1f} МиБ"
    )
    for action, name in ACTIONS.items():
        plain = res["copied"][f"{action} False"] / 1024
        frozen = res["copied"][f"{action} True"] / 1024
        print(f"  дочерний процесс: {name:>17}; скопировал {plain:5.1f} МиБ, "
              f"с gc.freeze() {frozen:5.1f} МиБ")  # fmt: skip

# %%
# График
# ------
#
# По панели на сборку. Столбцы — сколько МиБ дочерний процесс скопировал
# (его USS), без :func:`gc.freeze` и с ним; пунктир — сколько заняли сами
# записи в родителе.

if sides:
    fig, axes = plots.figure(1, len(sides), width=5.5 * len(sides) + 1, height=4.4)
    axes = [axes] if len(sides) == 1 else list(axes)
    for ax, res in zip(axes, sides.values(), strict=True):
        for i, (freeze, name) in enumerate([(False, "без gc.freeze()"),
                                            (True, "с gc.freeze()")]):  # fmt: skip
            mib = [res["copied"][f"{a} {freeze}"] / 1024 for a in ACTIONS]
            ax.bar([j + (i - 0.5) * 0.38 for j in range(len(ACTIONS))], mib,
                   width=0.38, label=name)  # fmt: skip
        ax.axhline(res["loaded"] / 1024, color=plots.REFERENCE, linestyle="--",
                   label="сами записи")  # fmt: skip
        ax.set_xticks(range(len(ACTIONS)), list(ACTIONS.values()))
        ax.set_xlabel("что делает дочерний процесс после fork")
        ax.set_ylabel("скопировано страниц, МиБ")
        ax.set_title(res["stamp"].python, fontsize=10)
        ax.grid(axis="x", visible=False)
    axes[0].legend()
    stamps = [res["stamp"] for res in sides.values()]
    both = " и ".join(s.python for s in stamps)
    plots.stamp(fig, replace(stamps[0], python=both, start_method="os.fork()"))
    plt.show()

# %%
# Что проверяется
# ---------------

for label, res in sides.items():
    key = "free-threaded" if pythons[label].free_threaded else "gil"
    c = {k: v / 1024 for k, v in res["copied"].items()}
    loaded = res["loaded"] / 1024
    claims.check(
        f"collect-copies-{key}",
        f"{label}: gc.collect() в дочернем процессе копирует страницы "
        "объектов родителя",
        confirmed=c["collect False"] > 0.2 * loaded,
        evidence=f"скопировано {c['collect False']:.1f} из {loaded:.1f} МиБ",
        numbers={"copied_mib": c["collect False"], "loaded_mib": loaded},
        reason_if_not="сборщик мусора этой версии не обходит такие записи или не "
        "пишет в их заголовки",
        stamp=res["stamp"],
    )
    claims.check(
        f"freeze-stops-collect-copies-{key}",
        f"{label}: после gc.freeze() сборка мусора в дочернем процессе их не копирует",
        confirmed=c["collect True"] < 0.2 * c["collect False"],
        evidence=f"{c['collect True']:.1f} МиБ против {c['collect False']:.1f} МиБ",
        numbers={"frozen_mib": c["collect True"], "plain_mib": c["collect False"]},
        reason_if_not="в этой сборке сборщик мусора обходит и замороженные объекты",
        stamp=res["stamp"],
    )
    claims.check(
        f"reading-copies-anyway-{key}",
        f"{label}: чтение объектов копирует страницы и с gc.freeze(): "
        "меняются счётчики ссылок",
        confirmed=c["read True"] > 0.3 * loaded
        and c["read True"] > 5 * c["nothing True"],
        evidence=f"скопировано {c['read True']:.1f} из {loaded:.1f} МиБ",
        numbers={"copied_mib": c["read True"], "loaded_mib": loaded},
        reason_if_not="в этой сборке чтение записей не меняет их счётчики ссылок "
        "(отложенный подсчёт или бессмертные объекты)",
        stamp=res["stamp"],
    )

# %%
# Что видно
# ---------
#
# Дочерний процесс, который ничего не делает, копирует доли мегабайта: только
# то, что трогает сам интерпретатор. ``gc.collect()`` без ``gc.freeze()``
# копирует страницы со всеми объектами, которые отслеживает сборщик мусора
# (здесь — записи ``Row``): обходя их, сборщик пишет в их заголовки. Так было в
# Instagram: процессы uWSGI, запущенные через ``fork``, теряли общую память из-за
# сборок мусора, пока сборщик не выключили, а потом в Python 3.7 не добавили
# :func:`gc.freeze` — объекты, «замороженные» перед ``fork``, сборщик больше не
# обходит.
#
# Но ``gc.freeze()`` не спасает от счётчиков ссылок: дочерний процесс, который
# просто читает поле каждой записи, копирует страницы и записей, и чисел в них,
# — с заморозкой и без. Бессмертные объекты (Python 3.12+, :pep:`683`: ``None``,
# малые числа, строки самого интерпретатора) счётчик не меняют, но данные приложения
# к ним не относятся. Чтобы данные действительно делились между процессами,
# их держат не в объектах Python: в ``bytes``, массиве NumPy, в
# :class:`multiprocessing.shared_memory.SharedMemory` — там чтение ничего не
# пишет.
#
# На free-threaded сборке те же записи занимают больше памяти (у каждого
# объекта заголовок больше, см. пример о памяти объектов на двух сборках), а
# картина копирования та же.
