"""
Python сегодня: пул интерпретаторов и сборка без GIL
=====================================================

За последние версии у CPython появились два новых способа занять вычислениями
несколько ядер, не переходя на процессы:

* `InterpreterPoolExecutor <https://docs.python.org/3/library/concurrent.futures.html#interpreterpoolexecutor>`_
  (Python 3.14) — пул **субинтерпретаторов**: в одном процессе работают
  несколько независимых интерпретаторов, у каждого свой GIL (:pep:`684`,
  :pep:`734`);
* **free-threaded** сборка (:pep:`703`; экспериментальная в 3.13, официально
  поддерживаемая с 3.14, исполняемый файл обычно называется ``python3.14t``) —
  CPython без GIL, где потоки одного интерпретатора выполняют байт-код
  одновременно. У такой сборки GIL можно включить обратно: ``-X gil=1`` или
  переменная окружения ``PYTHON_GIL=1``.

Этот пример измеряет и то, и другое — **если на машине, где собирается сайт, есть
нужный интерпретатор**. Если его нет, страница так и говорит и ничего не рисует:
выдуманных графиков здесь нет.
"""

# %%
# Какие интерпретаторы есть на этой машине
# ----------------------------------------
#
# Пример смотрит на интерпретатор, который его выполняет, на ``python3.14``,
# ``python3.14t`` и соседние имена в ``PATH`` и на пути из переменной окружения
# ``POTOK_EXTRA_PYTHONS`` (через ``:`` на Linux и macOS, через ``;`` на Windows).
# Каждый найденный запускается один раз и сообщает о себе: версию, сборку и есть
# ли в нём ``InterpreterPoolExecutor``. Сами измерения идут в дочернем процессе
# ``python -m potok.today`` нужного интерпретатора (даже если это тот, что
# выполняет пример): он возвращает результаты в JSON, а код измерений лежит в
# модуле ``potok.today``.

from dataclasses import replace

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, today

N = measure.scale(1_000_000, 30_000)  # итераций cpu_bound в одной задаче
REPEATS = measure.scale(3, 2)
CPUS = machine.usable_cpus()

print(machine.stamp())
found = today.interpreters()
for interp in found:
    can = []
    if interp.interpreter_pool:
        can.append("InterpreterPoolExecutor")
    if interp.free_threaded:
        can.append("может работать без GIL")
    print(f"{interp.label}: {interp.path}; {', '.join(can) or 'ни того, ни другого'}")


def results_from(interp, part, workers, tasks, flags=()):
    """Measure in a child process of ``interp`` (this interpreter too: then
    every part runs the same way, and process pools started by the child never
    re-run this script)."""
    return today.run_in(
        interp.path,
        part,
        n=N,
        tasks=tasks,
        workers=workers,
        repeats=REPEATS,
        flags=flags,
    )


# %%
# Пулы потоков, процессов и интерпретаторов
# -----------------------------------------
#
# Одна и та же работа — ``2 × CPU`` вызовов ``potok.workloads.cpu_bound(N)`` (цикл
# на чистом Python) — сначала подряд, потом в трёх пулах по ``CPU`` исполнителей.
# Пулы создаются и прогреваются до замера, так что время запуска исполнителей в
# него не входит (его сравнивает пример о стоимости запуска потоков и процессов).
# Все четыре варианта выполняются **в одном и том же интерпретаторе**.

# Пулы измеряются на каждой сборке с GIL, где есть ``InterpreterPoolExecutor``
# (3.14, 3.15): на них видно, чем пулы отличаются друг от друга.
pool_interps = [i for i in found if i.interpreter_pool and not i.free_threaded]
pool_results = {}
if not pool_interps:
    print(
        "InterpreterPoolExecutor не измерен: он появился в Python 3.14, а такого "
        "интерпретатора здесь нет (пример выполняется на "
        f"{machine.python_build()}). Чтобы эта часть выполнилась, поставьте "
        "python3.14 или python3.15 в PATH или укажите путь к нему в "
        "POTOK_EXTRA_PYTHONS (`nox -s pythons` показывает, что есть на машине)."
    )
for interp in pool_interps:
    pools = results_from(interp, "pools", [CPUS], tasks=2 * CPUS)
    timings = {k: measure.Timing(tuple(v)) for k, v in pools["timings"].items()}
    baseline = timings.pop("последовательно")
    pool_results[pools["python"]] = (baseline, timings, pools)
    print(f"измерено на: {pools['python']}; исполнителей в пуле: {CPUS}")
    print(f"{'последовательно':>24}: {baseline}")
    for label, t in timings.items():
        print(f"{label:>24}: {t}; ускорение ×{baseline.median / t.median:.2f}")

