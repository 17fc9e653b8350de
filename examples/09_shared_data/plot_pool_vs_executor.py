"""
Pool и ProcessPoolExecutor: одно и то же разными словами
========================================================

В стандартной библиотеке два пула процессов. :class:`multiprocessing.pool.Pool`
появился вместе с :mod:`multiprocessing` в Python 2.6 (2008, PEP 371);
:class:`concurrent.futures.ProcessPoolExecutor` — в Python 3.2 (2011, PEP 3148) как
часть общего интерфейса с пулом потоков. Внутри оба раздают задачи процессам
через каналы и :mod:`pickle`, но умеют и называют разное:

* ``map`` есть у обоих, но ``Pool.map`` сам режет вход на порции, а
  ``Executor.map`` по умолчанию шлёт задачи по одной (``chunksize=1``);
* результаты в порядке готовности: у ``Pool`` —
  :meth:`~multiprocessing.pool.Pool.imap_unordered`, у ``Executor`` —
  :func:`~concurrent.futures.as_completed`;
* подготовка процесса перед первой задачей: ``initializer`` и ``initargs`` у
  обоих (у ``ProcessPoolExecutor`` с 3.7);
* замена процесса после нескольких задач: ``maxtasksperchild`` у ``Pool`` (с 3.2)
  и ``max_tasks_per_child`` у ``ProcessPoolExecutor`` (с 3.11, и не с методом
  запуска fork).

Задачи лежат в ``potok.shared``, пулы создаются с
``mp_context=potok.start_methods.mp_context()`` (``Pool`` — как ``ctx.Pool``).
"""

# %%
# map: одинаково у обоих
# ----------------------
#
# ``Pool`` — менеджер контекста, но его ``__exit__`` вызывает
# :meth:`~multiprocessing.pool.Pool.terminate`, то есть убивает процессы, не
# дожидаясь их. Поэтому в конце блока пул закрывают
# (:meth:`~multiprocessing.pool.Pool.close`: новых задач не будет) и ждут
# процессы (:meth:`~multiprocessing.pool.Pool.join`). ``ProcessPoolExecutor``
# в конце блока ``with`` сам ждёт свои задачи и процессы.

import math
from concurrent.futures import ProcessPoolExecutor, as_completed

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, shared, start_methods, workloads

print(machine.stamp())
CTX = start_methods.mp_context()
WORKERS = min(machine.usable_cpus(), 8)

with CTX.Pool(2) as pool:
    print("Pool.map:            ", pool.map(shared.square, range(8)))
    pool.close()
    pool.join()
with ProcessPoolExecutor(2, mp_context=CTX) as executor:
    print("Executor.map:        ", list(executor.map(shared.square, range(8))))

# %%
# В порядке готовности
# --------------------
#
# Три задачи разной длины, самая длинная — первая. ``imap`` отдаёт результаты в
# порядке аргументов, ``imap_unordered`` и ``as_completed`` — по мере готовности.

NAP = measure.scale(0.1, 0.03)
naps = [3 * NAP, NAP, 2 * NAP]
with CTX.Pool(3) as pool:
    ordered = [round(x / NAP) for x in pool.imap(shared.nap, naps)]
    unordered = [round(x / NAP) for x in pool.imap_unordered(shared.nap, naps)]
    pool.close()
    pool.join()
with ProcessPoolExecutor(3, mp_context=CTX) as executor:
    futures = [executor.submit(shared.nap, x) for x in naps]
    completed = [round(f.result() / NAP) for f in as_completed(futures)]
print("длительности задач:          ", [round(x / NAP) for x in naps])
print("Pool.imap:                   ", ordered)
print("Pool.imap_unordered:         ", unordered)
print("Executor + as_completed:     ", completed)

# %%
# initializer: подготовить процесс один раз
# -----------------------------------------
#
# ``initializer(*initargs)`` выполняется в каждом процессе пула один раз, до его
# первой задачи. Так процесс открывает соединение с базой, загружает модель или
# большой справочник — и не делает этого на каждую задачу. ``shared.init_worker``
# кладёт строку в глобальную переменную модуля, ``shared.worker_tag`` её читает.

with CTX.Pool(2, initializer=shared.init_worker, initargs=("Pool",)) as pool:
    pool_tags = pool.map(shared.worker_tag, range(6), chunksize=1)
    pool.close()
    pool.join()
with ProcessPoolExecutor(
    2, mp_context=CTX, initializer=shared.init_worker, initargs=("Executor",)
) as executor:
    executor_tags = list(executor.map(shared.worker_tag, range(6)))
for name, tags in (("Pool", pool_tags), ("Executor", executor_tags)):
    print(
        f"{name}: процессы {sorted({pid for pid, _ in tags})}, "
        f"что видят задачи: {sorted({tag for _, tag in tags})}"
    )
