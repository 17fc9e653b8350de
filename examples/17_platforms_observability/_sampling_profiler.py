"""Запускает ``_profiled_program.py`` под ``python -m profiling.sampling run``.

Этот модуль выполняет Python 3.15 или новее (``potok.interpreters.Child``):
и программу, и профилировщик запускает тот же интерпретатор.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from potok import machine

PROGRAM = Path(__file__).with_name("_profiled_program.py")


def profile(mode, seconds, output):
    """``run -a --mode MODE``: профиль всех потоков программы. ``output`` —
    ``"pstats"`` (таблица, как её печатает профилировщик) или ``"collapsed"``
    (строка на каждый различный стек: потоки, кадры и число выборок)."""
    with tempfile.TemporaryDirectory() as folder:
        stacks = Path(folder) / "stacks.txt"
        if output == "collapsed":
            fmt = ["--collapsed", "-o", str(stacks)]
        else:
            fmt = ["-l", "6", "--no-summary"]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "profiling.sampling",
                "run",
                "-a",
                "--mode",
                mode,
                *fmt,
                str(PROGRAM),
                str(seconds),
            ],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
            cwd=folder,
        )
        collapsed = stacks.read_text(encoding="utf-8") if stacks.exists() else ""
    return {
        "returncode": done.returncode,
        "stdout": done.stdout,
        "stderr": done.stderr,
        "collapsed": collapsed,
        "stamp": machine.stamp(),
    }
