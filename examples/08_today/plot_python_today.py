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

Этот пример меряет и то, и другое — **если на машине, где собирается сайт, есть
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

from potok import measure, plots, today

N = measure.scale(200_000, 30_000)  # итераций cpu_bound в одной задаче
REPEATS = measure.scale(3, 2)
CPUS = measure.usable_cpus()

print(measure.machine_stamp())
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

# сборка с GIL, если есть: на ней видно, чем пулы отличаются друг от друга
with_pool = [i for i in found if i.interpreter_pool]
pool_interp = next((i for i in with_pool if not i.free_threaded), None) or next(
    iter(with_pool), None
)
if pool_interp is None:
    print(
        "InterpreterPoolExecutor не измерен: он появился в Python 3.14, а такого "
        "интерпретатора здесь нет (пример выполняется на "
        f"{measure.python_build()}). Чтобы эта часть выполнилась, поставьте "
        "python3.14 в PATH или укажите путь к нему в POTOK_EXTRA_PYTHONS."
    )
else:
    pools = results_from(pool_interp, "pools", [CPUS], tasks=2 * CPUS)
    timings = {k: measure.Timing(tuple(v)) for k, v in pools["timings"].items()}
    baseline = timings.pop("последовательно")
    print(f"измерено на: {pools['python']}; исполнителей в пуле: {CPUS}")
    print(f"{'последовательно':>24}: {baseline}")
    for label, t in timings.items():
        print(f"{label:>24}: {t}; ускорение ×{baseline.median / t.median:.2f}")

    fig, ax = plots.figure(height=3.6)
    labels = list(timings)
    speed = [baseline.median / timings[k].median for k in labels]
    err_lo = [speed[i] - baseline.median / timings[k].max for i, k in enumerate(labels)]
    err_hi = [baseline.median / timings[k].min - speed[i] for i, k in enumerate(labels)]
    ax.barh(labels, speed, xerr=[err_lo, err_hi], capsize=4, color=plots.PALETTE[:3])
    ax.axvline(1, color=plots.REFERENCE, linewidth=1, label="последовательно: ×1")
    ax.axvline(
        CPUS, color=plots.REFERENCE, linestyle="--", label=f"идеал: ×{CPUS} (ядер)"
    )
    ax.invert_yaxis()
    ax.set_xlabel(f"ускорение относительно выполнения подряд, раз ({CPUS} исп.)")
    ax.set_title(f"Вычисления на чистом Python в трёх пулах: {pools['python']}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", visible=False)
    plots.stamp(fig, measure.Stamp(**pools["stamp"]))  # машина и интерпретатор замера
    plt.show()

# %%
# Если эта часть выполнилась (на сборке с GIL — пример выбирает её, когда есть
# выбор), пул потоков не ускоряет вычисления на чистом Python: его полоса у
# отметки ×1, потому что байт-код в каждый момент выполняет только один поток.
# Пулы процессов и интерпретаторов могут подойти к пунктиру «идеал»: у каждого
# процесса и у каждого субинтерпретатора свой GIL. Разница между ними — в
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
    workers = sorted({1, 2, CPUS, 2 * CPUS})
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
        label = f"-X gil={mode}: " + ("без GIL" if mode == 0 else "с GIL")
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
    plots.stamp(fig, replace(measure.Stamp(**runs[0]["stamp"]), python=both))
    plt.show()

# %%
# Если эта часть выполнилась, ищите на графике две линии. С ``-X gil=1`` потоки
# не ускоряют вычисления — линия лежит у единицы, как на обычной сборке. С
# ``-X gil=0`` линия поднимается вместе с числом потоков, пока потоков не больше,
# чем ядер, а дальше выходит на плато: ядер больше не становится. Ускорение
# каждой линии считается от одного потока *в том же режиме*; сколько стоит
# однопоточной программе отсутствие GIL (free-threaded сборка в одном потоке
# немного медленнее обычной), видно по напечатанному времени одного потока.
#
# Что изменится на другой машине
# ------------------------------
#
# Всё зависит от числа ядер: при *N* ядрах пулы процессов и интерпретаторов,
# как и потоки без GIL, упираются в ×\ *N*; сколько ядер было у машины, собравшей
# сайт, написано в штампе под графиком, а если на ней работали и другие
# программы, до идеала будет дальше. На машине с 16 ядрами те же пулы могли бы
# приблизиться к ×16, а пул потоков с GIL по-прежнему оставался бы у ×1.
# Проверьте у себя: установите Python 3.14 и ``python3.14t`` (на Linux обычно из
# пакетов дистрибутива или через ``uv python install 3.14t``) и запустите этот
# пример, указав их в ``POTOK_EXTRA_PYTHONS``.
