"""
Что переходит в другой интерпретатор: копия, pickle или общий буфер
===================================================================

Субинтерпретаторы изолированы: изменяемый объект одного интерпретатора другой
не видит. Всё, что передаётся через ``interp.call``, ``prepare_main`` или
очередь, приходит на другую сторону одним из трёх путей
(:ref:`python:interp-object-sharing`):

* **разделяемые** неизменяемые объекты — ``None``, ``bool``, ``int``,
  ``float``, ``str``, ``bytes``, ``tuple`` из таких же — копируются напрямую, без
  :mod:`pickle`;
* **всё остальное** — через :mod:`pickle`: в одном интерпретаторе сериализуется,
  в другом собирается копия;
* два типа **делят данные по-настоящему**: ``memoryview`` (буфер остаётся один,
  и его видят оба) и очередь ``create_queue()``.

Пример передаёт в субинтерпретатор одни и те же байты в трёх видах — ``bytes``,
``bytearray`` и ``memoryview`` на ``bytearray`` — и измеряет, сколько стоит
передача в зависимости от размера; и проверяет, чьё изменение видно.
"""

# %%
# Код
# ---
#
# .. literalinclude:: _shared_memoryview.py
#
# :download:`_shared_memoryview.py`
#
# Функции ``size_of`` и ``poke`` выполняются в субинтерпретаторе. Глобальных
# имён в них нет, поэтому ``interp.call`` передаёт их без pickle, и
# субинтерпретатору не нужно импортировать ``_shared_memoryview``. Модуль
# выполняет самый новый найденный Python 3.14 или новее со сборкой с GIL
# (``potok.interpreters.Child``).

# sphinx_gallery_tags = ["субинтерпретаторы"]
from dataclasses import replace

import _shared_memoryview
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

KIB = 1024
SIZES = measure.scale(
    [KIB, 32 * KIB, 512 * KIB, 4096 * KIB], [KIB, 32 * KIB, 512 * KIB]
)
REPEATS = measure.scale(5, 3)

print(machine.stamp())
survey = interpreters.available()
me = interpreters.here()
found = {p.key: p for p in survey.interpreters} | {me.key: me}
pythons = [
    found[key]
    for key in interpreters.ORDER
    if key in found and found[key].interpreter_pool and not found[key].free_threaded
][-1:]  # самый новый
print("измеряется в:", ", ".join(p.label for p in pythons) or "нигде")
if not pythons:
    print(
        "Не измерено: concurrent.interpreters появился в Python 3.14, а такого "
        f"интерпретатора здесь нет. {survey.not_measured(['3.14', '3.15'])}"
    )

results = {}
for python in pythons:
    with interpreters.Child(python) as child:
        results[python.key] = {
            "shareable": child.call(_shared_memoryview.shareable),
            "seen": child.call(_shared_memoryview.seen_after_poke),
            **child.call(_shared_memoryview.transfer_costs, SIZES, REPEATS),
        }

# %%
# Что разделяемо и чьё изменение видно
# ------------------------------------
#
# ``interpreters.is_shareable(obj)`` отвечает, пройдёт ли объект без pickle.
# Потом субинтерпретатор записывает 7 в первый байт полученного буфера.

for got in results.values():
    print(f"--- {got['stamp'].python} ---")
    yes = [name for name, ok in got["shareable"].items() if ok]
    no = [name for name, ok in got["shareable"].items() if not ok]
    print("разделяемые:", ", ".join(yes))
    print("через pickle:", ", ".join(no))
    for kind, value in got["seen"].items():
        print(f"после poke({kind}) главный видит первый байт: {value}")
    for kind, series in got["costs"].items():
        cells = ", ".join(measure.format_seconds(t.median) for t in series)
        print(f"  {kind:>10}: {cells}")

# %%
# График
# ------
#
# По горизонтали — размер данных, по вертикали — время одного
# ``interp.call(size_of, данные)``; обе оси логарифмические. Точка — медиана,
# отрезок — от минимума до максимума.

