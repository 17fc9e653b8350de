"""
Одна работа на каждом Python: от 3.11 до 3.15 и сборка без GIL
===============================================================

Одна и та же работа на чистом Python — вызовы ``potok.workloads.cpu_bound`` —
выполняется подряд в одном потоке, в пуле потоков и в пуле процессов, **в каждом
интерпретаторе, который нашёлся на машине**: CPython 3.11–3.15 и free-threaded
сборки (:pep:`703`; экспериментальные в 3.13, официально поддерживаемые с 3.14).
На первом графике видно две вещи:

* как быстро каждая версия выполняет эту работу в одном потоке: начиная с 3.11
  CPython ускоряет интерпретатор от версии к версии (:pep:`659`, What's New in
  Python 3.11), а free-threaded сборка платит за отсутствие GIL;
* где потоки ускоряют вычисления: на сборках с GIL — нигде, без GIL — да.

Второй график — короткий итог тех же замеров (его же показывает главная
страница сайта). Интерпретатор, которого на машине нет, страница называет и
говорит почему; за него ничего не рисуется.
"""

# %%
# Как измеряется
# ---------------
#
# Работа — ``CPU`` задач по ``N_TOTAL / CPU`` итераций: подряд она занимает один
# логический процессор на всё время, в ``CPU`` потоках или процессах в идеале делится
# поровну.
# Ниже — весь код замера; тот же модуль измеряет пулы в примере
# :ref:`sphx_glr_auto_examples_08_today_plot_interpreter_pool.py`, а здесь пула
# интерпретаторов нет (``interpreter_pool=False``): до 3.14 его не было.
#
# .. literalinclude:: _pools.py
#
# Чтобы запустить пример у себя, положите этот модуль рядом с ним:
# :download:`_pools.py`.
#
# Каждый интерпретатор запускается **один раз**, в своём дочернем процессе
# (``potok.interpreters.Child``), который держит пулы прогретыми между вызовами;
# способ запуска процессов у всех тот, что напечатан ниже (в 3.14 способ по
# умолчанию на Linux сменился с fork на forkserver). Запускаются все сразу, но
# измеряет в каждый момент только один: пример просит каждого по очереди
# выполнить один круг, и так ``REPEATS`` раз. Так варианты и интерпретаторы
# перемежаются (A B A B …), и занятость машины достаётся всем поровну.

# sphinx_gallery_tags = ["free-threaded", "от двух CPU"]
import contextlib
import statistics
from dataclasses import replace

import _pools
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots, start_methods

N_TOTAL = measure.scale(800_000, 40_000)  # итераций cpu_bound на всю работу
REPEATS = measure.scale(3, 2)
CPUS = machine.usable_cpus()
NAMES = {"sequential": "подряд", "threads": "потоки", "processes": "процессы"}

print(machine.stamp())
method = start_methods.start_method()
print(f"исполнителей в пулах: {CPUS}; способ запуска процессов: {method}")
survey = interpreters.available()
here = interpreters.here()
found = {p.key: p for p in survey.interpreters} | {here.key: here}
pythons = {key: found[key] for key in interpreters.ORDER if key in found}
if missing := survey.not_measured():
    print(missing)

