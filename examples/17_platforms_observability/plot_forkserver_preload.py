"""
set_forkserver_preload: импортировать один раз, а не в каждом процессе
======================================================================

При ``fork`` рабочий процесс получает копию родителя вместе со всеми его
импортами. При ``forkserver`` он — копия процесса-сервера, в котором почти
ничего не импортировано, и модуль с функцией задачи (а с ним NumPy, pandas и
всё, что тот импортирует) каждый рабочий процесс импортирует **сам**.
:func:`multiprocessing.set_forkserver_preload` называет модули, которые сервер
импортирует один раз, до первого ``fork()``: его копии получают их готовыми.

Проекты, перешедшие на forkserver в Python 3.14, заметили это как медленный
запуск пулов. Здесь измерено, сколько стоит один пул, когда модуль задачи
импортирует NumPy: при fork, при forkserver и при forkserver с предзагрузкой.
Сколько стоит запустить пустой процесс каждым методом, измерено в главе 2
(:ref:`sphx_glr_auto_examples_02_processes_plot_start_cost.py`); здесь речь
только о том, что меняет предзагрузка.
"""

# %%
# Модуль задачи
# -------------
#
# Модуль ``_forkserver_preload`` импортирует NumPy на верхнем уровне и
# запоминает, в каком процессе его импортировали; ``time_pools`` измеряет пулы
# в одном процессе и возвращает времена. Вот он весь:
#
# .. literalinclude:: _forkserver_preload.py
#
# Предзагрузка задаётся до первого пула: сервер запускается один раз на
# процесс и потом живёт, пока тот не завершится. Поэтому каждый вариант
# измеряется в своём новом процессе того же Python, а варианты идут по
# очереди, круг за кругом. Этот процесс запускается с ``-c``: у него нет
# главного скрипта, который рабочие процессы импортировали бы заново (пример
# :ref:`sphx_glr_auto_examples_17_platforms_observability_plot_main_guard.py`),
# и в замер попадает только импорт модуля задачи. Серверу и рабочим процессам
# нужно найти этот модуль по имени, поэтому папка примера — в ``PYTHONPATH``.

# sphinx_gallery_tags = ["процессы"]
import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import _forkserver_preload
import matplotlib.pyplot as plt

from potok import claims, cpu, machine, measure, plots

WORKERS = 4
POOLS = measure.scale(2, 1)
ROUNDS = measure.scale(2, 1)
VARIANTS = ["fork", "forkserver", "forkserver + preload"]
FOLDER = str(Path(_forkserver_preload.__file__).resolve().parent)


def in_new_process(variant):
    code = (
        "import json, _forkserver_preload as m; "
        f"print(json.dumps(m.time_pools({variant!r}, {POOLS}, {WORKERS})))"
    )
    path = os.pathsep.join(filter(None, [FOLDER, os.environ.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=dict(os.environ, PYTHONPATH=path),
    )
    return json.loads(done.stdout.splitlines()[-1])


print(machine.stamp())
print(f"пул из {WORKERS} процессов; пулов в процессе: {POOLS}, кругов: {ROUNDS}")
able = {"fork", "forkserver"} <= set(multiprocessing.get_all_start_methods())
samples = {v: [] for v in VARIANTS}
own = {v: 0 for v in VARIANTS}
tasks = {v: 0 for v in VARIANTS}
if not able:
    print(f"на {sys.platform} нет fork и forkserver: сравнивать нечего")
for _ in range(ROUNDS if able else 0):
    for variant in VARIANTS:
        out = in_new_process(variant)
        samples[variant] += out["times"]
        own[variant] += out["own_imports"]
        tasks[variant] += out["tasks"]
timings = {v: measure.Timing(tuple(s)) for v, s in samples.items() if s}
for variant, timing in timings.items():
    print(
        f"{variant}: {timing}; модуль импортировали сами "
        f"{own[variant]} из {tasks[variant]} рабочих процессов"
    )
print(cpu.machine_load())

# %%
# Время одного пула
# -----------------
#
# Точка — медиана, отрезок — от минимума до максимума. Пул-прогрев, который
# запускает сервер, в замер не входит.

if timings:
    fig, ax = plots.figure(height=3.6)
    for i, timing in enumerate(timings.values()):
        plots.medians(
            ax, [i], [timing], per=1e-3, color=plots.PALETTE[i], linestyle="none"
        )
        ax.annotate(
            measure.format_seconds(timing.median),
            (i, timing.median * 1e3),
            textcoords="offset points",
            xytext=(12, 0),
            va="center",
        )
    ax.set_xticks(range(len(timings)), list(timings))
    ax.set_xlim(-0.5, len(timings) - 0.3)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("время пула, мс")
    ax.set_title(f"Пул из {WORKERS} процессов, модуль задачи импортирует NumPy")
    plots.stamp(fig)
    plt.show()

# %%
# Что проверяем
# -------------

if timings:
    fs, pre = timings["forkserver"], timings["forkserver + preload"]
    claims.check(
        "preload-imports-once-in-server",
        "с предзагрузкой модуль задачи импортирует сервер, а не рабочие процессы; "
        "без неё — каждый рабочий процесс сам",
        confirmed=own["forkserver + preload"] == 0
        and own["forkserver"] == tasks["forkserver"],
        evidence=f"сами импортировали: без предзагрузки {own['forkserver']} из "
        f"{tasks['forkserver']}, с ней {own['forkserver + preload']} из "
        f"{tasks['forkserver + preload']}",
        numbers={
            "own_without": own["forkserver"],
            "own_with": own["forkserver + preload"],
        },
        reason_if_not="сервер не нашёл модуль (PYTHONPATH) или этот Python "
        "предзагружает иначе",
    )
    claims.check(
        "preload-makes-pools-faster",
        "с предзагрузкой пул при forkserver запускается быстрее, чем без неё",
        confirmed=pre.max < fs.min or pre.median < 0.8 * fs.median,
        evidence=f"медианы: {measure.format_seconds(fs.median)} без предзагрузки, "
        f"{measure.format_seconds(pre.median)} с ней",
        numbers={
            "forkserver_s": fs.median,
            "preload_s": pre.median,
            "fork_s": timings["fork"].median,
        },
        reason_if_not="машина была занята: " + cpu.machine_load(),
    )

# %%
# Как читать
# ----------
#
# Без предзагрузки каждый рабочий процесс, получив задачу, ищет её функцию по
# имени, импортирует модуль задачи — и NumPy вместе с ним. На машине с немногими
# ядрами эти импорты идут почти подряд, и пул из четырёх процессов платит за
# четыре импорта. С предзагрузкой сервер платит за импорт один раз, а его
# копии получают модуль готовым, как при fork. Это и делают проекты, у которых
# после перехода на forkserver медленно запускаются пулы: перечисляют в
# ``set_forkserver_preload`` модули с задачами и тяжёлые библиотеки.
#
# Две оговорки. Предзагрузка подхватывает импорты верхнего уровня: то, что
# модуль импортирует внутри функций, каждый процесс всё равно импортирует сам
# (`gh-157216 <https://github.com/python/cpython/issues/157216>`_). И модуль,
# который сервер не смог импортировать, пропускается молча — проверяйте, где
# он импортирован, как этот пример. С Python 3.15 можно попросить иначе:
# ``set_forkserver_preload(..., on_error="warn")`` или ``"fail"``; по
# умолчанию там ``"ignore"``, то же молчание
# (`gh-141860 <https://github.com/python/cpython/issues/141860>`_).
