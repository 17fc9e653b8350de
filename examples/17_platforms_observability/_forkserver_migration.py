"""Запускает программу (её текст) отдельным процессом этого интерпретатора.

Пример вызывает ``run`` в каждом Python, какой нашёл (``potok.interpreters.Child``),
поэтому программа пишется во временную папку того интерпретатора, который её
запускает (у Python из chroot своя файловая система).
"""

import multiprocessing
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent


def program(name):
    """Текст программы ``name`` из папки примера."""
    return (HERE / name).read_text(encoding="utf-8")


def run(source, *args):
    """Запускает ``source`` как скрипт ``program.py`` с аргументами ``args``:
    версия Python, его метод запуска по умолчанию, код выхода и весь вывод."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "program.py"
        script.write_text(source, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(script), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
            cwd=folder,
        )
    return {
        "python": platform.python_version(),
        "default": multiprocessing.get_context().get_start_method(),
        "returncode": done.returncode,
        "stdout": done.stdout,
        "stderr": done.stderr,
    }
