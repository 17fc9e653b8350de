"""
Выборочный профилировщик Python 3.15: режимы wall, cpu и gil
============================================================

В Python 3.15 появился пакет :mod:`!profiling` (:pep:`799`), а в нём —
**выборочный профилировщик** ``profiling.sampling``
(`документация <https://docs.python.org/3.15/library/profiling.sampling.html>`_).
Он не вмешивается в программу: много раз в секунду читает стеки её потоков
снаружи, из памяти процесса, и считает, сколько раз какая функция оказалась на
вершине стека. У него три режима, важные для программ с потоками:

* ``--mode wall`` (по умолчанию) — каждая выборка, что бы поток ни делал, в том
  числе ждал;
* ``--mode cpu`` — только выборки, когда поток выполнялся на процессоре;
* ``--mode gil`` — только выборки, когда поток держал GIL.

Пример ищет на машине, которая собирает сайт, Python 3.15 или новее со сборкой
с GIL, запускает под профилировщиком небольшую программу в каждом из трёх
режимов и показывает **настоящий** вывод. Если такого Python нет, страница так и
говорит.
"""

# %%
# Программа, на которую смотрим
# -----------------------------
#
# Три потока заняты по-разному: ``computing`` считает на чистом Python,
# ``hashing`` хеширует байты функцией на C, которая на время счёта отпускает
# GIL, ``sleeping`` спит. Главный поток ждёт их. Вот вся программа:
#
# .. literalinclude:: _profiled_program.py
#
# Профилировщик запускает модуль ``_sampling_profiler`` — в том же Python 3.15,
# в котором работает сам (``interpreters.Child``). Вот он весь:
#
# .. literalinclude:: _sampling_profiler.py

import re
from collections import Counter

import _sampling_profiler
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

SECONDS = measure.scale(0.8, 0.5)
MODES = ["wall", "cpu", "gil"]
ROLES = ["computing", "hashing", "sleeping", "главный поток"]
KEYS = dict(zip(ROLES, ["computing", "hashing", "sleeping", "main"], strict=True))


def version(python):
    return tuple(int(part) for part in python.version.split(".")[:2])


print(machine.stamp())
survey = interpreters.available()
able = [
    p
    for p in (interpreters.here(), *survey.interpreters)
    if version(p) >= (3, 15) and not p.free_threaded
]
chosen = max(able, key=version, default=None)
profiles = {}
if chosen is None:
    print(
        "Python 3.15 или новее со сборкой с GIL на этой машине не найден: "
        "вывода профилировщика здесь нет."
    )
    if why := survey.not_measured(["3.15"]):
        print(why)
else:
    print(f"профилируем в {chosen.label}; программа работает {SECONDS} с")
    try:
        with interpreters.Child(chosen) as child:
            for mode in MODES:
                profiles[mode] = child.call(
                    _sampling_profiler.profile, mode, SECONDS, "collapsed"
                )
            table = child.call(_sampling_profiler.profile, "gil", SECONDS, "pstats")
    except interpreters.ChildFailed as exc:
        print(f"не получилось: {str(exc).strip().splitlines()[-1]}")
        profiles = {}

# %%
# Вывод профилировщика
# --------------------
#
# Сначала — таблица режима ``gil`` как есть (папки в путях к файлам, если они
# есть, сокращены до ``…/``): функции, которые были на вершине стека, пока их
# поток держал GIL.


def short(text):
    """Пути машины — до имени файла: ``…/python3.13``, ``…/program.py``."""
    absolute = r"(?<![\w.:/-])(?:[A-Za-z]:)?[/\\~][^\s()\"']*[/\\](?=[^\s()\"'/\\])"
    relative = r"(?<![\w…])[\w.-]+(?:[/\\][\w.-]+)*[/\\](?=[\w.-]+\.py\b)"
    return re.sub(relative, "…/", re.sub(absolute, "…/", text))


if profiles:
    print(
        f"$ python -m profiling.sampling run -a --mode gil -l 6 --no-summary "
        f"_profiled_program.py {SECONDS}  (код выхода {table['returncode']})"
    )
    print(short(table["stdout"]) or short(table["stderr"]))

# %%
# Затем — все три режима, сведённые по потокам. Каждая строка формата
# ``--collapsed`` — один различный стек и сколько выборок на нём застали;
# поток определяем по функции в стеке, а выборки без неё (запуск потока,
# импорт) отдаём потоку с тем же ``tid``.