claims.check(
    "initializer выполняется в каждом процессе пула до его первой задачи",
    confirmed=all(tag == "Pool" for _, tag in pool_tags)
    and all(tag == "Executor" for _, tag in executor_tags),
    evidence=f"задачи Pool видят {sorted({t for _, t in pool_tags})}, "
    f"задачи Executor — {sorted({t for _, t in executor_tags})}",
)

# %%
# maxtasksperchild: свежий процесс через несколько задач
# ------------------------------------------------------
#
# Процесс пула, который выполнил ``maxtasksperchild`` задач, завершается, и пул
# запускает вместо него новый. Это лекарство от утечек памяти в чужом коде и от
# состояния, которое задачи оставляют в процессе. Восемь задач на двух процессах,
# не больше двух задач на процесс: их должны выполнить не два процесса, а четыре.

TASKS = 8
with CTX.Pool(2, maxtasksperchild=2) as pool:
    pids = pool.map(workloads.worker_pid, range(TASKS), chunksize=1)
    pool.close()
    pool.join()
print(f"Pool(maxtasksperchild=2), задач {TASKS}: разных процессов {len(set(pids))}")
claims.check(
    "с maxtasksperchild=2 пул заменяет процессы: восемь задач выполняют больше "
    "двух процессов",
    confirmed=len(set(pids)) > 2,
    evidence=f"разных процессов: {len(set(pids))}",
)

# %%
# У ``ProcessPoolExecutor`` тот же параметр называется ``max_tasks_per_child``
# (Python 3.11+). С методом запуска fork он не работает: конструктор поднимает
# :exc:`ValueError` (в документации сказано, что без ``mp_context`` такой пул
# сам берёт spawn). Если пример запущен с fork, ниже напечатана эта ошибка.
#
# Задачи здесь отправляются по одной, и следующая — только после результата
# предыдущей. Это обход известной ошибки CPython
# (`gh-115634 <https://github.com/python/cpython/issues/115634>`_): если
# отправить сразу больше задач, чем процессы успевают взять, пул с
# ``max_tasks_per_child`` больше 1 может перестать запускать замену
# завершившимся процессам и зависнуть навсегда. Ошибка есть с 3.11; исправление
# (`PR 140900 <https://github.com/python/cpython/pull/140900>`_) вошло в 3.15, а
# в 3.11 и 3.12, которые получают только исправления безопасности, она осталась.

try:
    with ProcessPoolExecutor(2, mp_context=CTX, max_tasks_per_child=2) as executor:
        pids = [
            executor.submit(workloads.worker_pid).result(timeout=60)
            for _ in range(TASKS)
        ]
    print(
        f"ProcessPoolExecutor(max_tasks_per_child=2), задач {TASKS}: "
        f"разных процессов {len(set(pids))}"
    )
except ValueError as exc:
    print(
        f"ProcessPoolExecutor(max_tasks_per_child=2) с {start_methods.start_method()}: "
        f"ValueError: {exc}"
    )

# %%
# chunksize: сколько задач отправлять за раз
# ------------------------------------------
#
# Каждая отправка — это :mod:`pickle`, запись в канал, чтение в процессе пула и
# ответ обратно. Для задачи, которая считает микросекунды, эта дорога дороже
# самой задачи. ``chunksize`` отправляет задачи порциями: одна пересылка на
# порцию, а не на задачу.
#
# Замеряем ``map`` над ``M`` одинаковыми задачами ``workloads.cpu_bound(n)`` при
# разных ``n`` — от задачи в одну итерацию до задачи в миллисекунды — и делим
# время на число задач. Варианты:
#
# * ``Executor.map`` с ``chunksize=1`` (его значение по умолчанию);
# * ``Executor.map`` с ``chunksize = ⌈M / (4 · процессов)⌉`` — тем же правилом,
#   которым ``Pool.map`` выбирает порцию сам (так написано в
#   ``multiprocessing/pool.py``);
# * ``Pool.map`` без ``chunksize``;
# * ``Pool.imap`` с ``chunksize=1`` (его значение по умолчанию).
#
# Пулы созданы и прогреты заранее: запуск процессов в замер не входит. Варианты
# идут по очереди на каждом ``n``.

SIZES = measure.scale([1, 10, 100, 1000, 10_000, 100_000], [1, 100, 10_000])
MAX_TASKS = measure.scale(1000, 200)
WORK = measure.scale(200_000, 60_000)  # итераций на одну точку, не больше
REPEATS = measure.scale(3, 2)


