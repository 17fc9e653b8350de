"""
Один общий объект или свои копии: масштабирование без GIL
=========================================================

Без GIL потоки работают на разных ядрах одновременно — но только пока не
трогают одно и то же. Каждый из потоков здесь записывает ``N`` обновлений тремя
способами:

* **общий список** — все потоки вызывают ``shared.append(i)`` у одного списка
  (это безопасно: без GIL список защищает своя блокировка — и потоки в ней
  стоят в очереди);
* **общий счётчик под Lock** — все прибавляют к одному числу под одной
  :class:`threading.Lock`;
* **свои копии** — каждый поток создаёт свой список и пишет в него, а списки
  склеиваются один раз в конце.

Работа каждого потока одинакова, так что при идеальном масштабировании два
потока делают вдвое больше обновлений в секунду, чем один.
"""

# %%
# Код
# ---
#
# Ниже — весь код: по функции на способ и ``contention``, которая измеряет их
# все для 1, 2 и, если процессу доступно больше двух логических процессоров,
# большего числа потоков (до четырёх). Варианты и числа
# потоков чередуются (A B A B …), каждый — с прогревом и несколькими повторами.
#
# .. literalinclude:: _shared_vs_private.py
#
# Чтобы запустить пример у себя, скачайте и этот модуль и положите его рядом:
# :download:`_shared_vs_private.py`.
#
# Как и в примере
# :ref:`sphx_glr_auto_examples_11_thread_safety_plot_hidden_races.py`, этот код
# выполняет другой интерпретатор — ``potok.interpreters.Child``: сборка с
# GIL и free-threaded сборка, если она нашлась (с ``-X gil=0``).

# sphinx_gallery_tags = ["потоки", "free-threaded"]
from dataclasses import replace

import _shared_vs_private
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

N = measure.scale(150_000, 20_000)  # обновлений на поток
REPEATS = measure.scale(3, 2)
CPUS = machine.usable_cpus()
WORKERS = sorted({1, 2, min(CPUS, 4)})
LABELS = {
    "shared-list": "общий список (append)",
    "shared-lock": "общий счётчик под Lock",
    "private": "свои копии, склейка в конце",
}

# сторона с GIL и сторона без него: этот интерпретатор и самый новый из
# найденных другой сборки (interpreters.available() ищет их один раз)
survey = interpreters.available()
here = interpreters.here()
with_gil = survey.newest(free_threaded=False) if here.free_threaded else here
free = here if here.free_threaded else survey.newest(free_threaded=True)
print(machine.stamp())
print(f"обновлений на поток: {N:_}; потоков: {WORKERS}; повторов: {REPEATS}")
if free is None:
    print(survey.not_measured(interpreters.FREE_THREADED))
sides = {}
for python in filter(None, (with_gil, free)):
    options = ["-X", "gil=0"] if python.free_threaded else []
    try:
        with interpreters.Child(python, options=options) as child:
            sides[python] = child.call(
                _shared_vs_private.contention, WORKERS, N, REPEATS
            )
    except interpreters.ChildFailed as exc:
        if python is here:
            raise
        print(f"не измерено: {python.label} ({str(exc).strip().splitlines()[-1]})")

# время на одно обновление: всех потоков вместе делают w * N обновлений
per_update = {
    (python, v, w): measure.Timing(
        tuple(s / (w * N) for s in res["timings"][f"{v} {w}"].samples)
    )
    for python, res in sides.items()
    for v in LABELS
    for w in WORKERS
}
# во сколько раз больше обновлений в секунду, чем один поток
speed = {
    (python, v, w): per_update[python, v, 1].median / per_update[python, v, w].median
    for (python, v, w) in per_update
}
for python, res in sides.items():
    state = "GIL включён" if res["gil"] else "GIL выключен"
    print(f"--- {res['stamp'].python}; после работы: {state}")
    for v in LABELS:
        one = res["timings"][f"{v} 1"]
        gains = ", ".join(
            f"потоков {w}: ×{speed[python, v, w]:.2f}" for w in WORKERS[1:]
        )
        print(f"  {LABELS[v]:<28} один поток: {one}; {gains}")

# %%
# График
# ------
#
# По панели на интерпретатор. По вертикали — во сколько раз больше обновлений в
# секунду делают все потоки вместе, чем один поток (полоса — от худшего до
# лучшего повтора). Пунктир — идеал: ×N, но не больше числа логических
# процессоров, доступных процессу.

