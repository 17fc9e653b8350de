"""
Стеки зависшей программы снаружи: profiling.sampling dump и py-spy
==================================================================

:mod:`faulthandler` надо включить в программе заранее. Если этого никто не
сделал, стеки работающего процесса можно прочитать снаружи, ничего в нём не
меняя и не останавливая его, — как это делает отладчик:

* ``python -m profiling.sampling dump -a PID`` — с Python 3.15 (:pep:`799`,
  `документация <https://docs.python.org/3.15/library/profiling.sampling.html>`_):
  один снимок стеков всех потоков;
* ``py-spy dump --pid PID`` — отдельная программа (`py-spy
  <https://github.com/benfred/py-spy>`_, ставится из PyPI: ``pip install
  py-spy``), не требует нового Python и пишет про каждый поток, ждёт ли он и
  держит ли GIL.

Пример запускает ту же зависшую программу, что и пример с faulthandler, и
показывает **настоящий** вывод каждого инструмента, какой есть на машине,
которая собирает сайт. Чего нет, о том страница так и говорит.
"""

# %%
# Программа и как на неё смотрим
# ------------------------------
#
# Два потока во взаимной блокировке, главный ждёт их в ``join()``:
#
# .. literalinclude:: _stuck_program.py
#
# Модуль ``_stack_dump`` запускает её и выполняет команду с её PID. Для
# ``profiling.sampling`` он выполняется в Python 3.15 (``interpreters.Child``),
# для py-spy — здесь. Вот он весь:
#
# .. literalinclude:: _stack_dump.py

import re
import shutil
import sys
from pathlib import Path

import _stack_dump

from potok import claims, interpreters, machine


def short(text):
    """Пути машины — до имени файла: ``…/python3.13``, ``…/program.py``."""
    absolute = r"(?<![\w.:/-])(?:[A-Za-z]:)?[/\\~][^\s()\"']*[/\\](?=[^\s()\"'/\\])"
    relative = r"(?<![\w…])[\w.-]+(?:[/\\][\w.-]+)*[/\\](?=[\w.-]+\.py\b)"
    return re.sub(relative, "…/", re.sub(absolute, "…/", text))


def version(python):
    return tuple(int(part) for part in python.version.split(".")[:2])


print(machine.stamp())
survey = interpreters.available()
able = [p for p in (interpreters.here(), *survey.interpreters) if version(p) >= (3, 15)]
chosen = max(able, key=lambda p: (not p.free_threaded, version(p)), default=None)
seen = {}
if chosen is None:
    print(
        "Python 3.15 или новее на этой машине не найден: вывода "
        "profiling.sampling dump здесь нет."
    )
else:
    try:
        with interpreters.Child(chosen) as child:
            seen["profiling.sampling"] = child.call(
                _stack_dump.look, ["python", "-m", "profiling.sampling", "dump", "-a"]
            )
    except interpreters.ChildFailed as exc:
        print(f"не получилось: {str(exc).strip().splitlines()[-1]}")

# %%
# py-spy ищем в ``PATH`` и рядом с интерпретатором, который выполняет пример
# (в его виртуальном окружении).

spy = shutil.which("py-spy") or shutil.which(
    "py-spy", path=str(Path(sys.executable).parent)
)
if spy is None:
    print(
        "py-spy на этой машине не установлен (pip install py-spy): его вывода "
        "здесь нет."
    )
else:
    seen["py-spy"] = _stack_dump.look([spy, "dump", "--pid"])

# %%
# Что они напечатали
# ------------------
#
# Стандартный вывод каждой команды как есть (и поток ошибок, если команда не
# удалась); пути машины сокращены до имени файла.

commands = {
    "profiling.sampling": "python -m profiling.sampling dump -a PID",
    "py-spy": "py-spy dump --pid PID",
}
for tool, out in seen.items():
    print(
        f"\n$ {commands[tool]}  (код выхода {out['returncode']}; {out['stamp'].python})"
    )
    print(short(out["stdout"]).rstrip() or "(пусто)")
    if out["returncode"]:
        print(f"stderr: {short(out['stderr']).rstrip()}")

# %%
# Как читать
# ----------
#
# Оба инструмента показывают то же, что faulthandler: ``transfer_ab`` и
# ``transfer_ba`` стоят на вторых захватах, главный поток — в ``join``. Но им
# не нужно ничего в программе заранее: достаточно её PID и права читать её
# память (:ref:`python:permission-requirements`: в контейнере — ``CAP_SYS_PTRACE``,
# в Linux с Yama — ``ptrace_scope``). py-spy вдобавок пишет состояние каждого
# потока: ``idle`` — ждёт, ``active`` — выполняется, ``+gil`` — держит GIL. В
# зависшей программе все потоки ``idle``: они ждут блокировку, а не считают.

for tool, out in seen.items():
    missing = [
        n for n in ("transfer_ab", "transfer_ba", "join") if n not in out["stdout"]
    ]
    claims.check(
        f"{tool.replace('.', '-')}-dump-shows-every-thread",
        f"{commands[tool]} показывает стеки всех потоков зависшей программы, "
        "ничего в ней не меняя",
        confirmed=out["ready"] and out["returncode"] == 0 and not missing,
        evidence="в выводе есть все три функции"
        if not missing
        else f"код выхода {out['returncode']}; нет: {', '.join(missing)}",
        numbers={"returncode": out["returncode"], "missing": len(missing)},
        reason_if_not="система не разрешила читать память чужого процесса "
        "(права ptrace, контейнер без CAP_SYS_PTRACE)",
        stamp=out["stamp"],
    )
