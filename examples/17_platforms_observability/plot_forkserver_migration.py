"""
Python 3.14 сменил fork на forkserver: что сломалось и как чинят
================================================================

До Python 3.13 включительно :mod:`multiprocessing` в Linux по умолчанию
запускал процессы через ``fork``: ребёнок — копия родителя со всей его памятью.
С 3.14 по умолчанию ``forkserver``
(:ref:`«Что нового в Python 3.14» <python:whatsnew314-multiprocessing-start-method>`,
`gh-84559 <https://github.com/python/cpython/issues/84559>`_): ребёнок — копия
чистого процесса-сервера, и всё, что ему нужно, он получает через
:mod:`pickle`. Код, который молча полагался на копию памяти, сломался — у GAM,
dramatiq, spack, check50 и многих других (ссылки — в главе).

Пример запускает одну и ту же программу, написанную «под fork», в каждом
Python, какой есть на машине, которая собирает сайт, с методом запуска по
умолчанию, — и затем её исправленные варианты при каждом методе запуска.
"""

# %%
# Программа, написанная под fork
# ------------------------------
#
# Две привычки, которые работали только благодаря копии памяти: настройка,
# сделанная при запуске в глобальной переменной, и вложенная функция
# (замыкание) как ``target`` процесса. Аргумент командной строки, если он есть,
# задаёт метод запуска; без него — метод по умолчанию этого Python. Вот вся
# программа:
#
# .. literalinclude:: _migration_fork_only.py

# sphinx_gallery_tags = ["процессы"]
import multiprocessing
import sys

import _forkserver_migration
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, plots

FORK_ONLY = _forkserver_migration.program("_migration_fork_only.py")

# %%
# Текст программы читает и запускает её модуль ``_forkserver_migration`` — в
# том интерпретаторе, который проверяем (``interpreters.Child``). Вот он весь:
#
# .. literalinclude:: _forkserver_migration.py
#
# Программа «работает», если рабочий процесс увидел настройку и замыкание
# вернуло свой результат.


def verdict(out):
    seen = "настройка в рабочем процессе: /srv/data" in out["stdout"]
    ran = "дочерний процесс вернул: [10, 20, 30]" in out["stdout"]
    return seen, ran


def last_error(stderr):
    lines = [ln for ln in stderr.splitlines() if ln and not ln.startswith(" ")]
    errors = [ln for ln in lines if "Error" in ln.split(":")[0]]
    return errors[-1] if errors else "(нет)"


print(machine.stamp())
survey = interpreters.available()
pythons = {p.key: p for p in (interpreters.here(), *survey.interpreters)}
order = [k for k in interpreters.ORDER if k in pythons]
runs = {}
for key in order:
    try:
        with interpreters.Child(pythons[key]) as child:
            runs[key] = child.call(_forkserver_migration.run, FORK_ONLY)
    except interpreters.ChildFailed as exc:
        print(f"{pythons[key].label}: не запустился: {str(exc).splitlines()[0]}")
for key, out in runs.items():
    print(
        f"\n=== {pythons[key].label}: по умолчанию {out['default']}, "
        f"код выхода {out['returncode']}"
    )
    print(out["stdout"].rstrip())
    if out["returncode"]:
        print(f"ошибка: {last_error(out['stderr'])}")
if why := survey.not_measured():
    print(why)

# %%
# Каждый Python — строка: метод по умолчанию и что из двух привычек пережило
# запуск.

fig, ax = plots.figure(height=1.2 + 0.45 * len(runs))
columns = ["настройка видна\nв рабочем процессе", "замыкание\nзапустилось"]
for row, out in enumerate(runs.values()):
    for col, ok in enumerate(verdict(out)):
        ax.text(
            col,
            row,
            "да" if ok else "нет",
            ha="center",
            va="center",
            color="white",
            fontsize=11,
            bbox={
                "boxstyle": "round",
                "facecolor": plots.PALETTE[2 if ok else 5],
                "edgecolor": "none",
            },
        )
ax.set_xticks(range(len(columns)), columns)
ax.set_yticks(
    range(len(runs)), [f"{out['python']} — {out['default']}" for out in runs.values()]
)
ax.set_xlim(-0.6, len(columns) - 0.4)
ax.set_ylim(len(runs) - 0.5, -0.5)
ax.set_ylabel("Python — метод по умолчанию")
ax.set_title("Программа «под fork» с методом запуска по умолчанию")
plots.stamp(fig)
plt.show()

# %%
# Два исправления
# ---------------
#
# **Вернуть fork явно** — так сделали большинство проектов: одна строка, и всё
# как раньше. Но только там, где ``fork`` есть (не в Windows), где он безопасен
# (не в macOS, см. главу) и пока в процессе нет потоков.

FORCE_FORK = FORK_ONLY.replace(
    'if __name__ == "__main__":\n',
    'if __name__ == "__main__":\n    multiprocessing.set_start_method("fork")\n',
)