if pool_results:
    fig, ax = plots.figure(height=1.6 + 1.2 * len(pool_results))
    labels = list(next(iter(pool_results.values()))[1])
    height = 0.8 / len(pool_results)
    for n, (python, (baseline, timings, _)) in enumerate(pool_results.items()):
        speed = [baseline.median / timings[k].median for k in labels]
        lo = [speed[i] - baseline.median / timings[k].max for i, k in enumerate(labels)]
        hi = [baseline.median / timings[k].min - speed[i] for i, k in enumerate(labels)]
        rows = [
            i + (n - (len(pool_results) - 1) / 2) * height for i in range(len(labels))
        ]
        ax.barh(rows, speed, height=height * 0.9, xerr=[lo, hi], capsize=3,
                color=plots.PALETTE[n % len(plots.PALETTE)], label=python)  # fmt: skip
    ax.set_yticks(range(len(labels)), labels)
    ax.axvline(1, color=plots.REFERENCE, linewidth=1, label="последовательно: ×1")
    ax.axvline(
        CPUS, color=plots.REFERENCE, linestyle="--", label=f"идеал: ×{CPUS} (ядер)"
    )
    ax.invert_yaxis()
    ax.set_xlabel(f"ускорение относительно выполнения подряд, раз ({CPUS} исп.)")
    ax.set_title("Вычисления на чистом Python в трёх пулах")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", visible=False)
    first = next(iter(pool_results.values()))[2]
    measured_by = ", ".join(pool_results)
    plots.stamp(fig, replace(machine.Stamp(**first["stamp"]), python=measured_by))
    plt.show()

    for python, (baseline, timings, _) in pool_results.items():
        threads_x = baseline.median / timings["ThreadPoolExecutor"].median
        claims.check(
            f"{python}: пул потоков не ускоряет вычисления на чистом Python",
            confirmed=threads_x < 1.3,
            evidence=f"×{threads_x:.2f}",
            reason_if_not="замер шумный: повторите на свободной машине",
        )
        for pool in ("ProcessPoolExecutor", "InterpreterPoolExecutor"):
            x = baseline.median / timings[pool].median
            claims.check(
                f"{python}: {pool} быстрее выполнения подряд",
                confirmed=x > 1.2,
                evidence=f"×{x:.2f} на {CPUS} логических процессорах",
                reason_if_not=(
                    "у машины один логический процессор"
                    if CPUS < 2
                    else "машина была занята другой работой"
                ),
            )

# %%
# Если эта часть выполнилась, пул потоков не ускоряет вычисления на чистом
# Python: его полоса у отметки ×1, потому что байт-код в каждый момент выполняет
# только один поток. Проверка этого и следующего утверждения напечатана под
# графиком: «подтвердилось» или «не подтвердилось» с числами этого замера.
# Пулы процессов и интерпретаторов могут подойти к пунктиру «идеал»: у каждого
# процесса и у каждого субинтерпретатора свой GIL. ``InterpreterPoolExecutor``
# даёт свой интерпретатор каждому *рабочему потоку* пула, а не каждой задаче:
# задачи, которые выполнил один и тот же поток, видят одни и те же глобальные
# переменные модулей. Разница между ними — в
# накладных расходах: процессу задача и результат передаются через pickle и канал
# между процессами; субинтерпретатору они тоже копируются (большинство объектов —
# через pickle), но в пределах одного процесса, без межпроцессного канала. Полоса
# ошибки — от худшего до лучшего повтора. На машине, которую делят с другими
# программами, полосы могут оказаться и ниже ×1: ядра заняты чужой работой.
#
# Цена субинтерпретаторов — ограничения: модули-расширения на C должны
# поддерживать их явно (многие популярные пока не поддерживают), а объекты между
# интерпретаторами не разделяются — только копируются.
#
# GIL включён и выключен: free-threaded сборка
# --------------------------------------------
#
# На free-threaded интерпретаторе та же работа выполняется в пуле потоков разного
# размера дважды: с ``-X gil=0`` (без GIL) и с ``-X gil=1`` (GIL включён обратно).
# Оба запуска — дочерние процессы **одного и того же** исполняемого файла, так что
# разница только в GIL.

ft_interp = next((i for i in found if i.free_threaded), None)
if ft_interp is None:
    print(
        "Сравнение GIL и no-GIL не измерено: для него нужна free-threaded сборка "
        "CPython (python3.13t или python3.14t), а здесь её нет. Поставьте её в PATH "
        "или укажите путь к ней в POTOK_EXTRA_PYTHONS."
    )
