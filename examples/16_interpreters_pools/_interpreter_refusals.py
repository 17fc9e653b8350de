"""Что субинтерпретатор не принимает: функции, которые нельзя передать, и
модули-расширения без поддержки нескольких интерпретаторов.

Этот модуль выполняет Python 3.14 или новее (``potok.interpreters.Child``).
Функции он пробует трижды, каждый раз в новом процессе того же Python: как
модуль (``import _interpreter_refusals``), как скрипт (``python
_interpreter_refusals.py``) и как текст без файла (``python - <
_interpreter_refusals.py``) — в двух последних случаях они лежат в ``__main__``.
"""

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

try:
    from concurrent import interpreters  # Python 3.14+
    from concurrent.futures import InterpreterPoolExecutor
except ImportError:  # пример импортирует модуль и на старом Python — ради имён
    interpreters = InterpreterPoolExecutor = None

LIMIT = 3
HERE = Path(__file__).resolve() if "__file__" in globals() else None

if interpreters is not None:  # кто и под каким именем выполняет этот файл
    where = f"интерпретатор {interpreters.get_current().id}, __name__ = {__name__!r}"
    print(f"верхний уровень: {where}", file=sys.stderr)


def double(x):
    return 2 * x  # глобальных имён нет


def times_limit(x):
    return LIMIT * x  # читает глобальную переменную модуля


def make_adder(n):
    def add(x):
        return x + n  # замыкание: помнит n

    return add


def outcome(attempt) -> str:
    """Что вышло: результат или исключение и его первопричина."""
    try:
        return f"вернула {attempt()!r}"
    except Exception as exc:
        root = exc
        while root.__cause__ is not None:
            root = root.__cause__
        why = re.sub(r" at 0x[0-9a-f]+", "", str(root).strip().split("\n")[0])
        return f"{type(exc).__name__} ← {why}" if root is not exc else repr(exc)


def try_functions() -> dict[str, dict[str, str]]:
    """Каждую функцию — в interp.call и в InterpreterPoolExecutor.submit."""
    functions = {
        "double": double,
        "times_limit": times_limit,
        "замыкание add": make_adder(1),
        "lambda": lambda x: x + 1,
        "math.factorial": math.factorial,
    }
    interp = interpreters.create()
    try:
        with InterpreterPoolExecutor(1) as pool:
            return {
                name: {
                    "call": outcome(lambda fn=fn: interp.call(fn, 5)),
                    "pool": outcome(
                        lambda fn=fn: pool.submit(fn, 5).result(timeout=60)
                    ),
                }
                for name, fn in functions.items()
            }
    finally:
        interp.close()


def functions_three_ways() -> dict:
    """try_functions() в модуле, в скрипте и в тексте без файла, каждый раз в
    новом процессе: что вернула каждая функция и кто выполнял этот файл."""
    ways = {
        "модуль": ["-c", "import _interpreter_refusals as m, json; "
                   "print(json.dumps(m.try_functions(), ensure_ascii=False))"],
        "скрипт": [str(HERE)],
        "без файла": ["-"],
    }  # fmt: skip
    found = {}
    for way, args in ways.items():
        done = subprocess.run(
            [sys.executable, *args], input=HERE.read_text(encoding="utf-8"),
            cwd=HERE.parent, capture_output=True, text=True, encoding="utf-8",
            timeout=120,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"{way}: {done.stderr[-2000:]}")
        ran = [ln for ln in done.stderr.splitlines() if ln.startswith("верхний")]
        found[way] = {"results": json.loads(done.stdout), "top_level": ran}
    return found


def extensions(names: list[str]) -> dict[str, dict[str, str]]:
    """Импорт каждого модуля здесь и в новом субинтерпретаторе."""
    interp = interpreters.create()
    try:
        found = {}
        for name in names:
            here = outcome(lambda name=name: __import__(name) and "ok")
            there = "нет в этой установке"
            if here.startswith("вернула"):
                try:
                    interp.exec(f"import {name}")
                    there = "загрузился"
                except interpreters.ExecutionFailed as exc:
                    last = exc.excinfo.msg.strip().splitlines()[-1]
                    there = f"{exc.excinfo.type.__name__}: {last}"
            found[name] = there
        return found
    finally:
        interp.close()


def fork_exit_codes() -> dict[str, int]:
    """Код выхода процесса, созданного os.fork(): пока субинтерпретаторов нет,
    пока один есть (хотя ничего не выполняет) и после его close().
    -11 — процесс убит сигналом SIGSEGV."""

    def fork_and_exit() -> int:
        pid = os.fork()
        if pid == 0:
            os._exit(0)  # дочерний процесс сразу выходит с кодом 0
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)

    codes = {"до create()": fork_and_exit()}
    interp = interpreters.create()
    codes["пока он есть"] = fork_and_exit()
    interp.close()
    codes["после close()"] = fork_and_exit()
    return codes


if __name__ == "__main__":
    print(json.dumps(try_functions(), ensure_ascii=False))
