"""
Одна работа на каждом Python: от 3.11 до 3.15 и сборка без GIL
===============================================================

Одна и та же работа на чистом Python — вызовы ``potok.workloads.cpu_bound`` —
выполняется подряд в одном потоке, в пуле потоков и в пуле процессов, **в каждом
интерпретаторе, который нашёлся на машине**: CPython 3.11, 3.12, 3.13, 3.14, 3.15 и
free-threaded сборки (:pep:`703`; экспериментальные в 3.13, официально
поддерживаемые с 3.14). На первом графике видно две вещи:

* как быстро каждая версия выполняет эту работу в одном потоке: начиная с 3.11
  CPython ускоряет интерпретатор от версии к версии (:pep:`659`, What's New in
  Python 3.11), а free-threaded сборка платит за отсутствие GIL — сравните её с
  обычной сборкой той же версии;
* где потоки ускоряют вычисления: на сборках с GIL — нигде, без GIL — да.

Второй график — короткий итог тех же замеров (его же показывает главная
страница сайта): новейшая сборка с GIL против новейшей сборки без GIL.

Интерпретатор, которого на машине нет, страница называет и говорит, как его
получить; за него ничего не рисуется.
"""

# %%
# Как измеряется
# ---------------
#
# Каждый интерпретатор запускается **один раз**: в нём стартует дочерний процесс
# ``python -m potok.versions serve`` (модуль ``potok.versions``, только
# стандартная библиотека — у free-threaded сборки может не быть numpy). Он сам
# сообщает версию и сборку, создаёт пул потоков и пул процессов по ``CPU``
# исполнителей (процессы — с тем способом запуска, что выбран для примеров),
# прогревает их и ждёт команды. Способ запуска процессов у всех один — тот,
# что напечатан ниже (в 3.14 способ по умолчанию на Linux сменился с fork на
# forkserver). Все интерпретаторы запускаются одновременно —
# запуск каждого стоит секунды, — но измеряет в каждый момент только один: пример
# по очереди просит каждого выполнить один «раунд» (по одному замеру каждого
# варианта), потом следующего, и так ``REPEATS`` раз. Так варианты и
# интерпретаторы перемежаются (A B A B …), и занятость машины в какой-то момент
# достаётся всем поровну. Результаты возвращаются в JSON.
#
# Работа — ``CPU`` задач по ``N_TOTAL / CPU`` итераций: подряд она занимает одно
# ядро на всё время, в ``CPU`` потоках или процессах в идеале делится поровну.
# Доля занятых ядер у потоков — время CPU процесса (:func:`time.process_time`),
# делённое на время по часам.

from dataclasses import replace

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, start_methods, versions

N_TOTAL = measure.scale(1_000_000, 40_000)  # итераций cpu_bound на всю работу
REPEATS = measure.scale(3, 2)
CPUS = machine.usable_cpus()

print(machine.stamp())
print(
    f"исполнителей в пулах: {CPUS}; "
    f"способ запуска процессов: {start_methods.start_method()}"
)
survey = versions.measure_all(
    versions.candidates(), n=N_TOTAL // CPUS, workers=CPUS, repeats=REPEATS
)
runs = survey.runs
for path, why in survey.left_out.items():
    print(f"не использован {path}: {why}")
for path, error in survey.failed.items():
    print(f"не измерено в {path}: интерпретатор не ответил.\n{error}")
if survey.missing:
    print(
        "не измерены (на этой машине их нет): Python "
        + ", ".join(survey.missing)
        + f". Как их получить: {versions.HOW_TO_GET}."
    )

NAMES = {
    "sequential": "подряд",
    "threads": f"{CPUS} потока",
    "processes": f"{CPUS} процесса",
}
for run in runs:
    print(f"{run.label}: {run.python}; {run.path}")
    for variant in versions.VARIANTS:
        line = f"  {NAMES[variant]:>10}: {run.timing(variant)}"
        if variant != "sequential":
            line += f"; ускорение ×{run.speedup(variant):.2f}"
        if variant == "threads":
            line += f"; занято ядер ×{run.cores(variant):.2f} (время CPU / время)"
        print(line)

# %%
# График
# ------
#
# Слева — время всей работы в одном потоке: чем короче полоса, тем быстрее эта
# версия выполняет байт-код. Справа — во сколько раз быстрее та же работа в
# ``CPU`` потоках и в ``CPU`` процессах, чем подряд в том же интерпретаторе.
# Полосы ошибок — от худшего до лучшего повтора.

if not runs:
    print("Ни один интерпретатор не ответил: график не построен.")
