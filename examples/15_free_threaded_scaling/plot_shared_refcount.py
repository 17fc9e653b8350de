"""
Чтение тоже пишет: общий объект и счётчик ссылок
================================================

Потоки здесь ничего не меняют — только читают список чисел и ищут в нём
наибольшее. Но каждый раз, когда цикл берёт элемент, CPython прибавляет единицу
к счётчику ссылок этого объекта, а отпуская — вычитает. Счётчик лежит в
заголовке объекта, так что чтение объекта — это запись в его память.

Без GIL так устроен :term:`подсчёт ссылок со смещением`: у объекта есть
поток-владелец (тот, что его создал), и владелец меняет свой счётчик обычными
командами, а все остальные потоки — атомарными, в общем поле. Когда объект
читают несколько потоков на разных ядрах, строка кеша с этим полем переезжает
от ядра к ядру на каждом шаге. Здесь три способа дать потокам одни и те же
числа:

* **общий список** — все потоки читают один список, созданный главным потоком;
* **поверхностная копия** — каждый поток делает себе ``list(shared)``: список
  свой, но числа в нём те же объекты, что в общем;
* **свои числа** — каждый поток создаёт свой список своих чисел (у этих
  объектов владелец — он сам).
"""

# %%
# Код
# ---
#
# Ниже — весь код замера. ``largest`` — работа потока, ``get_data`` — что он
# получает в каждом варианте, ``run`` запускает потоки вместе (у барьера) и
# возвращает их процессорное время на один прочитанный элемент,
# ``scaling`` измеряет все варианты для 1, 2 (и 4, если у машины хватает
# логических процессоров) потоков по очереди (A B C A B C …).
#
# .. literalinclude:: _shared_refcount.py
#
# Чтобы запустить пример у себя, скачайте и этот модуль и положите его рядом:
# :download:`_shared_refcount.py`.
#
# Код выполняет free-threaded сборка — дважды, в двух дочерних процессах
# ``potok.interpreters.Child``: с ``-X gil=0`` и с ``-X gil=1`` (GIL включён
# обратно), так что разница только в GIL.

# sphinx_gallery_tags = ["потоки", "free-threaded"]
from dataclasses import replace

import _shared_refcount
import matplotlib.pyplot as plt

from potok import claims, cpu, interpreters, machine, measure, plots

K = 2_000  # чисел в списке
ROUNDS = measure.scale(480, 60)  # проходов по списку у каждого потока
REPEATS = measure.scale(5, 2)
CPUS = machine.usable_cpus()
WORKERS = sorted({1, 2, min(CPUS, 4)})
LABELS = {"shared": "общий список", "copy": "поверхностная копия", "own": "свои числа"}

print(machine.stamp())
survey = interpreters.available()
here = interpreters.here()
free = here if here.free_threaded else survey.newest(free_threaded=True)
print(survey.not_measured(interpreters.FREE_THREADED) or "free-threaded: всё найдено")
sides = {}
if free is not None:
    print(
        f"измеряется в: {free.label}; потоков: {WORKERS}; чтений на поток: "
        f"{K * ROUNDS:_}"
    )
    try:
        for mode in ("0", "1"):
            with interpreters.Child(free, options=["-X", f"gil={mode}"]) as child:
                sides[mode] = child.call(
                    _shared_refcount.scaling, WORKERS, K, ROUNDS, REPEATS
                )
    except interpreters.ChildFailed as exc:
        if free is here:
            raise
        sides = {}  # обе стороны или ни одной
        print(f"не измерено: {free.label} ({str(exc).strip().splitlines()[-1]})")


def speed(res: dict, v: str, w: int) -> float:
    """Во сколько раз больше чтений в секунду делают ``w`` потоков, чем один."""
    one, many = res["timings"][f"{v} 1"].median, res["timings"][f"{v} {w}"].median
    return w * one / many


