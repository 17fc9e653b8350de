"""
Что субинтерпретатор не принимает: функции из __main__ и расширения на C
========================================================================

Документация ``InterpreterPoolExecutor`` предупреждает: функции из ``__main__``
не подходят, их нельзя передать через pickle. На деле Python 3.14 устроен
хитрее. Функцию он передаёт в другой интерпретатор одним из двух путей:

1. **без pickle, как код** — если функция «без состояния»: не замыкание и не
   читает глобальных имён (встроенные вроде ``len`` можно);
2. **через pickle, по имени** — ``модуль.функция``; другой интерпретатор
   импортирует модуль сам. Если модуль — ``__main__``, а у ``__main__`` есть
   файл, Python выполняет этот файл в другом интерпретаторе ещё раз, под именем
   ``<fake __main__>`` (``Python/crossinterp.c``), — так же, как метод запуска
   spawn выполняет главный скрипт в дочернем процессе.

Второе проверяет пример, запуская один и тот же файл трижды: как модуль, как
скрипт и как текст без файла (так выполняется код в REPL, в блокноте Jupyter,
в ``python -c``). А ещё он импортирует в субинтерпретаторе несколько
модулей-расширений на C — кто из них откажется загружаться — и проверяет
``os.fork()`` в процессе, где есть субинтерпретатор.
"""

# %%
# Код
# ---
#
# .. literalinclude:: _interpreter_refusals.py
#
# :download:`_interpreter_refusals.py`
#
# Пять функций: ``double`` без глобальных имён, ``times_limit`` читает
# глобальную ``LIMIT``, замыкание ``add``, ``lambda`` и встроенная
# ``math.factorial``. ``try_functions`` вызывает каждую через ``interp.call`` и
# через ``InterpreterPoolExecutor``; верхний уровень файла пишет, какой
# интерпретатор и под каким именем его выполняет. Модуль выполняет самый
# новый найденный Python 3.14 или новее со сборкой с GIL
# (``potok.interpreters.Child``).

# sphinx_gallery_tags = ["субинтерпретаторы"]
import os

import _interpreter_refusals

from potok import claims, interpreters, machine

EXTENSIONS = [
    "numpy",  # сторонние: NumPy, Pillow, kiwisolver (зависимости matplotlib)
    "PIL._imaging",
    "kiwisolver",
    "readline",  # из стандартной библиотеки
    "_curses",
    "_testsinglephase",  # тестовый модуль CPython: нарочно «однофазный»
    "_decimal",
    "_sqlite3",
    "_ctypes",
]

print(machine.stamp())
survey = interpreters.available()
me = interpreters.here()
found = {p.key: p for p in survey.interpreters} | {me.key: me}
pythons = [
    found[key]
    for key in interpreters.ORDER
    if key in found and found[key].interpreter_pool and not found[key].free_threaded
][-1:]  # самый новый
print("проверяется в:", ", ".join(p.label for p in pythons) or "нигде")
if not pythons:
    print(
        "Не проверено: concurrent.interpreters появился в Python 3.14, а такого "
        f"интерпретатора здесь нет. {survey.not_measured(['3.14', '3.15'])}"
    )

results = {}
for python in pythons:
    with interpreters.Child(python) as child:
        results[python.key] = {
            "ways": child.call(_interpreter_refusals.functions_three_ways),
            "extensions": child.call(_interpreter_refusals.extensions, EXTENSIONS),
            "fork": child.call(_interpreter_refusals.fork_exit_codes)
            if hasattr(os, "fork")
            else {},
            "stamp": child.call(machine.stamp),
        }

# %%
# Функции: модуль, скрипт, текст без файла
# ----------------------------------------
#
# Для каждого способа — что вернул ``interp.call(функция, 5)`` и что вернула
# задача пула, а ниже — кто выполнял верхний уровень файла.

for got in results.values():
    print(f"=== {got['stamp'].python} ===")
    for way, ran in got["ways"].items():
        print(f"--- {way} ---")
        for name, how in ran["results"].items():
            print(f"{name:>15}: call {how['call']}")
            if how["pool"] != how["call"]:
                print(f"{'':>15}  пул {how['pool']}")
        for line in ran["top_level"]:
            print(f"  {line}")

# %%
# Модули-расширения
# -----------------
#
# Каждый модуль импортируется в главном интерпретаторе и в новом
# субинтерпретаторе; ниже — что ответил субинтерпретатор (последняя строка
# сообщения об ошибке).

for got in results.values():
    print(f"=== {got['stamp'].python} ===")
    for name, answer in got["extensions"].items():
        print(f"{name:>16}: {answer}")

# %%
# fork, пока есть субинтерпретатор
# --------------------------------
#
# Дочерний процесс, созданный ``os.fork()``, сразу выходит с кодом 0. Ниже —
# с каким кодом он вышел на самом деле (−11: его убил сигнал SIGSEGV). На
# системах без ``fork`` (Windows) этой части нет.

for got in results.values():
    codes = ", ".join(f"{when}: {code}" for when, code in got["fork"].items())
    print(f"{got['stamp'].python}: {codes or 'os.fork нет'}")

# %%
# Что проверяется
# ---------------

