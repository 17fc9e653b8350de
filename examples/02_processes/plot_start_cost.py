"""
Создать поток дешевле, чем создать процесс
==========================================

В конспекте сказано: «создание потока дешевле, чем создание нового процесса, так как
для процесса требуется создание нового адресного пространства». Проверим это на
Python и заодно увидим, что «создать процесс» можно тремя очень разными способами.

Измеряем одно и то же действие: создать объект, запустить его (``start``) и дождаться
конца (``join``). Работы у потока и у процесса нет никакой — функция
``potok.workloads.noop`` сразу возвращается, — так что всё измеренное время уходит
на рождение и завершение исполнителя.

Процесс в :mod:`multiprocessing` запускается одним из *методов запуска* (start
method):

* **fork** — системный вызов ``fork()``: ОС делает копию родителя. Страницы памяти
  не копируются сразу (копирование при записи), но таблицы страниц копируются, так
  что цена растёт с объёмом памяти родителя. Интерпретатор в ребёнке уже готов.
* **spawn** — запускается новый интерпретатор Python: он стартует с нуля,
  импортирует нужные модули и получает через канал (pickle) функцию и аргументы.
  Единственный метод на Windows; на macOS — метод по умолчанию с Python 3.8: fork
  там может обрушить дочерний процесс, потому что системные библиотеки macOS
  запускают свои потоки (`bpo-33725 <https://bugs.python.org/issue33725>`_).
* **forkserver** — один раз запускается процесс-сервер (новый интерпретатор, как
  при spawn; в обычном скрипте он сразу выполняет и верхний уровень главного
  модуля со всеми импортами), а каждый новый процесс он порождает ``fork()`` от
  себя, а не от большого родителя. По умолчанию на Linux и других POSIX-системах,
  кроме macOS, начиная с Python 3.14.
"""

# %%
# Что и сколько раз измеряем
# --------------------------
#
# Первый запуск каждого варианта измеряется отдельно и в распределение не входит: он
# же служит прогревом. У forkserver он включает запуск самого сервера (если тот ещё
# не был запущен в этом процессе). Потом — серия замеров: потоки дёшевы, их запусков
# больше; spawn дорог, его меньше. Варианты идут по очереди (поток, fork,
# forkserver, spawn, снова поток…), чтобы занятость машины в какой-то момент
# легла на все варианты, а не на один.
#
# Пример сравнивает **все** методы запуска, какие есть на этой платформе
# (:func:`multiprocessing.get_all_start_methods`), и потому от переменной
# ``POTOK_START_METHOD`` не зависит: она выбирает метод для примеров с одним пулом
# процессов, а здесь сравнение методов — и есть предмет.

# sphinx_gallery_tags = ["потоки", "процессы"]
import dataclasses
import multiprocessing
import threading
import time

import matplotlib.pyplot as plt

from potok import claims, cpu, machine, measure, plots, start_methods, workloads

# строки графика: fork, forkserver, spawn — те, что есть на этой платформе
METHODS = sorted(
    multiprocessing.get_all_start_methods(), key=["fork", "forkserver", "spawn"].index
)
DEFAULT_METHOD = multiprocessing.get_context().get_start_method()
REPEATS = {
    "thread": measure.scale(300, 40),
    "fork": measure.scale(30, 8),
    "forkserver": measure.scale(30, 8),
    "spawn": measure.scale(12, 4),
}


def start_and_join(make):
    worker = make()
    worker.start()
    worker.join()
    if getattr(worker, "exitcode", 0) != 0:
        raise RuntimeError(f"{worker!r} завершился с кодом {worker.exitcode}")


def timed_start(make):
    t0 = time.perf_counter()
    start_and_join(make)
    return time.perf_counter() - t0


makers = {"поток (threading.Thread)": ("thread", None)}
for method in METHODS:
    label = f"процесс, {method}" + (
        " (по умолчанию)" if method == DEFAULT_METHOD else ""
    )
    makers[label] = (method, start_methods.mp_context(method))

stamp = dataclasses.replace(
    machine.stamp(), start_method="сравниваются все: " + ", ".join(METHODS)
)
print(stamp)

# %%
# Замер
# -----

makes, wanted = {}, {}
for label, (kind, ctx) in makers.items():
    if ctx is None:
        makes[label] = lambda: threading.Thread(target=workloads.noop)
    else:
        makes[label] = lambda ctx=ctx: ctx.Process(target=workloads.noop)
    wanted[label] = REPEATS[kind]

first_start = {label: timed_start(make) for label, make in makes.items()}
samples = {label: [] for label in makes}
for _ in range(max(wanted.values())):  # по кругу: A B C D A B C D …
    for label, make in makes.items():
        if len(samples[label]) < wanted[label]:
            samples[label].append(timed_start(make))
results = {
    label: (first_start[label], measure.Timing(tuple(samples[label])))
    for label in makes
}

thread_median = results["поток (threading.Thread)"][1].median
for label, (first, timing) in results.items():
    print(f"{label}:\n    {timing}; первый запуск {measure.format_seconds(first)}")
    if label.startswith("процесс"):
        ratio = timing.median / thread_median
        print(f"    медиана / медиана потока: {ratio:.0f}")
print(cpu.machine_load())