def cores(res: dict, v: str, w: int) -> float:
    """Сколько логических процессоров потоки заняли на самом деле (медиана)."""
    busy = res["cpu_ns"][f"{v} {w}"].median * 1e-9 * w * ROUNDS * K
    return busy / res["timings"][f"{v} {w}"].median


for mode, res in sides.items():
    state = "GIL включён" if res["gil"] else "GIL выключен"
    print(f"--- -X gil={mode}: {res['stamp'].python}; после работы: {state}")
    for v, label in LABELS.items():
        for w in WORKERS:
            ns = res["cpu_ns"][f"{v} {w}"]
            print(
                f"  {label:<20} потоков {w}: ×{speed(res, v, w):.2f} чтений в "
                f"секунду, {ns.median:.1f} нс процессора на элемент, занято "
                f"CPU: {cores(res, v, w):.2f}"
            )
print(cpu.machine_load())

# %%
# График
# ------
#
# Слева — во сколько раз больше элементов в секунду прочитали все потоки
# вместе, чем один поток (полоса — от худшего до лучшего повтора; пунктир —
# идеал, ×N, но не больше числа логических процессоров). Справа — сколько
# процессорного времени поток тратит на один элемент: если эта линия растёт с
# числом потоков, потоки мешают друг другу.

if sides:
    fig, (left, right) = plots.figure(1, 2, width=11, height=4.4)
    no_gil, with_gil = sides["0"], sides["1"]
    for v, label in LABELS.items():
        series = [no_gil["timings"][f"{v} {w}"] for w in WORKERS]
        per_read = [
            measure.Timing(tuple(s / w for s in t.samples))
            for w, t in zip(WORKERS, series, strict=True)
        ]
        plots.speedup(
            left, WORKERS, {label: per_read}, baseline=series[0].median, ideal=False
        )
        plots.medians(
            right, WORKERS, [no_gil["cpu_ns"][f"{v} {w}"] for w in WORKERS], label=label
        )
    gil_own = [speed(with_gil, "own", w) for w in WORKERS]
    ideal = f"идеал: ×N, не больше CPU ({CPUS})"
    left.plot(WORKERS, gil_own, ":s", color=plots.REFERENCE, label="свои, -X gil=1")
    left.plot(WORKERS, [min(w, CPUS) for w in WORKERS], "--", color=plots.REFERENCE,
              label=ideal)  # fmt: skip
    left.set_xlabel("число потоков")
    left.set_ylabel("чтений в секунду, раз от одного потока")
    left.set_ylim(bottom=0)
    left.legend(fontsize=8)
    right.set_xticks(WORKERS)
    right.set_xlabel("число потоков")
    right.set_ylabel("процессорное время на элемент, нс")
    right.set_ylim(bottom=0)
    right.legend(fontsize=8)
    fig.suptitle(f"{free.label}: потоки читают одни и те же числа или свои")
    plots.stamp(fig, replace(no_gil["stamp"], python=f"{free.label}, -X gil=0 и 1"))
    plt.show()

# %%
# Что проверяется
# ---------------