else:
    workers = sorted({1, 2, CPUS})  # past the logical CPUs the line only flattens
    tasks = 2 * max(workers)
    runs = {
        mode: results_from(
            ft_interp, "threads", workers, tasks=tasks, flags=("-X", f"gil={mode}")
        )
        for mode in (0, 1)
    }
    fig, ax = plots.figure(height=4.2)
    for mode, color in ((0, plots.PALETTE[2]), (1, plots.PALETTE[5])):
        res = runs[mode]
        t = {int(w): measure.Timing(tuple(v)) for w, v in res["timings"].items()}
        base = t[1].median
        print(f"{res['python']}: один поток {t[1]}")
        for w in workers:
            print(f"  потоков {w}: {t[w]}; ускорение ×{base / t[w].median:.2f}")
        speed = [base / t[w].median for w in workers]
        lo = [speed[i] - base / t[w].max for i, w in enumerate(workers)]
        hi = [base / t[w].min - speed[i] for i, w in enumerate(workers)]
        # what the child reported, not what was asked for: an extension module
        # can turn the GIL back on at import time
        label = f"-X gil={mode}: " + ("с GIL" if res["gil_enabled"] else "без GIL")
        if mode == 0 and res["gil_enabled"]:
            print(
                "ВНИМАНИЕ: запуск с -X gil=0 сообщил, что GIL включён: его включил "
                "обратно какой-то модуль-расширение; эта линия — с GIL."
            )
        ax.errorbar(
            workers,
            speed,
            yerr=[lo, hi],
            marker="o",
            capsize=3,
            color=color,
            label=label,
        )
    ideal = [min(w, CPUS) for w in workers]
    ax.plot(
        workers,
        ideal,
        linestyle="--",
        color=plots.REFERENCE,
        label=f"идеал: ×N, но не больше ядер ({CPUS})",
    )
    ax.axhline(1, color=plots.REFERENCE, linewidth=0.8)
    ax.set_xticks(workers)
    ax.set_xlabel("потоков в пуле")
    ax.set_ylabel("ускорение относительно одного потока, раз")
    ax.set_title(f"Потоки на {ft_interp.label}: GIL выключен и включён")
    ax.legend()
    both = f"{ft_interp.label}, запуски с -X gil=0 и -X gil=1"
    plots.stamp(fig, replace(machine.Stamp(**runs[0]["stamp"]), python=both))
    plt.show()

    def two_threads(res):
        t = {int(w): measure.Timing(tuple(v)) for w, v in res["timings"].items()}
        return t[1].median / t[2].median

    free, locked = runs[0], runs[1]
    if not free["gil_enabled"]:
        x = two_threads(free)
        claims.check(
            "no-gil-two-threads-faster",
            "без GIL два потока считают быстрее одного",
            confirmed=x > 1.4,
            evidence=f"×{x:.2f} на {CPUS} логических процессорах",
            reason_if_not=(
                "у машины один логический процессор"
                if CPUS < 2
                else "второй логический процессор был занят другой работой"
            ),
        )
    x = two_threads(locked)
    claims.check(
        "с включённым GIL два потока считают не быстрее одного",
        confirmed=x < 1.3,
        evidence=f"×{x:.2f}",
        reason_if_not="замер шумный: повторите на свободной машине",
    )

    # Цена free-threaded сборки в одном потоке: та же работа в одном потоке на
    # сборке с GIL той же версии (3.13t против 3.13), если такая есть.
    minor = ".".join(ft_interp.version.split(".")[:2])
    same = [
        i for i in found if not i.free_threaded and i.version.startswith(minor + ".")
    ]
    if same:
        gil_build = max(same, key=lambda i: i.version)
        one = results_from(gil_build, "threads", [1], tasks=tasks)
        t_gil = measure.Timing(tuple(one["timings"]["1"]))
        t_free = measure.Timing(tuple(free["timings"]["1"]))
        cost = t_free.median / t_gil.median
        print(
            f"один поток: {one['python']} — {t_gil}; "
            f"{free['python']} — {t_free}; free-threaded сборка ×{cost:.2f} по времени"
        )
        claims.check(
            "free-threaded-one-thread-not-faster",
            "в одном потоке free-threaded сборка не быстрее сборки с GIL",
            confirmed=cost > 0.95,
            evidence=f"её время ×{cost:.2f} от времени {one['python']}",
            reason_if_not="замер шумный, или версии сборок заметно различаются",
        )
    else:
        print(
            f"Цена free-threaded сборки в одном потоке не измерена: нет сборки "
            f"Python {minor} с GIL, с которой её сравнить."
        )

# %%
# Если эта часть выполнилась, ищите на графике две линии. С ``-X gil=1`` потоки
# не ускоряют вычисления — линия лежит у единицы, как на обычной сборке. С
# ``-X gil=0`` линия поднимается вместе с числом потоков до числа логических
# процессоров (больше потоков пример не запускает: дальше линия только выходит на
# плато, а время сборки дорого). Ускорение
# каждой линии считается от одного потока *в том же режиме*. Сколько стоит
# однопоточной программе отсутствие GIL, напечатано под графиком: время одного
# потока на free-threaded сборке и на сборке с GIL той же версии. В 3.13 эта
# цена была заметной; для 3.14 `What's New <https://docs.python.org/3/whatsnew/3.14.html>`_
# называет примерно 5–10 % в зависимости от платформы и компилятора.
#
# Что изменится на другой машине
# ------------------------------
#
# Всё зависит от числа логических процессоров: при *N* из них пулы процессов и
# интерпретаторов, как и потоки без GIL, упираются в ×\ *N*; сколько их было у
# машины, собравшей сайт, написано в штампе под графиком, а если на ней работали
# и другие программы, до идеала будет дальше. На машине с 16 логическими
# процессорами те же пулы могли бы
# приблизиться к ×16, а пул потоков с GIL по-прежнему оставался бы у ×1.
# Проверьте у себя: установите Python 3.14 и ``python3.14t`` (на Linux обычно из
# пакетов дистрибутива или через ``uv python install 3.14t``) и запустите этот
# пример, указав их в ``POTOK_EXTRA_PYTHONS``.
