"""
По событийному циклу в каждом потоке: что масштабируется
========================================================

Один :term:`событийный цикл` выполняет корутины по очереди в одном потоке: если
на каждый запрос приходится заметное вычисление, цикл упирается в одно ядро.
Официальная страница :ref:`«asyncio and free-threaded Python»
<python:asyncio-threading>` советует для free-threaded сборки запускать **по
циклу в каждом потоке**: у каждого свои задачи, а вычисления разных циклов идут
на разных ядрах.

Здесь 1, 2 (и 4, если у машины хватает логических процессоров) потока, в каждом
``asyncio.run`` с одной и той же работой двух видов:

* **крупные шаги** — несколько задач, каждая много считает между ``await``:
  почти всё время уходит на вычисления в корутинах;
* **поток задач** — тысячи задач по одному маленькому шагу: почти всё время
  уходит на работу самого asyncio — создать задачу, учесть её, переключиться.

Сравниваются сборка с GIL и free-threaded сборка с ``-X gil=0``.
"""

# %%
# Код
# ---
#
# Ниже — весь код: ``spin`` — шаг вычислений, ``handle`` — одна задача,
# ``serve`` — работа одного цикла (группа задач), ``run`` запускает потоки,
# каждый со своим ``asyncio.run``, ``scaling`` измеряет все виды работы по
# очереди и сообщает, держит ли модуль ``_asyncio`` общие для всех циклов
# процесса словарь текущих задач и множество задач.
#
# .. literalinclude:: _event_loops.py
#
# Чтобы запустить пример у себя, скачайте и этот модуль и положите его рядом:
# :download:`_event_loops.py`.
#
# Код выполняют два дочерних интерпретатора (``potok.interpreters.Child``):
# сборка с GIL и новейшая free-threaded сборка, если она нашлась.

# sphinx_gallery_tags = ["потоки", "asyncio", "free-threaded"]
from dataclasses import replace

import _event_loops
import matplotlib.pyplot as plt

from potok import claims, cpu, interpreters, machine, measure, plots

SCALE = measure.scale(0.8, 0.15)  # доля задач от размеров в SHAPES
REPEATS = measure.scale(5, 2)
CPUS = machine.usable_cpus()
WORKERS = sorted({1, 2, min(CPUS, 4)})
LABELS = {"coarse": "крупные шаги", "churn": "поток задач"}

print(machine.stamp())
survey = interpreters.available()
here = interpreters.here()
with_gil = survey.newest(free_threaded=False) if here.free_threaded else here
free = here if here.free_threaded else survey.newest(free_threaded=True)
print(survey.not_measured(interpreters.FREE_THREADED) or "free-threaded: всё найдено")
sides = {}
for python in filter(None, (with_gil, free)):
    options = ["-X", "gil=0"] if python.free_threaded else []
    try:
        with interpreters.Child(python, options=options) as child:
            sides[python] = child.call(_event_loops.scaling, WORKERS, SCALE, REPEATS)
    except interpreters.ChildFailed as exc:
        if python is here:
            raise
        print(f"не измерено: {python.label} ({str(exc).strip().splitlines()[-1]})")


def timings(res: dict, shape: str) -> list[measure.Timing]:
    """Время на один цикл: время по часам ÷ число циклов (потоков)."""
    return [
        measure.Timing(tuple(s / w for s in res["wall"][f"{shape} {w}"]))
        for w in WORKERS
    ]


def cores(res: dict, shape: str, w: int) -> float:
    """Сколько CPU заняли ``w`` циклов вместе (медиана повторов)."""
    used = [
        c / t
        for c, t in zip(
            res["cpu"][f"{shape} {w}"], res["wall"][f"{shape} {w}"], strict=True
        )
    ]
    return measure.Timing(tuple(used)).median


def speed(res: dict, shape: str, w: int) -> float:
    """Во сколько раз больше работы в секунду делают ``w`` циклов, чем один."""
    per_loop = timings(res, shape)
    return per_loop[0].median / per_loop[WORKERS.index(w)].median


for res in sides.values():
    state = "GIL включён" if res["gil"] else "GIL выключен"
    common = "есть" if res["shared_state"] else "нет"
    print(
        f"--- {res['stamp'].python}; {state}; общее для всех циклов состояние "
        f"в _asyncio: {common}"
    )
    for shape, label in LABELS.items():
        one = measure.Timing(tuple(res["wall"][f"{shape} 1"]))
        gains = ", ".join(
            f"циклов {w}: ×{speed(res, shape, w):.2f} (заняли "
            f"{cores(res, shape, w):.2f} CPU)"
            for w in WORKERS[1:]
        )
        print(f"  {label:<13} один цикл: {one}; {gains}")
print(cpu.machine_load())

# %%
# График
# ------
#
# По панели на сборку: во сколько раз больше работы в секунду сделали все циклы
# вместе, чем один цикл (полоса — от худшего до лучшего повтора). Пунктир —
# идеал: ×N, но не больше числа логических процессоров.