if results:
    fig, axes = plots.figure(1, len(results), height=4.2, width=4.5 * len(results) + 1)
    axes = [axes] if len(results) == 1 else list(axes)
    for ax, got in zip(axes, results.values(), strict=True):
        for kind, series in got["costs"].items():
            plots.medians(ax, [s / KIB for s in SIZES], series, per=1e-3, label=kind)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("размер данных, КиБ")
        ax.set_ylabel("время вызова, мс")
        ax.set_title(got["stamp"].python.split(" (")[0])
        ax.legend()
    stamps = [got["stamp"] for got in results.values()]
    plots.stamp(fig, replace(stamps[0], python=", ".join(s.python for s in stamps)))
    plt.show()

# %%
# Что проверяется
# ---------------

for key, got in results.items():
    label, stamp = found[key].label, got["stamp"]
    last = {kind: series[-1].median for kind, series in got["costs"].items()}
    first = {kind: series[0].median for kind, series in got["costs"].items()}
    big = f"{SIZES[-1] // KIB} КиБ"
    claims.check(
        "memoryview-shares-buffer",
        f"{label}: запись через memoryview в субинтерпретаторе видна в главном, "
        "а запись в переданный bytearray — нет (там была копия)",
        confirmed=got["seen"] == {"bytearray": 0, "memoryview": 7},
        evidence=f"первый байт после записи: {got['seen']}",
        numbers=got["seen"],
        reason_if_not="в этой версии Python memoryview или bytearray передаются в "
        "субинтерпретатор иначе",
        stamp=stamp,
    )
    claims.check(
        "memoryview-cost-flat",
        f"{label}: передать memoryview стоит почти одинаково при любом размере "
        "буфера — данные не копируются",
        confirmed=last["memoryview"] < 3 * first["memoryview"],
        evidence=f"{SIZES[0] // KIB} КиБ: {first['memoryview'] * 1e3:.2f} мс, "
        f"{big}: {last['memoryview'] * 1e3:.2f} мс",
        numbers={
            "small_ms": first["memoryview"] * 1e3,
            "big_ms": last["memoryview"] * 1e3,
        },
        reason_if_not="машина была занята во время замера",
        stamp=stamp,
    )
    claims.check(
        "pickle-slower-than-copy",
        f"{label}: на большом буфере bytearray (через pickle) дороже bytes "
        "(прямая копия), а bytes дороже memoryview (без копии)",
        confirmed=last["bytearray"] > last["bytes"] > last["memoryview"],
        evidence=", ".join(f"{k} {v * 1e3:.2f} мс" for k, v in last.items())
        + f" на {big}",
        numbers={f"{k}_ms": v * 1e3 for k, v in last.items()},
        reason_if_not="размер слишком мал, чтобы копия была заметна",
        stamp=stamp,
    )

# %%
# Что видно на графике
# --------------------
#
# Линия ``memoryview`` лежит ровно: сколько бы ни было данных, передаётся
# только ссылка на буфер, и субинтерпретатор пишет в тот же буфер, что видит
# главный. Линия ``bytes`` растёт с размером — это копия байт, без pickle. Линия
# ``bytearray`` выше всех: изменяемый тип не разделяем, он уходит через pickle.
# Внизу слева все три сходятся: маленький вызов стоит переключения на другой
# интерпретатор и обратно, а не копирования.
#
# Отсюда два правила. Большие данные отдавайте субинтерпретатору как
# ``memoryview`` (на ``bytearray``, ``array.array``, общий блок
# :class:`~multiprocessing.shared_memory.SharedMemory` — на любой объект с
# буферным протоколом), а не как изменяемый объект. И договоритесь, кто когда
# пишет в общий буфер: это уже общая память, и GIL одного интерпретатора
# другой не останавливает — у каждого свой.
