"""
Пул процессов: задача не может пользоваться своим пулом
=======================================================

У пула потоков задача может отправить подзадачу в свой же пул (и рискует
взаимной блокировкой:
:ref:`sphx_glr_auto_examples_16_interpreters_pools_plot_pool_deadlock.py`). У
:class:`~concurrent.futures.ProcessPoolExecutor` правило строже. Документация:
«вызов методов ``Executor`` или ``Future`` из функции, отправленной в
``ProcessPoolExecutor``, приведёт к взаимной блокировке». Задача выполняется в
другом процессе, и пул, который она видит, — в лучшем случае копия.

Пример проверяет три способа дать задаче её пул при каждом методе запуска
процессов: передать пул аргументом, передать аргументом ``Future`` и положить
пул в глобальную переменную модуля. Единственный способ, который «работает»,
зависает навсегда, — поэтому у ожидания тайм-аут, а зависший процесс пример
в конце убивает.
"""

# %%
# Код
# ---
#
# .. literalinclude:: _process_pool_rules.py
#
# :download:`_process_pool_rules.py`
#
# ``try_method`` делает три попытки при одном методе запуска. Задача
# ``submit_from_task`` ставит таймер
# :func:`faulthandler.dump_traceback_later`: если через ``STACK_AFTER`` секунд
# она ещё не закончила, её стек записывается в файл. Модуль выполняет отдельный
# процесс того же Python (``potok.interpreters.Child``): так пример убивает
# только процессы своего пула.

# sphinx_gallery_tags = ["процессы"]
import multiprocessing
import re

import _process_pool_rules

from potok import claims, interpreters, machine

STACK_AFTER = 0.5  # секунд до снимка стека задачи

print(machine.stamp())
methods = multiprocessing.get_all_start_methods()
with interpreters.Child(interpreters.here()) as child:
    results = {m: child.call(_process_pool_rules.try_method, m, STACK_AFTER)
               for m in methods}  # fmt: skip

# %%
# Что вышло
# ---------

for method, got in results.items():
    print(f"--- {method} ---")
    for attempt, what in got["outcomes"].items():
        print(f"{attempt:>29}: {what}")

# %%
# Где стоит зависшая задача
# -------------------------
#
# Стек, который записал :mod:`faulthandler` в процессе пула, от путей к файлам
# оставлены имена. Первая строка — где задача стоит; ниже — как она туда попала.

for method, got in results.items():
    if got["stack"]:
        print(f"--- {method}: стек задачи ---")
        print(re.sub(r'File "[^"]*?([^/\\"]+)"', r'File "\1"', got["stack"].strip()))
        print(f"строка, на которой она стоит: {got['line']}")
        print(f"процессов пула, которые пришлось убить: {got['stuck']}")

# %%
# Что проверяется
# ---------------

passed = [got["outcomes"][a] for got in results.values()
          for a in ("пул аргументом", "Future аргументом")]  # fmt: skip
claims.check(
    "pool-and-future-cannot-be-sent",
    "пул и Future нельзя передать задаче пула процессов: они не сериализуются",
    confirmed=all(p.startswith("TypeError") and "pickle" in p for p in passed),
    evidence="; ".join(sorted(set(passed))),
    reason_if_not="в этой версии Python пересылка пула и Future проходит или падает "
    "с другой ошибкой",
)
fresh = {m: g["outcomes"]["пул из глобальной переменной"] for m, g in results.items()
         if m != "fork"}  # fmt: skip
if fresh:
    claims.check(
        "spawned-worker-has-no-pool",
        "при spawn и forkserver процесс пула импортирует модуль заново, и пула в "
        "глобальной переменной у него нет",
        confirmed=all(v.startswith("AttributeError") for v in fresh.values()),
        evidence="; ".join(f"{m}: {v}" for m, v in fresh.items()),
        reason_if_not="в этой версии Python процесс пула получает глобальные "
        "переменные иначе, чем описано в главе",
    )
if "fork" in results:
    forked = results["fork"]
    claims.check(
        "forked-worker-hangs-in-submit",
        "при fork задача, вызвавшая submit своего пула, зависает навсегда: копия "
        "пула достаётся ей с захваченной блокировкой",
        confirmed=forked["outcomes"]["пул из глобальной переменной"].startswith("нет")
        and "_shutdown_lock" in forked["line"],
        evidence=f"{forked['outcomes']['пул из глобальной переменной']}; "
        f"стоит на строке «{forked['line']}»",
        numbers={"stuck_processes": forked["stuck"]},
        reason_if_not="в этой версии процессы пула запускаются иначе",
    )

# %%
# Что видно
# ---------
#
# **Пул и Future аргументом** не доходят до задачи вовсе: в них блокировки и
# условные переменные, а pickle их не сериализует. Ошибка ``TypeError`` приходит
# из ``result()`` — отправка «удалась», упала пересылка.
#
# **Пул в глобальной переменной** при ``spawn`` и ``forkserver`` не существует:
# процесс пула импортировал модуль заново, и там ``POOL = None``. Это хотя бы
# честная ошибка.
#
# При ``fork`` хуже. Процесс пула — копия родителя, сделанная *внутри*
# ``submit``: стек выше кончается вызовами ``submit`` → ``_launch_processes`` →
# ``start`` → ``_launch`` родителя, а ``submit`` в этот момент держит
# блокировку ``_shutdown_lock``. Копия блокировки в дочернем процессе так и
# остаётся захваченной — отпустить её некому (то же, что ``fork()`` при
# захваченной блокировке в главе о синхронизации), и ``submit`` в задаче ждёт
# её вечно, без всякого тайм-аута. Ждущий снаружи ``result(timeout=...)``
# сдаётся, а процесс пула остаётся висеть: пример убивает его сам. С Python 3.14
# для этого есть :meth:`~concurrent.futures.ProcessPoolExecutor.kill_workers`
# (:ref:`sphx_glr_auto_examples_16_interpreters_pools_plot_stopping_pools.py`).
#
# Правило: задача пула процессов получает данные и возвращает результат, а
# подзадачи отправляет тот, кто держит пул, — главный процесс.