if sides:
    fig, axes = plots.figure(1, len(sides), width=5 * len(sides) + 1, height=4.2)
    axes = [axes] if len(sides) == 1 else list(axes)
    for ax, (python, res) in zip(axes, sides.items(), strict=True):
        for shape, label in LABELS.items():
            series = timings(res, shape)
            plots.speedup(
                ax, WORKERS, {label: series}, baseline=series[0].median, ideal=False
            )
        ax.plot(
            WORKERS,
            [min(w, CPUS) for w in WORKERS],
            linestyle="--",
            color=plots.REFERENCE,
            label=f"идеал: ×N, не больше CPU ({CPUS})",
        )
        ax.set_ylim(bottom=0)
        ax.set_xlabel("событийных циклов (по одному на поток)")
        ax.set_ylabel("работы в секунду, раз от одного цикла")
        gil = "GIL включён" if res["gil"] else "GIL выключен"
        ax.set_title(f"{python.label}: {gil}", fontsize=10)
        if ax is not axes[0]:
            ax.get_legend().remove()
    axes[0].legend(fontsize=8)
    stamps = [res["stamp"] for res in sides.values()]
    both = " и ".join(s.python for s in stamps)
    plots.stamp(fig, replace(stamps[0], python=both))
    plt.show()

# %%
# Что проверяется
# ---------------

if with_gil in sides:
    used = {shape: cores(sides[with_gil], shape, 2) for shape in LABELS}
    claims.check(
        "gil-loops-one-cpu",
        "на сборке с GIL два цикла в двух потоках вместе занимают не больше одного "
        "CPU: байт-код выполняет один поток за раз",
        confirmed=max(used.values()) < 1.15,
        evidence=", ".join(f"{LABELS[s]}: {c:.2f} CPU" for s, c in used.items()),
        numbers=used,
        reason_if_not="GIL отпускался надолго (ожидание, код на C)",
        stamp=sides[with_gil]["stamp"],
    )
if free in sides and not sides[free]["gil"]:
    res = sides[free]
    coarse = speed(res, "coarse", 2)
    claims.check(
        "no-gil-loops-scale",
        "без GIL два цикла в двух потоках считают в корутинах быстрее одного",
        confirmed=coarse > 1.4,
        evidence=f"крупные шаги, 2 цикла: ×{coarse:.2f}",
        numbers={"speedup": coarse, "cpus": CPUS},
        reason_if_not="второй логический процессор был занят: " + cpu.machine_load(),
        stamp=res["stamp"],
    )
    if res["shared_state"]:  # 3.13: общие для всех циклов структуры в _asyncio
        churn = speed(res, "churn", 2)
        claims.check(
            "shared-asyncio-state-limits-churn",
            "когда asyncio держит общее для всех циклов состояние (3.13t), поток "
            "задач масштабируется хуже крупных шагов",
            confirmed=coarse > 1.4 and churn < 0.85 * coarse,
            evidence=f"2 цикла: поток задач ×{churn:.2f}, крупные шаги ×{coarse:.2f}",
            numbers={"churn": churn, "coarse": coarse},
            reason_if_not="крупные шаги сами не ускорились (машина занята) или "
            "разница утонула в шуме",
            stamp=res["stamp"],
        )

# %%
# Что видно на графике
# --------------------
#
# **С GIL** обе линии должны лежать у единицы: циклы в разных потоках
# по-прежнему выполняют байт-код по очереди.
#
# **Без GIL** крупные шаги должны подняться к пунктиру: почти всё время каждый
# цикл считает свои числа в своём потоке, и делить потокам нечего. Чем больше
# доля работы самого asyncio (поток задач), тем важнее, как устроен asyncio
# внутри. В 3.13 модуль ``_asyncio`` держит один на весь
# процесс словарь «цикл → текущая задача», который меняется на каждом шаге
# каждой задачи, и одно множество всех задач (:class:`weakref.WeakSet`), в
# которое записывается каждая новая задача: циклы разных потоков пишут в одни и
# те же объекты. Выше напечатано, есть ли это общее состояние у измеренной
# сборки. В 3.14 оно стало своим у каждого потока, и, по словам автора этой
# работы, циклы в разных потоках больше не соревнуются за блокировки
# (`Scaling asyncio on Free-Threaded Python
# <https://labs.quansight.org/blog/scaling-asyncio-on-free-threaded-python>`_,
# Kumar Aditya, 2025). Поток задач к тому же создаёт много мусора, а сборщик
# мусора free-threaded сборки на время работы останавливает все потоки
# (:pep:`703`), так что эта линия может отставать и там, где общего состояния
# нет.
#
# Два правила со страницы документации, которые этот пример соблюдает: у
# каждого потока свой цикл, и задачи одного цикла не ждут и не трогают из
# другого потока; передать работу в чужой цикл можно только через
# :func:`asyncio.run_coroutine_threadsafe` или
# :meth:`~asyncio.loop.call_soon_threadsafe`.
#
# Что изменится на другой машине
# ------------------------------
#
# На двух логических процессорах линии могут дойти самое большее до ×2, и то
# если машину не занимают другие программы (загрузка напечатана выше). Если
# free-threaded сборки на машине, собравшей сайт, не нашлось, график показывает
# только сборку с GIL, а строка «Не измерено» выше называет, чего не хватило.