if sides and not sides["0"]["gil"]:
    res, two = sides["0"], 2
    dearer = {
        v: res["cpu_ns"][f"{v} {two}"].median / res["cpu_ns"][f"{v} 1"].median
        for v in LABELS
    }
    busy = min(cores(res, v, two) for v in LABELS)
    overlapped = busy > 1.4  # иначе потокам не из-за чего дорожать
    why = f"потоки не работали одновременно (заняли {busy:.2f} CPU): " + (
        cpu.machine_load()
    )
    claims.check(
        "shared-reads-cost-more",
        "без GIL чтение общих чисел двумя потоками сразу стоит каждому потоку "
        "больше процессорного времени, чем в одиночку, а чтение своих — нет",
        confirmed=overlapped and dearer["shared"] > 1.3 and dearer["own"] < 1.15,
        evidence=f"нс на элемент, 2 потока ÷ 1 поток: общий список "
        f"×{dearer['shared']:.2f}, свои числа ×{dearer['own']:.2f}; занято CPU: "
        f"{busy:.2f}",
        numbers={"shared": dearer["shared"], "own": dearer["own"], "cpus": busy},
        reason_if_not=why if not overlapped else "разница утонула в шуме",
        stamp=res["stamp"],
    )
    claims.check(
        "shallow-copy-shares-objects",
        "поверхностная копия не спасает: её числа — те же объекты, и цена чтения "
        "растёт так же, как у общего списка",
        confirmed=overlapped
        and dearer["copy"] > 1.3
        and dearer["copy"] > 0.7 * dearer["shared"],
        evidence=f"нс на элемент, 2 потока ÷ 1 поток: копия ×{dearer['copy']:.2f}, "
        f"общий список ×{dearer['shared']:.2f}; занято CPU: {busy:.2f}",
        numbers={"copy": dearer["copy"], "shared": dearer["shared"], "cpus": busy},
        reason_if_not=why if not overlapped else "разница утонула в шуме",
        stamp=res["stamp"],
    )
if "1" in sides:
    used = {v: cores(sides["1"], v, 2) for v in LABELS}
    claims.check(
        "gil-one-cpu",
        "с включённым GIL два потока ни в одном варианте не заняли больше одного "
        "CPU: байт-код выполняет один поток за раз",
        confirmed=max(used.values()) < 1.15,
        evidence=", ".join(f"{LABELS[v]}: {c:.2f} CPU" for v, c in used.items()),
        numbers=used,
        reason_if_not="GIL отпускался надолго — в этой работе так быть не должно",
        stamp=sides["1"]["stamp"],
    )

# %%
# Что видно на графике
# --------------------
#
# **С GIL** (точечная линия слева) два потока не должны читать быстрее одного
# ни в каком варианте: байт-код выполняет один поток за раз — и поэтому же они
# не мешают друг другу в счётчиках ссылок.
#
# **Без GIL** разница между вариантами — в том, чьи это объекты. Свои числа
# поток читает обычными командами, и его процессорное время на элемент (справа)
# не должно зависеть от того, сколько потоков работает рядом. Общие числа
# каждый поток читает атомарными операциями над одними и теми же строками кеша,
# и когда два потока делают это одновременно, каждое чтение дорожает.
# Поверхностная копия ведёт себя как общий список: ``list(shared)`` копирует
# ссылки, а не объекты. Своими данные делает только новый объект, созданный
# самим потоком: передайте потоку не объект, а то, из чего его построить
# (размер, имя файла, номер куска). Даже :func:`copy.deepcopy` числа и строки
# не копирует (упражнение 1 к главе).
#
# Что могут и чего не могут показать два логических процессора
# -------------------------------------------------------------
#
# На двух логических процессорах видно одно: как меняется цена чтения, когда
# к первому потоку добавляется второй. Если машину в это время занимали другие
# программы, потоки работали одновременно не всё время (сколько CPU они заняли,
# напечатано выше), и разница меньше. Как растёт эта цена на 8 или 64 ядрах,
# здесь не видно: чем больше ядер пишут в одну строку кеша, тем дольше каждое
# ждёт её, и на таких машинах общий объект может сделать потоки медленнее
# одного. На машине, где больше логических процессоров, пример сам добавит
# точку с четырьмя потоками.
#
# Что изменится в других версиях
# -------------------------------
#
# Числа, созданные во время работы, — обычные объекты в любой версии: ни в
# 3.13t, ни в 3.14t для них нет исключений (:ref:`какие объекты CPython
# исключает <sphx_glr_auto_examples_15_free_threaded_scaling_plot_hot_names.py>`
# — в соседнем примере). В 3.14 интерпретатор реже трогает счётчики у
# локальных переменных (:ref:`что нового в 3.14 <python:whatsnew314-refcount>`),
# но элемент, взятый из списка, — новая ссылка в любой версии.