fig, axes = plots.figure(1, len(sides), width=5 * len(sides) + 1, height=4.2)
axes = [axes] if len(sides) == 1 else list(axes)
for ax, (python, res) in zip(axes, sides.items(), strict=True):
    for v, label in LABELS.items():
        series = {label: [per_update[python, v, w] for w in WORKERS]}
        one = per_update[python, v, 1].median
        plots.speedup(ax, WORKERS, series, baseline=one, ideal=False)
    ax.plot(
        WORKERS,
        [min(w, CPUS) for w in WORKERS],
        linestyle="--",
        color=plots.REFERENCE,
        label=f"идеал: ×N, не больше числа CPU ({CPUS})",
    )
    ax.set_ylim(bottom=0)
    ax.set_xlabel("число потоков")
    ax.set_ylabel("обновлений в секунду, раз от одного потока")
    gil = "GIL включён" if res["gil"] else "GIL выключен"
    ax.set_title(f"{res['stamp'].python.split(' (')[0]}: {gil}", fontsize=10)
    if ax is not axes[0]:
        ax.get_legend().remove()  # одна легенда на рисунок
axes[0].legend(fontsize=8)
first = next(iter(sides.values()))["stamp"]
both = " и ".join(res["stamp"].python for res in sides.values())
plots.stamp(fig, replace(first, python=both))
plt.show()

# %%
# Что проверяется
# ---------------

if with_gil in sides:
    gains = {v: speed[with_gil, v, 2] for v in LABELS}
    claims.check(
        "gil-two-threads-no-gain",
        "на сборке с GIL два потока не делают больше обновлений, чем один, ни одним "
        "способом",
        confirmed=all(g < 1.3 for g in gains.values()),
        evidence=", ".join(f"{LABELS[v]}: ×{g:.2f}" for v, g in gains.items()),
        numbers={f"speedup_{v.replace('-', '_')}": g for v, g in gains.items()},
        reason_if_not="машина была занята во время замера одного потока, и ускорение "
        "завышено",
        stamp=sides[with_gil]["stamp"],
    )
if free in sides and not sides[free]["gil"]:
    own, locked = speed[free, "private", 2], speed[free, "shared-lock", 2]
    claims.check(
        "no-gil-private-beats-lock",
        "без GIL свои копии масштабируются лучше общего счётчика под блокировкой",
        confirmed=own > locked,
        evidence=f"2 потока: свои копии ×{own:.2f}, общий счётчик ×{locked:.2f}",
        numbers={"speedup_private": own, "speedup_shared_lock": locked},
        reason_if_not="машина была занята другими программами",
        stamp=sides[free]["stamp"],
    )
elif free in sides:
    print(
        "free-threaded сборка работала с включённым GIL: её замер — это замер с "
        "GIL, масштабирование без GIL не измерено."
    )

# %%
# Что видно на графике
# --------------------
#
# **С GIL** все линии лежат у единицы или ниже: сколько бы ни было потоков,
# байт-код выполняет один, а переключения между ними ещё и отнимают время.
#
# **Без GIL** (правая панель, если она есть) линии должны разойтись. «Свои
# копии» могут тянуться к пунктиру: у каждого потока свой список в своей памяти,
# и ядрам нечего делить. Общий счётчик под блокировкой так не может: все потоки
# стоят в очереди к одной блокировке, а строка кеша с ней и со счётчиком всё
# время переезжает с ядра на ядро. Общий список — между ними: каждое ``append``
# берёт блокировку списка. Подтвердилось ли это на машине, собравшей сайт,
# написано в проверке выше. Если нет, смотрите на штамп: когда логических
# процессоров два и их делят с другими программами, два потока редко получают оба
# сразу, и тогда без GIL масштабироваться нечему — ни общему объекту, ни своим
# копиям.
#
# Почему каждый поток создаёт свой список сам, а не получает готовый от
# главного потока: списки, созданные подряд одним потоком, лежат в памяти рядом,
# и заголовки двух списков могут попасть в одну строку кеша. Без GIL каждое
# ``append`` пишет в заголовок (длина, блокировка списка), и ядра гоняли бы эту
# строку друг у друга, хотя данные у потоков разные, — это называют ложным
# разделением (false sharing). Объект, созданный самим потоком, free-threaded
# сборка размещает в памяти этого потока (у каждого потока своя куча mimalloc,
# :pep:`703`).
#
# Отсюда правило, которое не зависит от сборки: пусть потоки копят результат у
# себя (в локальной переменной, своём списке, :class:`threading.local`) и
# сливают его вместе один раз в конце.
#
# Что изменится на другой машине
# ------------------------------
#
# Чем больше ядер, тем дальше без GIL уходят вверх «свои копии» и тем ниже
# остаётся общий счётчик. Экспериментальная free-threaded 3.13t ещё и заметно
# медленнее в одном потоке, чем 3.14t и 3.15t: в 3.13 у этой сборки был отключён
# специализирующий интерпретатор; время одного потока напечатано выше.