process_labels = [label for label in results if label.startswith("процесс")]
medians = {makers[label][0]: results[label][1].median for label in results}
cheapest = min(process_labels, key=lambda label: results[label][1].median)
claims.check(
    "process-start-costlier-than-thread",
    "запустить процесс дороже, чем запустить поток, при любом методе запуска",
    confirmed=results[cheapest][1].median > thread_median,
    evidence=(
        f"самый дешёвый процесс ({cheapest.removeprefix('процесс, ')}) — "
        f"×{results[cheapest][1].median / thread_median:.0f} от потока"
    ),
    numbers={f"{kind}_s": median for kind, median in medians.items()},
    reason_if_not="машина была очень занята: " + cpu.machine_load(),
    stamp=stamp,
)
spawn_label = next((label for label in process_labels if "spawn" in label), None)
if spawn_label is not None and len(process_labels) > 1:
    costliest = max(process_labels, key=lambda label: results[label][1].median)
    claims.check(
        "spawn-costliest",
        "spawn — самый дорогой способ запустить процесс: ребёнок стартует с нуля",
        confirmed=costliest == spawn_label,
        evidence=", ".join(
            f"{label.removeprefix('процесс, ')}: "
            f"{measure.format_seconds(results[label][1].median)}"
            for label in process_labels
        ),
        numbers={f"{kind}_s": median for kind, median in medians.items()},
        reason_if_not=(
            "fork копирует большой родитель (при сборке сайта — весь процесс "
            "Sphinx), и это может стоить дороже нового интерпретатора"
        ),
        stamp=stamp,
    )

# %%
# Распределения
# -------------
#
# Каждая точка — один запуск с ожиданием; чёрная черта — медиана. Ось времени
# логарифмическая: иначе поток и spawn не поместились бы на одном графике.

fig, ax = plots.figure(height=3.6)
plots.distributions(
    ax,
    {
        label: [s * 1e3 for s in timing.samples]
        for label, (_, timing) in results.items()
    },
    unit="мс",
)
ax.invert_yaxis()
ax.set_title("Поток и процесс: start + join пустой задачи")
plots.stamp(fig, stamp)
plt.show()

# %%
# Что видно на графике
# --------------------
#
# Строка потока — слева, строки процессов — правее (ось логарифмическая). Во
# сколько раз процесс дороже потока, напечатано выше: отношение медиан для каждого
# метода запуска. Поток — это новый стек и запись в планировщике ОС внутри уже
# готового процесса: ни нового адресного пространства, ни нового интерпретатора.
#
# Среди процессов:
#
# * **spawn** — обычно правее всех (это проверяет второе утверждение выше). Каждый
#   раз стартует целый интерпретатор: чтение и загрузка стандартных модулей, импорт
#   ``potok.workloads``, распаковка задачи. В обычном скрипте сверх того ребёнок
#   заново выполняет *главный модуль* — поэтому код, который запускает процессы,
#   прячут под ``if __name__ == "__main__":``. Здесь этого нет:
#   ``potok.start_methods.mp_context()`` просит детей не трогать скрипт, как это
#   делает и sphinx-gallery при сборке сайта.
# * **fork** — копирует готовый процесс, и интерпретатор в ребёнке стартовать не
#   должен. Но цена fork растёт с памятью родителя: таблицы страниц копируются, а
#   каждая страница, в которую потом пишет родитель или ребёнок, копируется при
#   записи. Запущенный вручную скрипт невелик, и fork у него обычно заметно
#   дешевле spawn. При сборке сайта родитель — весь процесс Sphinx со всеми
#   страницами в памяти, и на странице сайта fork может оказаться дороже
#   forkserver.
# * **forkserver** — ребёнок — копия сервера, а не большого родителя (здесь сервер
#   маленький: скрипт он, как и дети spawn, не выполняет), поэтому от размера
#   родителя цена не зависит; сверху — передача задачи через
#   сокет и импорт ``potok.workloads``. Первый запуск дороже остальных: он
#   запускает сам сервер (сравните «первый запуск» в выводе выше). Модули, нужные
#   каждому ребёнку, можно загрузить в сервер заранее:
#   ``multiprocessing.set_forkserver_preload()``.
#
# У fork есть и цена другого рода: fork из процесса, где уже работают потоки,
# небезопасен — ребёнку достаётся копия памяти, но не сами потоки, которые, быть
# может, держали блокировки. С Python 3.12 это :exc:`DeprecationWarning`, а в 3.14
# метод по умолчанию на Linux и других POSIX-системах, кроме macOS, сменился на
# forkserver. Этот процесс, кстати, многопоточный, хотя
# ни одного потока мы не запускали: matplotlib загрузил numpy, а тот — рабочие
# потоки OpenBLAS (см.
# :ref:`sphx_glr_auto_examples_02_processes_plot_native_threads.py`).
#
# Разброс точек — не ошибка замера: запуск процесса зависит от планировщика ОС, от
# того, что делают другие программы, от кеша файловой системы. Длинный хвост справа
# — запуски, когда ядро было занято кем-то ещё.
#
# А если ядер больше?
# -------------------
#
# Цена *одного* запуска от числа ядер почти не зависит: это цепочка шагов, которые
# выполняются друг за другом. Она зависит от скорости одного ядра, от памяти
# родителя (fork) и от диска (spawn). На многоядерной машине выигрыш другой: пул,
# который запускает десяток процессов сразу, запускает их параллельно — каждый
# новый интерпретатор стартует на своём ядре. Если же логических процессоров
# мало и они заняты (их число и средняя загрузка машины напечатаны выше), ребёнок
# spawn ещё и делит процессор с родителем и соседями — отсюда длинные хвосты.
#
# Вывод для практики: процессы стоит запускать один раз и переиспользовать (пул
# :class:`concurrent.futures.ProcessPoolExecutor`), а не создавать на каждую мелкую
# задачу; поток можно позволить себе и на короткую работу.
