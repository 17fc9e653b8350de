"""
Те же два потока без GIL
========================

В примере :ref:`sphx_glr_auto_examples_04_gil_plot_gil_timeline.py` два потока,
занятые вычислениями, на сборке с GIL сменяют друг друга: полосы на временной
шкале почти не перекрываются. Здесь те же два потока — с той же функцией, тем же
``N`` и тем же шагом отметок — запускаются в двух интерпретаторах: в сборке с GIL
и в free-threaded сборке CPython (:pep:`703`: ``python3.14t``, ``python3.15t``,
экспериментальная ``python3.13t``),
если она есть на машине, где собирается страница. Их шкалы нарисованы одна под
другой.
"""

# %%
# Код
# ---
#
# Ниже — весь код, который выполняет каждый интерпретатор: функция ``work`` из
# конспекта и ``two_threads``, которая запускает её в двух потоках и возвращает
# их отметки времени, сколько ядер они заняли, счётчик, включён ли GIL и штамп
# интерпретатора.
#
# .. literalinclude:: _timeline_without_gil.py
#
# :download:`_timeline_without_gil.py`
#
# Его выполняет другой интерпретатор — ``potok.interpreters.Child``, поэтому код
# лежит в модуле рядом с примером. Free-threaded сборка запускается с
# ``-X gil=0``: так GIL не включится, даже если какой-то модуль об этом попросит.

# sphinx_gallery_tags = ["потоки", "free-threaded"]
from dataclasses import replace

import _timeline_without_gil
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

N = measure.scale(2_000_000, 200_000)  # итераций на поток
EVERY = max(N // 4000, 1)  # отметка времени раз в EVERY итераций

survey = interpreters.available()
here = interpreters.here()
with_gil = survey.newest(free_threaded=False) if here.free_threaded else here
free = here if here.free_threaded else survey.newest(free_threaded=True)
print(machine.stamp())
print(f"итераций на поток: {N:_}")
if free is None:
    print(survey.not_measured(interpreters.FREE_THREADED))


def overlap(spans):
    """Какую долю времени работы потока, который работал меньше, другой поток
    работал тоже: 0 — ни разу одновременно, 1 — всё время вместе."""
    a, b = (sorted(v) for v in spans.values())
    both = sum(max(0.0, min(a1, b1) - max(a0, b0)) for a0, a1 in a for b0, b1 in b)
    busy = min(sum(y - x for x, y in a), sum(y - x for x, y in b))
    return both / busy if busy > 0 else 0.0


def total(tl):
    return max(b for spans in tl.spans().values() for _, b in spans)


# %%
# Измерение
# ---------
#
# По очереди в каждом интерпретаторе; для каждого печатаются отрезки работы
# потоков, сколько заняла вся работа, счётчик, сколько ядер заняли потоки
# (процессорное время / время по часам) и доля времени, когда работали оба.

sides = {}
for python in filter(None, (with_gil, free)):
    options = ["-X", "gil=0"] if python.free_threaded else []
    try:
        with interpreters.Child(python, options=options) as child:
            res = child.call(_timeline_without_gil.two_threads, N, EVERY)
    except interpreters.ChildFailed as exc:
        if python is here:
            raise
        print(f"не измерено: {python.label} ({str(exc).strip().splitlines()[-1]})")
        continue
    spans = res["timeline"].spans()
    res["overlap"] = overlap(spans)
    sides[python] = res
    state = "GIL включён" if res["gil"] else "GIL выключен"
    print(f"--- {res['stamp'].python}; после работы: {state}")
    for name, intervals in spans.items():
        busy = sum(b - a for a, b in intervals)
        print(f"  {name}: отрезков работы {len(intervals)}, суммарно {busy:.3f} с")
    print(f"  вся работа заняла {total(res['timeline']):.3f} с")
    print(f"  счётчик: {res['counter']:_} из {2 * N:_}")
    print(f"  занято ядер (время CPU / время): ×{res['cores']:.2f}")
    print(f"  доля времени, когда работали оба потока: {res['overlap']:.0%}")

# %%
# График
# ------
#
# По шкале на интерпретатор, с общей осью времени. Какой интерпретатор измерил
# каждую шкалу, написано над ней и в штампе под графиком.

fig, axes = plots.figure(len(sides), 1, height=2.3 * len(sides) + 0.4)
axes = [axes] if len(sides) == 1 else list(axes)
right = max(total(res["timeline"]) for res in sides.values()) * 1.02
for ax, res in zip(axes, sides.values(), strict=True):
    plots.timeline(ax, res["timeline"])
    ax.set_xlim(0, right)
    gil = "С GIL" if res["gil"] else "Без GIL"
    ax.set_title(f"{gil}: {res['stamp'].python}", fontsize=10)
for ax in axes[:-1]:
    ax.set_xlabel("")
last = list(sides.values())[-1]["stamp"]
both = "; ".join(
    f"шкала {i}: {res['stamp'].python}" for i, res in enumerate(sides.values(), 1)
)
plots.stamp(fig, replace(last, python=both))
plt.show()

if free in sides and not sides[free]["gil"]:
    res = sides[free]
    claims.check(
        "no-gil-threads-overlap",
        "без GIL два потока работают одновременно",
        confirmed=res["overlap"] > 0.5,
        evidence=f"оба потока работали {res['overlap']:.0%} своего времени",
        numbers={"overlap": res["overlap"], "cores": res["cores"]},
        reason_if_not=(
            "процессу доступен один логический процессор"
            if machine.usable_cpus() < 2
            else "машину делили с другими программами, и второе ядро было "
            f"занято (потоки заняли ×{res['cores']:.2f} ядра)"
            if res["cores"] < 1.5
            else f"потоки заняли ×{res['cores']:.2f} ядра, но задерживали "
            "друг друга, обновляя одну общую переменную counter"
        ),
        stamp=res["stamp"],
    )
elif free in sides:
    print(
        "free-threaded сборка работала с включённым GIL: её шкала — это работа с "
        "GIL, утверждение о работе без GIL не проверялось."
    )

# %%
# Что видно на графике
# --------------------
#
# Ищите на шкале без GIL полосы, которые идут **одна над другой**: без GIL оба
# потока выполняют байт-код в одно и то же время, каждый на своём ядре, и вся
# работа кончается раньше, чем на шкале с GIL (обе длительности напечатаны). То,
# что с GIL потоки сменяют друг друга, проверяет пример
# :ref:`sphx_glr_auto_examples_04_gil_plot_gil_timeline.py`; здесь доля времени,
# когда работали оба потока, напечатана для обеих сборок.
#
# Посмотрите и на счётчик: без GIL ``counter += 1`` из двух потоков теряет
# обновления — об этом пример
# :ref:`sphx_glr_auto_examples_04_gil_plot_lost_updates_without_gil.py`. Если
# полосы на шкале без GIL всё же чередуются, сравните напечатанное число занятых
# ядер с числом логических процессоров в штампе: если потоки заняли около
# одного ядра, второе было занято чужой работой — машину, собиравшую страницу,
# делили с другими программами. Без GIL есть и своя цена у общей переменной:
# оба потока пишут в один и тот же ``counter``, и free-threaded сборка
# защищает его (словарь глобальных переменных модуля) собственной
# блокировкой (:pep:`703`), так что потоки задерживают друг друга.