for key, got in results.items():
    label, stamp, ways = found[key].label, got["stamp"], got["ways"]
    script = ways["скрипт"]
    ok = [w["results"]["double"]["pool"] for w in ways.values()]
    claims.check(
        "stateless-function-passes",
        f"{label}: функция без глобальных имён проходит в пул интерпретаторов "
        "откуда угодно, даже из __main__ без файла",
        confirmed=all(r.startswith("вернула") for r in ok),
        evidence="; ".join(f"{w}: {r}" for w, r in zip(ways, ok, strict=True)),
        reason_if_not="в этой версии Python пул интерпретаторов передаёт функции "
        "иначе, чем описано в главе",
        stamp=stamp,
    )
    needs = {w: ways[w]["results"]["times_limit"]["pool"] for w in ways}
    claims.check(
        "main-global-needs-file",
        f"{label}: функция из __main__, читающая глобальное имя, проходит, только "
        "если у __main__ есть файл: другой интерпретатор выполняет его ещё раз",
        confirmed=needs["скрипт"].startswith("вернула")
        and not needs["без файла"].startswith("вернула")
        and any("<fake __main__>" in line for line in script["top_level"]),
        evidence="; ".join(f"{w}: {r}" for w, r in needs.items()),
        reason_if_not="в этой версии Python передаёт такие функции иначе",
        stamp=stamp,
    )
    closure = [w["results"]["замыкание add"]["call"] for w in ways.values()]
    claims.check(
        "closure-refused",
        f"{label}: замыкание не проходит никак",
        confirmed=not any(r.startswith("вернула") for r in closure),
        evidence=closure[0],
        reason_if_not="в этой версии Python замыкания научились проходить в другой "
        "интерпретатор",
        stamp=stamp,
    )
    answers = got["extensions"]
    refused = [n for n, a in answers.items() if "does not support loading" in a]
    loaded = [n for n, a in answers.items() if a == "загрузился"]
    claims.check(
        "single-phase-extensions-refused",
        f"{label}: часть модулей-расширений в субинтерпретаторе не загружается, "
        "хотя в главном загружается",
        confirmed=bool(refused) and bool(loaded),
        evidence=f"отказались: {', '.join(refused) or 'никто'}; "
        f"загрузились: {', '.join(loaded) or 'никто'}",
        numbers={"refused": len(refused), "loaded": len(loaded)},
        reason_if_not="здесь нет ни одного из проверенных модулей старого образца",
        stamp=stamp,
    )
    if got["fork"]:
        codes = got["fork"]
        claims.check(
            "fork-with-interpreter-crashes",
            f"{label}: процесс, созданный fork, пока в родителе есть "
            "субинтерпретатор, падает; до create() и после close() — нет",
            confirmed=codes["пока он есть"] != 0
            and codes["до create()"] == codes["после close()"] == 0,
            evidence=", ".join(f"{w}: код {c}" for w, c in codes.items()),
            numbers={"exit_code_with_interpreter": codes["пока он есть"]},
            reason_if_not="в этой версии ошибка исправлена (gh-139759)",
            stamp=stamp,
        )

# %%
# Что видно в выводе
# ------------------
#
# ``double``, ``lambda`` и ``math.factorial`` проходят всегда: первые две — как
# код без состояния, третья — по имени из модуля, который есть везде. Замыкание
# не проходит никак: его ячейки с переменными — состояние, которое нельзя
# передать, а pickle не умеет замыкания.
#
# ``times_limit`` читает глобальную ``LIMIT`` и поэтому уходит через pickle, по
# имени. Из модуля она проходит: другой интерпретатор импортирует модуль сам
# (строки «верхний уровень» с именем ``'_interpreter_refusals'`` — это импорт в
# каждом интерпретаторе). Из скрипта тоже проходит, но ценой, которую легко не
# заметить: **верхний уровень скрипта выполняется ещё раз в каждом
# интерпретаторе**, которому понадобилась функция, под именем
# ``<fake __main__>``. Поэтому весь код, который что-то делает, — под ``if
# __name__ == "__main__":``, как и для spawn. А без файла (REPL, Jupyter,
# ``python -c``) выполнить нечего, и вызов падает с
# :exc:`~concurrent.interpreters.NotShareableError`.
#
# Модули-расширения отказываются загружаться, если они написаны по-старому:
# однофазная инициализация (функция ``PyInit_...`` сразу создаёт модуль и
# держит его состояние в глобальных переменных C), а не многофазная
# (:pep:`489`), при которой у каждого интерпретатора своя копия модуля. Даже
# многофазный модуль должен ещё объявить, что выдерживает свой GIL у каждого
# интерпретатора (слот ``Py_mod_multiple_interpreters``, :pep:`684`). Среди
# отказавшихся — NumPy: в субинтерпретаторе пула его не импортировать, и
# задачи с NumPy остаются пулу процессов.
#
# И последнее: ``fork`` в процессе, где есть хотя бы один субинтерпретатор, в
# 3.14 и 3.15 роняет дочерний процесс — это открытая ошибка CPython
# (`gh-139759 <https://github.com/python/cpython/issues/139759>`_). Пул
# процессов с методом ``fork`` поэтому запускают *до* пула интерпретаторов или
# берут ``forkserver`` и ``spawn``: они не копируют процесс, в котором живут
# субинтерпретаторы.