def tasks_for(n):
    return max(4 * WORKERS, min(MAX_TASKS, WORK // n))


def auto_chunksize(m):
    return math.ceil(m / (4 * WORKERS))


per_task = {}
sequential = []
with (
    CTX.Pool(WORKERS) as pool,
    ProcessPoolExecutor(WORKERS, mp_context=CTX) as executor,
):
    pool.map(workloads.worker_pid, range(4 * WORKERS))  # все процессы запущены
    list(executor.map(workloads.worker_pid, range(4 * WORKERS)))
    for n in SIZES:
        m = tasks_for(n)
        args = [n] * m
        chunk = auto_chunksize(m)
        variants = {
            "Executor.map, chunksize=1": lambda a=args: list(
                executor.map(workloads.cpu_bound, a)
            ),
            "Executor.map, chunksize=⌈M/4P⌉": lambda a=args, c=chunk: list(
                executor.map(workloads.cpu_bound, a, chunksize=c)
            ),
            "Pool.map (сам выбирает chunksize)": lambda a=args: pool.map(
                workloads.cpu_bound, a
            ),
            "Pool.imap, chunksize=1": lambda a=args: list(
                pool.imap(workloads.cpu_bound, a)
            ),
            "подряд в одном процессе": lambda a=args: [
                workloads.cpu_bound(x) for x in a
            ],
        }
        timings = measure.interleaved(variants, repeats=REPEATS)
        for label, timing in timings.items():
            per_task.setdefault(label, []).append(timing.median / m)
        print(
            f"n={n:>6}: задач {m}, порция {chunk}; "
            + "; ".join(
                f"{label}: {measure.format_seconds(t.median / m)}"
                for label, t in timings.items()
            )
        )
    pool.close()
    pool.join()

fig, ax = plots.figure(height=5)
for label, times in per_task.items():
    if label.startswith("подряд"):
        ax.plot(SIZES, times, linestyle="--", color=plots.REFERENCE, label=label)
    else:
        ax.plot(SIZES, times, marker="o", label=label)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("размер задачи, итераций cpu_bound (логарифмическая шкала)")
ax.set_ylabel("время на одну задачу, с (медиана)")
ax.set_title(f"map над многими задачами; процессов в пуле: {WORKERS}")
ax.legend()
plots.stamp(fig)
plt.show()

# %%
# Как читать график
# -----------------
#
# Пунктир — те же задачи подряд в одном процессе: столько стоит сама работа.
# Слева задачи крошечные, и почти всё время любой линии — пересылка. Линии с
# ``chunksize=1`` лежат там выше всех: каждая задача едет в процесс отдельным
# сообщением. Линии с порциями лежат ниже — пересылка одна на сотни задач. Но и
# они выше пунктира: для задач в несколько итераций пул процессов не нужен
# вовсе. Справа задачи крупные, пересылка теряется на их фоне, и все линии
# сходятся. Ниже пунктира они уходят настолько, сколько свободных ядер
# досталось пулу: на занятой чужой работой машине — немного или совсем нет.
#
# Сравните и два ``chunksize=1``: ``Pool.imap`` и ``Executor.map`` устроены
# по-разному (у ``ProcessPoolExecutor`` между вызывающим потоком и процессами
# ещё поток-распорядитель и очередь вызовов), и цена одной задачи у них разная.

cs1 = per_task["Executor.map, chunksize=1"]
chunked = per_task["Executor.map, chunksize=⌈M/4P⌉"]
pool_map = per_task["Pool.map (сам выбирает chunksize)"]
claims.check(
    "chunksize-one-slow",
    "для крошечных задач chunksize=1 в разы медленнее, чем порции",
    confirmed=cs1[0] > 2 * chunked[0],
    evidence=f"n={SIZES[0]}: {measure.format_seconds(cs1[0])} против "
    f"{measure.format_seconds(chunked[0])} на задачу, "
    f"×{cs1[0] / chunked[0]:.1f}",
    reason_if_not="машина была занята во время замера",
)
claims.check(
    "для крупных задач размер порции почти ничего не меняет",
    confirmed=cs1[-1] < 1.5 * chunked[-1],
    evidence=f"n={SIZES[-1]}: {measure.format_seconds(cs1[-1])} против "
    f"{measure.format_seconds(chunked[-1])} на задачу, "
    f"×{cs1[-1] / chunked[-1]:.2f}",
    reason_if_not="машина была занята во время замера",
)
claims.check(
    "pool-map-chunks-itself",
    "Pool.map без chunksize на крошечных задачах быстрее Executor.map без "
    "chunksize: он сам режет вход на порции",
    confirmed=pool_map[0] < cs1[0],
    evidence=f"n={SIZES[0]}: Pool.map {measure.format_seconds(pool_map[0])}, "
    f"Executor.map {measure.format_seconds(cs1[0])} на задачу",
    reason_if_not="машина была занята во время замера",
)

children, threads = shared.leftovers()
print(f"осталось дочерних процессов: {len(children)}, лишних потоков: {len(threads)}")
