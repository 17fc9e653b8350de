"""Упражнение к главе 17: сторожевой таймер faulthandler.

Программа, которая зависает, включает таймер
``faulthandler.dump_traceback_later(1, exit=True)``: если через секунду она
ещё работает, faulthandler печатает стеки всех потоков в стандартный поток
ошибок и завершает процесс. Скрипт пишет такую программу во временную папку,
запускает её и ищет в отчёте функцию и строку, на которой она стоит.
"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

PROGRAM = """\
import faulthandler
import threading


def wait_for_reply():
    reply = threading.Event()
    reply.wait()  # ответа не будет никогда


faulthandler.dump_traceback_later(1, exit=True)  # сторож: через секунду
wait_for_reply()
"""

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "hangs.py"
        script.write_text(PROGRAM, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, timeout=60
        )
    print(f"код выхода: {done.returncode}")
    report = re.sub(r"/\S*/", "…/", done.stderr)  # пути — до имени файла
    print(report.rstrip())
    line = PROGRAM.splitlines().index("    reply.wait()  # ответа не будет никогда") + 1
    named = f'hangs.py", line {line} in wait_for_reply' in report
    print(f"отчёт называет wait_for_reply, строка {line}: {'да' if named else 'нет'}")