rounds = {key: [] for key in pythons}
with contextlib.ExitStack() as stack:
    env = {start_methods.START_METHOD_ENV: method}
    children = {
        key: stack.enter_context(interpreters.Child(python, env=env))
        for key, python in pythons.items()
    }
    for child in children.values():
        child.call(_pools.start, CPUS, N_TOTAL // CPUS, CPUS, interpreter_pool=False)
    for _ in range(REPEATS):
        for key, child in children.items():
            rounds[key].append(child.call(_pools.one_round, N_TOTAL // CPUS, CPUS))
    after = {key: child.call(_pools.stop) for key, child in children.items()}
runs = list(pythons)


def measured_by(keys):
    """Отметка для графика: машина — из первой серии, Python — все, кто измерял."""
    who = ", ".join(after[k]["stamp"].python for k in keys)
    return replace(after[keys[0]]["stamp"], python=f"серии измерили: {who}")


timings, speedups, cores, labels, ticks = {}, {}, {}, {}, {}
for key in runs:
    got = rounds[key]
    t = timings[key] = {
        v: measure.Timing(tuple(r[v]["seconds"] for r in got)) for v in NAMES
    }
    base = t["sequential"].median  # ускорение каждого повтора — от медианы подряд
    speedups[key] = {
        v: measure.Timing(tuple(base / s for s in t[v].samples))
        for v in ("threads", "processes")
    }
    cores[key] = statistics.median(r["threads"]["cores"] for r in got)
    # «3.12.1 (с GIL)», «3.13.15 (free-threaded, GIL выключен)» — после работы
    labels[key] = after[key]["stamp"].python.removeprefix("CPython ")
    ticks[key] = labels[key].replace(" (", "\n(").replace(", ", "\n")
    print(f"{labels[key]}: подряд {t['sequential']}")
    for v, x in speedups[key].items():
        print(f"  {NAMES[v]:>9}: {t[v]}; ускорение ×{x.median:.2f}")
    print(f"  потоки заняли CPU: ×{cores[key]:.2f} (время CPU / время по часам)")

# %%
# График
# ------
#
# Вверху — время всей работы в одном потоке: чем ниже точка, тем быстрее эта
# версия выполняет байт-код. Внизу — во сколько раз быстрее та же работа в
# ``CPU`` потоках и в ``CPU`` процессах, чем подряд в том же интерпретаторе.
# Точка — медиана, полоса — от худшего до лучшего повтора.

xs = range(len(runs))
fig, (top, bottom) = plots.figure(2, 1, width=8, height=6.5)
seq = [timings[key]["sequential"] for key in runs]
plots.medians(top, xs, seq, per=1e-3, linestyle="none", color=plots.PALETTE[0])
top.set(ylim=(0, None), ylabel="один поток, мс", title="Один поток: скорость версий")
for shift, v, color in ((-0.12, "threads", 1), (0.12, "processes", 3)):
    speed = [speedups[key][v] for key in runs]
    plots.medians(bottom, [x + shift for x in xs], speed, linestyle="none",
                  color=plots.PALETTE[color], label=NAMES[v])  # fmt: skip
bottom.axhline(1, color=plots.REFERENCE, linewidth=1, label="подряд: ×1")
bottom.axhline(CPUS, color=plots.REFERENCE, linestyle="--", label=f"идеал: ×{CPUS}")
bottom.set(ylim=(0, None), ylabel="ускорение против работы подряд, раз",
           title=f"Пулы из {CPUS} потоков и {CPUS} процессов")  # fmt: skip
bottom.legend(fontsize=8, ncols=2)
for ax in (top, bottom):
    ax.set_xticks(xs, [ticks[k] for k in runs], fontsize=8)
    ax.grid(axis="x", visible=False)
plots.stamp(fig, measured_by(runs))
plt.show()

# %%
# Что проверяется
# ---------------

busy = "у машины один логический процессор" if CPUS < 2 else "процессоры были заняты"
x = {key: {v: t.median for v, t in speedups[key].items()} for key in runs}
with_gil = [key for key in runs if after[key]["gil"]]
if with_gil:
    claims.check(
        "gil-threads-no-speedup",
        "на сборках с GIL потоки не ускоряют вычисления на чистом Python",
        confirmed=all(x[k]["threads"] < 1.3 for k in with_gil),
        evidence="; ".join(f"{labels[k]}: ×{x[k]['threads']:.2f}" for k in with_gil),
        numbers={f"speedup_{k}": x[k]["threads"] for k in with_gil},
        reason_if_not="замер шумный: машину делили с другими программами",
    )
for key in (k for k in runs if not after[k]["gil"]):
    claims.check(
        f"no-gil-threads-faster-on-{key}",
        f"на {labels[key]} потоки ускоряют вычисления",
        confirmed=x[key]["threads"] >= 1.3,
        evidence=f"ускорение ×{x[key]['threads']:.2f}, занято CPU ×{cores[key]:.2f}",
        numbers={"speedup": x[key]["threads"], "cores": cores[key]},
        reason_if_not=busy,
        stamp=after[key]["stamp"],
    )
claims.check(
    "processes-faster-everywhere",
    "процессы ускоряют ту же работу на каждом интерпретаторе",
    confirmed=all(x[k]["processes"] >= 1.3 for k in runs),
    evidence="; ".join(f"{labels[k]}: ×{x[k]['processes']:.2f}" for k in runs),
    numbers={f"speedup_{k}": x[k]["processes"] for k in runs},
    reason_if_not=busy,
)

# %%
# **Верхний график.** Сравните точки версий с GIL между собой: разница — это
# работа над скоростью самого интерпретатора (специализирующий адаптивный
# интерпретатор появился в 3.11, :pep:`659`). Точка free-threaded сборки выше
# точки обычной сборки той же версии: без GIL интерпретатору приходится
# защищать счётчики ссылок и внутренние структуры по-другому. Сколько это стоит
# в одном потоке, проверяет пример
# :ref:`sphx_glr_auto_examples_08_today_plot_free_threaded_cost.py`.
#
# **Нижний график.** На каждой сборке с GIL оранжевая точка («потоки») стоит у
# отметки ×1: байт-код в каждый момент выполняет только один поток, сколько бы
# процессоров ни было, — так было в 3.11 и так осталось в 3.15. Только у free-threaded
# сборки с выключенным GIL оранжевая точка отходит от единицы к пунктиру
# «идеал»: потоки выполняют байт-код одновременно. Подпись такой серии говорит,
# был ли GIL в её процессе действительно выключен (:func:`sys._is_gil_enabled`):
# сборка включает его обратно, если импортирован модуль-расширение, не
# объявивший поддержку работы без GIL. Процессы (фиолетовые точки) ускоряют
# работу на любой сборке: у каждого процесса свой интерпретатор.
#
# Итог на одном графике
# ---------------------
#
# Тот же замер: новейшая сборка с GIL и новейшая free-threaded сборка, в которой
# GIL был действительно выключен. Если такой нет, на её месте написано почему.

newest_gil = next((k for k in reversed(runs) if not pythons[k].free_threaded), None)
newest_free = next((k for k in reversed(runs) if not after[k]["gil"]), None)
shown = [k for k in (newest_gil, newest_free) if k is not None]
groups = [ticks[k] for k in shown]
if newest_free is None:  # пустое место говорит, почему оно пустое
    free_found = any(pythons[k].free_threaded for k in runs)
    why = "GIL в ней\nбыл включён" if free_found else "на машине\nеё не нашлось"
    groups.append(f"сборка без GIL:\nне показана,\n{why}")
if shown:
    fig, ax = plots.figure(width=5.6, height=4.4)
    highest = CPUS  # верх оси: место для легенды над столбцами
    for shift, v, color in ((-0.21, "threads", 1), (0.21, "processes", 3)):
        xs = [i + shift for i in range(len(shown))]
        speed = [speedups[k][v] for k in shown]
        medians = [t.median for t in speed]
        bars = ax.bar(xs, medians, 0.4, color=plots.PALETTE[color], label=NAMES[v])
        ax.bar_label(bars, [f"×{m:.1f}" for m in medians], label_type="center",
                     fontsize=14)  # fmt: skip
        plots.medians(ax, xs, speed, linestyle="none", marker="", color="black")
        highest = max(highest, *(t.max for t in speed))
    for level, style, name in ((1, "-", "подряд\n×1"), (CPUS, "--", f"идеал\n×{CPUS}")):
        ax.axhline(level, color=plots.REFERENCE, linestyle=style, linewidth=1.2)
        ax.text(1.01, level, name, transform=ax.get_yaxis_transform(), va="center",
                fontsize=12, color=plots.REFERENCE)  # fmt: skip
    ax.set_xticks(range(len(groups)), groups, fontsize=12)
    ax.set_xlim(-0.55, len(groups) - 0.45)
    ax.set_ylim(0, 1.35 * highest)
    ax.set_ylabel("ускорение против работы подряд", fontsize=12)
    ax.tick_params(axis="y", labelsize=12)
    ax.set_title(f"Потоки и процессы ({CPUS} CPU): с GIL и без", fontsize=15)
    ax.legend(fontsize=12, loc="upper center", ncols=2)
    ax.grid(axis="x", visible=False)
    plots.stamp(fig, measured_by(shown))
    plt.show()

# %%
# Левая пара столбцов — обычная сборка: её оранжевый столбец («потоки») стоит у
# линии «подряд», GIL пускает выполнять байт-код один поток за раз. Фиолетовый
# («процессы») тянется к пунктиру «идеал» настолько, насколько свободны
# процессоры. У сборки без GIL (правая пара) к пунктиру тянется и оранжевый столбец:
# потоки одного процесса выполняют байт-код одновременно. Числа на столбцах —
# медианы ускорения, чёрные полосы — от худшего до лучшего повтора.
#
# Что изменится на другой машине
# ------------------------------
#
# Сколько логических процессоров было у машины, собравшей страницу, и была ли она
# занята, видно в штампе и в напечатанном числе занятых CPU. С большим их числом
# пунктир «идеал» выше: процессы и потоки без GIL могут подойти к нему, потоки с GIL
# останутся у единицы. Сравните у себя: поставьте ``python3.11`` … ``python3.15`` и
# ``python3.14t`` в ``PATH`` и запустите пример.