else:
    labels = [r.label for r in runs]
    rows = range(len(runs))
    fig, (left, right) = plots.figure(1, 2, width=10, height=1.6 + 0.45 * len(runs))
    seq = [r.timing("sequential") for r in runs]
    colors = [plots.PALETTE[2] if r.free_threaded else plots.PALETTE[0] for r in runs]
    left.barh(
        rows,
        [t.median * 1e3 for t in seq],
        xerr=[
            [(t.median - t.min) * 1e3 for t in seq],
            [(t.max - t.median) * 1e3 for t in seq],
        ],
        capsize=3,
        color=colors,
    )
    left.set_yticks(rows, labels)
    left.invert_yaxis()
    left.set_xlabel("время работы в одном потоке, мс")
    left.set_title("Один поток: скорость версий")
    left.grid(axis="y", visible=False)

    height = 0.38
    for shift, variant, color in (
        (-height / 2, "threads", plots.PALETTE[1]),
        (height / 2, "processes", plots.PALETTE[3]),
    ):
        speed = [r.speedup(variant) for r in runs]
        base = [r.timing("sequential").median for r in runs]
        times = [r.timing(variant) for r in runs]
        lo = [s - b / t.max for s, b, t in zip(speed, base, times, strict=True)]
        hi = [b / t.min - s for s, b, t in zip(speed, base, times, strict=True)]
        right.barh(
            [row + shift for row in rows],
            speed,
            height=height,
            xerr=[lo, hi],
            capsize=2,
            color=color,
            label=NAMES[variant],
        )
    right.axvline(1, color=plots.REFERENCE, linewidth=1, label="подряд: ×1")
    right.axvline(
        CPUS, color=plots.REFERENCE, linestyle="--", label=f"идеал: ×{CPUS} (ядер)"
    )
    right.set_yticks(rows, [""] * len(runs))
    right.invert_yaxis()
    right.set_xlabel("ускорение против работы подряд, раз")
    right.set_title(f"{CPUS} потока и {CPUS} процесса")
    right.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    right.grid(axis="y", visible=False)
    measured_by = "серии измерили: " + ", ".join(r.python for r in runs)
    plots.stamp(fig, replace(machine.Stamp(**runs[0].stamp), python=measured_by))
    plt.show()

# %%
# Что видно на графике
# --------------------
#
# Ниже — утверждения этой страницы, проверенные на только что измеренных
# числах. Если утверждение не подтвердилось, рядом напечатано, на чём оно
# проверялось, и вероятная причина.

for verdict in versions.judge(runs, CPUS):
    claims.check(
        verdict.text,
        confirmed=verdict.confirmed,
        evidence=verdict.evidence,
        reason_if_not=verdict.reason_if_not,
    )
if not any(r.gil_off for r in runs):
    print(
        "Потоки без GIL не измерены: не нашлось free-threaded сборки, в которой GIL "
        f"был бы выключен. Как её получить: {versions.HOW_TO_GET}."
    )

# %%
# **Левая половина.** Сравните полосы версий с GIL между собой: разница — это
# работа над скоростью самого интерпретатора (специализирующий адаптивный
# интерпретатор появился в 3.11, :pep:`659`). Зелёная полоса free-threaded
# сборки длиннее полосы обычной сборки той же версии: без GIL интерпретатору
# приходится защищать счётчики ссылок и внутренние структуры по-другому, а в 3.13
# free-threaded сборка ещё и выключает специализацию байт-кода; в 3.14 эта цена
# заметно меньше (What's New in Python 3.14). Если у двух сборок одной версии
# разные номера исправлений (третья цифра версии), эта разница тоже входит в
# сравнение: полные версии подписаны у полос.
#
# **Правая половина.** На каждой сборке с GIL оранжевая полоса («потоки») стоит
# у отметки ×1: байт-код в каждый момент выполняет только один поток, сколько бы
# ядер ни было. Так было в 3.11 и так осталось в 3.15 — GIL никуда не делся из
# обычной сборки. Только у free-threaded сборки с выключенным GIL оранжевая
# полоса отходит от единицы к пунктиру «идеал»: потоки выполняют байт-код
# одновременно. Подпись free-threaded серии говорит, был ли GIL в её процессе
# действительно выключен (:func:`sys._is_gil_enabled`): такая сборка включает
# его обратно, если импортирован модуль-расширение, не объявивший поддержку
# работы без GIL. Процессы (фиолетовые полосы) ускоряют работу на любой версии и
# любой сборке — у каждого процесса свой интерпретатор.

# %%
# Итог на одном графике
# ---------------------
#
# Тот же замер, без нового запуска: из всех серий выше взяты две — новейшая
# сборка с GIL и новейшая free-threaded сборка, в которой GIL был действительно
# выключен. Для каждой — во сколько раз быстрее работа в ``CPU`` потоках и в
# ``CPU`` процессах, чем подряд в том же интерпретаторе. Если free-threaded
# сборки с выключенным GIL среди измеренных нет, график показывает только сборку
# с GIL и говорит об этом: столбцов за то, что не измерялось, он не рисует.