# %%
# **Передать всё явно** — исправление, которое работает при любом методе:
# настройку рабочие процессы получают через ``initializer`` пула, а вместо
# замыкания — функция верхнего уровня, которой данные приходят аргументами:
#
# .. literalinclude:: _migration_explicit.py

EXPLICIT = _forkserver_migration.program("_migration_explicit.py")

# %%
# Обе правки проверяем здесь, в Python, который выполняет пример: исходную
# программу и исправление «передать явно» — при каждом методе запуска этой
# платформы, «вернуть fork» — как есть.

methods = multiprocessing.get_all_start_methods()
fixes = {f"исходная, {m}": (FORK_ONLY, m) for m in methods}
if "fork" in methods:
    fixes["вернуть fork"] = (FORCE_FORK, None)
fixes |= {f"передать явно, {m}": (EXPLICIT, m) for m in methods}
fixed = {}
for name, (source, method) in fixes.items():
    out = _forkserver_migration.run(source, *([method] if method else []))
    fixed[name] = out
    seen, ran = verdict(out)
    tail = "" if not out["returncode"] else f"; {last_error(out['stderr'])}"
    print(
        f"{name}: настройка {'да' if seen else 'нет'}, "
        f"замыкание {'да' if ran else 'нет'}{tail}"
    )

# %%
# Что проверяем
# -------------

stamp = machine.stamp()
if sys.platform == "linux" and runs:
    old = {
        k: o
        for k, o in runs.items()
        if tuple(map(int, o["python"].split(".")[:2])) < (3, 14)
    }
    new = {k: o for k, o in runs.items() if k not in old}
    claims.check(
        "linux-default-changed-in-3.14",
        "в Linux до 3.13 включительно метод по умолчанию — fork, с 3.14 — forkserver",
        confirmed=all(o["default"] == "fork" for o in old.values())
        and all(o["default"] == "forkserver" for o in new.values()),
        evidence=", ".join(f"{o['python']}: {o['default']}" for o in runs.values()),
        numbers={"pythons": len(runs), "from_3_14": len(new)},
        reason_if_not="неожиданно: смотрите вывод выше",
        stamp=stamp,
    )
    claims.check(
        "fork-only-code-breaks-in-3.14",
        "программа «под fork» работает до 3.13 и ломается с 3.14: настройка не "
        "доходит до рабочего процесса, замыкание не запускается",
        confirmed=all(verdict(o) == (True, True) for o in old.values())
        and all(verdict(o) == (False, False) for o in new.values()),
        evidence=", ".join(
            f"{o['python']}: {'работает' if verdict(o) == (True, True) else 'сломана'}"
            for o in runs.values()
        ),
        numbers={"broken": sum(verdict(o) != (True, True) for o in runs.values())},
        reason_if_not="на машине нет Python 3.14 или новее, или нет 3.13 и старше"
        if not (old and new)
        else "неожиданно: смотрите вывод выше",
        stamp=stamp,
    )
explicit = {k: o for k, o in fixed.items() if k.startswith("передать явно")}
claims.check(
    "explicit-state-works-with-every-method",
    "программа, которая передаёт настройку и функцию явно, работает при каждом "
    "методе запуска",
    confirmed=all(verdict(o) == (True, True) for o in explicit.values()),
    evidence=", ".join(
        f"{k.split(', ')[1]}: код {o['returncode']}" for k, o in explicit.items()
    ),
    numbers={
        f"{k.split(', ')[1]}_returncode": o["returncode"] for k, o in explicit.items()
    },
    reason_if_not="неожиданно: смотрите вывод выше",
    stamp=stamp,
)
if "вернуть fork" in fixed:
    claims.check(
        "set-start-method-fork-restores",
        "set_start_method('fork') возвращает старое поведение без других правок",
        confirmed=verdict(fixed["вернуть fork"]) == (True, True),
        evidence=f"код выхода {fixed['вернуть fork']['returncode']}",
        numbers={"returncode": fixed["вернуть fork"]["returncode"]},
        reason_if_not="неожиданно: смотрите вывод выше",
        stamp=stamp,
    )

# %%
# Как читать
# ----------
#
# Настройка, сделанная в ``main()``, — часть памяти родителя. При fork ребёнок
# получает её копией. При forkserver и spawn ребёнок импортирует модуль заново
# и видит значение, записанное в его тексте, — ``None``. Программа при этом не
# падает: ошибка тихая, и это самый неприятный вид поломки (так сломался check50:
# рабочие процессы получали ``None`` вместо пути).
#
# Замыкание же нельзя передать по имени: :mod:`pickle` сохраняет функцию как
# «модуль и имя», а у вложенной функции такого имени нет. Поэтому при
# forkserver и spawn ``start()`` падает ещё в родителе: ``PicklingError`` с
# Python 3.14, ``AttributeError`` до него — какой именно, видно выше.
#
# «Вернуть fork» чинит всё одной строкой, но оставляет программу с тем, от чего
# Python 3.14 уходил: fork процесса с потоками может зависнуть (глава
# :doc:`/chapters/10-sync`), а в macOS fork небезопасен вовсе. Явная передача
# работает везде — и в Windows, где, кроме spawn, ничего нет.
