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

Пулы создаются с ``mp_context=potok.start_methods.mp_context()`` (``Pool`` — как
``ctx.Pool``). Сколько стоит ``map`` с порциями и без них, измеряет пример
:ref:`sphx_glr_auto_examples_09_shared_data_plot_pool_vs_executor.py`.
"""

# %%
# Задачи
# ------
#
# Ниже — все задачи, которые выполняют процессы пулов. Они лежат в модуле рядом
# с примером: при методах запуска spawn и forkserver процесс пула импортирует
# их заново, а сам пример ему не импортировать.
#
# .. literalinclude:: _pool_tasks.py
#
# Чтобы запустить пример у себя, скачайте и этот модуль и положите его рядом:
# :download:`_pool_tasks.py`.

# sphinx_gallery_tags = ["процессы"]
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed

import _pool_tasks

from potok import claims, machine, measure, start_methods, workloads

print(machine.stamp())
CTX = start_methods.mp_context()

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

with CTX.Pool(2) as pool:
    print("Pool.map:            ", pool.map(_pool_tasks.square, range(8)))
    pool.close()
    pool.join()
with ProcessPoolExecutor(2, mp_context=CTX) as executor:
    print("Executor.map:        ", list(executor.map(_pool_tasks.square, range(8))))

# %%
# В порядке готовности
# --------------------
#
# Три задачи разной длины, самая длинная — первая. ``imap`` отдаёт результаты в
# порядке аргументов, ``imap_unordered`` и ``as_completed`` — по мере готовности.

NAP = measure.scale(0.1, 0.03)
naps = [3 * NAP, NAP, 2 * NAP]
with CTX.Pool(3) as pool:
    ordered = [round(x / NAP) for x in pool.imap(_pool_tasks.nap, naps)]
    unordered = [round(x / NAP) for x in pool.imap_unordered(_pool_tasks.nap, naps)]
    pool.close()
    pool.join()
with ProcessPoolExecutor(3, mp_context=CTX) as executor:
    futures = [executor.submit(_pool_tasks.nap, x) for x in naps]
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
# большой справочник — и не делает этого на каждую задачу. ``init_worker``
# кладёт строку в глобальную переменную модуля, ``worker_tag`` её читает.

with CTX.Pool(2, initializer=_pool_tasks.init_worker, initargs=("Pool",)) as pool:
    pool_tags = pool.map(_pool_tasks.worker_tag, range(6), chunksize=1)
    pool.close()
    pool.join()
with ProcessPoolExecutor(
    2, mp_context=CTX, initializer=_pool_tasks.init_worker, initargs=("Executor",)
) as executor:
    executor_tags = list(executor.map(_pool_tasks.worker_tag, range(6)))
for name, tags in (("Pool", pool_tags), ("Executor", executor_tags)):
    print(
        f"{name}: процессы {sorted({pid for pid, _ in tags})}, "
        f"что видят задачи: {sorted({tag for _, tag in tags})}"
    )
claims.check(
    "initializer-runs-first",
    "initializer выполняется в каждом процессе пула до его первой задачи",
    confirmed=all(tag == "Pool" for _, tag in pool_tags)
    and all(tag == "Executor" for _, tag in executor_tags),
    evidence=f"задачи Pool видят {sorted({t for _, t in pool_tags})}, "
    f"задачи Executor — {sorted({t for _, t in executor_tags})}",
    numbers={
        "pool_tasks_tagged": sum(tag == "Pool" for _, tag in pool_tags),
        "executor_tasks_tagged": sum(tag == "Executor" for _, tag in executor_tags),
        "tasks": len(pool_tags),
    },
    reason_if_not="в этой версии Python пул вызывает initializer иначе, чем описано в "
    "главе",
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
    "maxtasksperchild-replaces-workers",
    "с maxtasksperchild=2 пул заменяет процессы: восемь задач выполняют больше "
    "двух процессов",
    confirmed=len(set(pids)) > 2,
    evidence=f"разных процессов: {len(set(pids))}",
    numbers={"tasks": TASKS, "processes": len(set(pids))},
    reason_if_not="в этой версии Python пул не заменяет процессы после "
    "maxtasksperchild задач",
)

# %%
# У ``ProcessPoolExecutor`` тот же параметр называется ``max_tasks_per_child``
# (Python 3.11+). С методом запуска fork он не работает: конструктор выбрасывает
# :exc:`ValueError` (в документации сказано, что без ``mp_context`` такой пул
# сам берёт spawn). Если пример запущен с fork, ниже напечатана эта ошибка.
#
# Задачи здесь отправляются по одной, и следующая — только после результата
# предыдущей. Это обход известной ошибки CPython
# (`gh-115634 <https://github.com/python/cpython/issues/115634>`_): если
# отправить сразу больше задач, чем процессы успевают взять, пул с
# ``max_tasks_per_child`` больше 1 может перестать запускать замену
# завершившимся процессам и зависнуть навсегда. Ошибка есть с 3.11; исправление
# (`PR 140900 <https://github.com/python/cpython/pull/140900>`_) вошло в 3.15 и
# перенесено в 3.14.7
# (`PR 152927 <https://github.com/python/cpython/pull/152927>`_) и 3.13.15
# (`PR 152928 <https://github.com/python/cpython/pull/152928>`_). В 3.11 и 3.12,
# которые получают только исправления безопасности, она осталась, как и в 3.13
# и 3.14 до этих выпусков. По одной задаче пример работает на любой версии.

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

print(
    f"осталось дочерних процессов: {len(multiprocessing.active_children())}, "
    f"лишних потоков: {threading.active_count() - 1}"
)