def per_thread(collapsed):
    samples, owner = Counter(), {}
    lines = [ln.rsplit(" ", 1) for ln in collapsed.splitlines() if " " in ln]
    for stack, _ in lines:
        tid = stack.split(";")[0]
        for role in ROLES[:3]:
            if f":{role}:" in stack:
                owner[tid] = role
    for stack, count in lines:
        samples[owner.get(stack.split(";")[0], "главный поток")] += int(count)
    total = sum(samples.values()) or 1
    return {role: 100 * samples[role] / total for role in ROLES}


shares = {mode: per_thread(out["collapsed"]) for mode, out in profiles.items()}
for mode, out in profiles.items():
    head = [ln for ln in out["stdout"].splitlines() if ln.startswith("Captured")]
    print(
        f"\n--mode {mode}: код выхода {out['returncode']}; "
        f"{head[0] if head else short(out['stderr'])}"
    )
    print(
        "   "
        + ", ".join(f"{role} {share:.0f} %" for role, share in shares[mode].items())
    )

# %%
# Доля выборок каждого потока в каждом режиме
# -------------------------------------------

if shares:
    fig, ax = plots.figure(height=3.8)
    width = 0.2
    for i, role in enumerate(ROLES):
        xs = [m + (i - 1.5) * width for m in range(len(MODES))]
        bars = ax.bar(
            xs,
            [shares[mode][role] for mode in MODES],
            width,
            label=role,
            color=plots.PALETTE[i],
        )
        ax.bar_label(bars, fmt="%.0f", fontsize=8)
    ax.set_xticks(range(len(MODES)), [f"--mode {m}" for m in MODES])
    ax.set_ylabel("доля выборок, %")
    ax.set_ylim(0, 122)
    ax.legend(ncols=4, loc="upper center", fontsize=8)
    ax.set_title("Три потока под выборочным профилировщиком")
    plots.stamp(fig, profiles["gil"]["stamp"])
    plt.show()

# %%
# Что проверяем
# -------------

if shares:
    wall, cpu, gil = (shares[m] for m in MODES)
    stamp = profiles["gil"]["stamp"]
    claims.check(
        "wall-sees-waiting-threads",
        "в режиме wall виден и спящий поток: каждый поток получает заметную долю",
        confirmed=min(wall.values()) >= 10,
        evidence=", ".join(f"{r} {s:.0f} %" for r, s in wall.items()),
        numbers={KEYS[r]: s for r, s in wall.items()},
        reason_if_not="профилировщик не прочитал стеки всех потоков",
        stamp=stamp,
    )
    claims.check(
        "cpu-hides-sleeping",
        "в режиме cpu доля спящего и ждущего потоков падает больше чем вдвое, а "
        "доля считающих растёт",
        confirmed=cpu["sleeping"] < wall["sleeping"] / 2
        and cpu["главный поток"] < wall["главный поток"] / 2
        and min(cpu["computing"], cpu["hashing"]) > max(wall.values()),
        evidence=", ".join(f"{r} {s:.0f} %" for r, s in cpu.items()),
        numbers={KEYS[r]: s for r, s in cpu.items()},
        reason_if_not="машина была занята, и потоки стояли в очереди на процессор",
        stamp=stamp,
    )
    claims.check(
        "gil-mode-shows-gil-holder",
        "в режиме gil остаётся поток на чистом Python; хеширование на C, которое "
        "отпускает GIL, почти не видно, хотя процессор оно занимает",
        confirmed=gil["computing"] > 60 and gil["hashing"] < 15,
        evidence=f"computing {gil['computing']:.0f} %, hashing {gil['hashing']:.0f} % "
        f"(в режиме cpu — {cpu['hashing']:.0f} %)",
        numbers={KEYS[r]: s for r, s in gil.items()},
        reason_if_not="профилировщик иначе определил, кто держит GIL",
        stamp=stamp,
    )

# %%
# Как читать
# ----------
#
# Режимы отвечают на разные вопросы об одной и той же программе:
#
# * **wall** — «где проходит время»: спящий поток и главный, который ждёт в
#   ``join``, получают столько же выборок, сколько считающие. Так ищут, чего
#   ждёт медленный запрос.
# * **cpu** — «что занимает процессор»: ожидание выпадает, остаются
#   ``computing`` и ``hashing``.
# * **gil** — «кто держит GIL»: ``hashing`` считает на процессоре, но без GIL, и
#   почти исчезает; остаётся ``computing``. Если на сборке с GIL потоки не
#   ускоряют программу, этот режим показывает, чей код их тормозит (глава
#   :doc:`/chapters/04-gil`).
#
# Профилировщик читает чужой процесс, как отладчик, поэтому система должна это
# разрешить (:ref:`python:permission-requirements`); ``run`` запускает
# программу сам, а ``attach PID`` подключается к уже работающей.