# ``runs`` go from the oldest version to the newest (versions.ORDER)
with_gil = next((r for r in reversed(runs) if not r.free_threaded), None)
without_gil = next((r for r in reversed(runs) if r.gil_off), None)
shown = [r for r in (with_gil, without_gil) if r is not None]
if without_gil is None:
    why = (
        "GIL в ней был включён"
        if any(r.free_threaded for r in runs)
        else "на машине её не нашлось"
    )
    print(f"Сборка без GIL на втором графике не показана: {why}.")
if shown:
    print("На втором графике: " + "; ".join(r.label for r in shown))
    fig, ax = plots.figure(width=5.6, height=4.4)
    width = 0.42
    bars, top = [], CPUS
    for shift, variant, color, name in (
        (-width / 2, "threads", plots.PALETTE[1], "потоки"),
        (width / 2, "processes", plots.PALETTE[3], "процессы"),
    ):
        xs = [i + shift for i in range(len(shown))]
        speed = [r.speedup(variant) for r in shown]
        base = [r.timing("sequential").median for r in shown]
        times = [r.timing(variant) for r in shown]
        lo = [s - b / t.max for s, b, t in zip(speed, base, times, strict=True)]
        hi = [b / t.min - s for s, b, t in zip(speed, base, times, strict=True)]
        ax.bar(xs, speed, width * 0.95, yerr=[lo, hi], capsize=4, color=color)
        for x, s, h in zip(xs, speed, hi, strict=True):
            ax.annotate(
                f"×{s:.1f}",
                (x, s + h),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=14,
            )
            top = max(top, s + h)
            bars.append((x, name))
    # the reference lines are named at the right edge, the bars under each bar
    for level, style, name in ((1, "-", "подряд\n×1"), (CPUS, "--", f"идеал\n×{CPUS}")):
        ax.axhline(level, color=plots.REFERENCE, linestyle=style, linewidth=1.2)
        ax.annotate(
            name,
            (1, level),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=12,
            color=plots.REFERENCE,
        )
    groups = [r.label.replace(" (", "\n(") for r in shown]
    if without_gil is None:  # the empty place says why it is empty
        ax.text(
            len(shown),
            (1 + CPUS) / 2,
            f"не показана:\n{why}",
            ha="center",
            va="center",
            fontsize=12,
            bbox={"facecolor": "white", "edgecolor": plots.REFERENCE},
        )
        groups.append("сборка без GIL")
    bars.sort()
    ax.set_xticks([x for x, _ in bars], [name for _, name in bars], fontsize=12)
    builds = ax.secondary_xaxis("bottom")
    builds.set_xticks(range(len(groups)), groups, fontsize=13)
    builds.tick_params(length=0, pad=22)
    builds.spines["bottom"].set_visible(False)
    ax.set_xlim(-0.55, len(groups) - 0.45)
    ax.set_ylim(0, top * 1.15)
    ax.set_ylabel("ускорение против работы подряд", fontsize=12)
    ax.tick_params(axis="y", labelsize=12)
    ax.set_title(f"Потоки и процессы ({CPUS} CPU): с GIL и без", fontsize=15)
    ax.grid(axis="x", visible=False)
    measured_by = "серии измерили: " + ", ".join(r.python for r in shown)
    plots.stamp(fig, replace(machine.Stamp(**shown[0].stamp), python=measured_by))
    plt.show()

# %%
# Левая пара столбцов — обычная сборка. Её оранжевый столбец («потоки») стоит у
# линии «подряд»: GIL пускает выполнять байт-код один поток за раз. Фиолетовый
# («процессы») поднимается к пунктиру «идеал» настолько, насколько свободны
# ядра: у каждого процесса свой интерпретатор и свой GIL. Правая пара, если она
# есть, — сборка без GIL: у неё к пунктиру тянется и оранжевый столбец, потому
# что потоки одного процесса выполняют байт-код одновременно. Подтвердилось ли
# это на этот раз, сказано в вердиктах выше. Числа над столбцами — медианы
# ускорения, полосы ошибок — от худшего до лучшего повтора; какие сборки
# измерены, подписано под столбцами и в штампе.
#
# Что изменится на другой машине
# ------------------------------
#
# Сколько ядер было у машины, собравшей страницу, и была ли она занята, видно в
# штампе и в напечатанной доле занятых ядер. С большим числом ядер пунктир
# «идеал» отодвигается дальше (на первом графике вправо, на втором вверх):
# процессы и потоки без GIL могут подойти к нему, потоки с GIL останутся у
# единицы. Чтобы сравнить у себя, укажите нужные
# интерпретаторы в переменной окружения ``POTOK_EXTRA_PYTHONS`` (пути через
# ``:`` на Linux и macOS, через ``;`` на Windows) или дайте сборке найти их
# самой: ``nox -s pythons``.
