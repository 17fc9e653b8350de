"""Смотрим на зависшую программу снаружи: команда получает её PID.

``look`` запускает ``_stuck_program.py`` тем интерпретатором, который
выполняет этот модуль, ждёт ``ready`` (все потоки уже стоят), выполняет
команду с PID программы на конце и останавливает программу. ``python`` в
начале команды — этот же интерпретатор.
"""

import subprocess
import sys
import time
from pathlib import Path

from potok import machine

STUCK = Path(__file__).with_name("_stuck_program.py")


def look(command):
    if command[0] == "python":
        command = [sys.executable, *command[1:]]
    stuck = subprocess.Popen(
        [sys.executable, str(STUCK), "600"],  # таймер faulthandler не успеет
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = stuck.stdout.readline().strip() == "ready"
        time.sleep(0.2)  # потоки доходят до второго acquire
        done = subprocess.run(
            [*command, str(stuck.pid)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=60,
        )
    finally:
        stuck.kill()
        stuck.communicate()
    return {
        "ready": ready,
        "returncode": done.returncode,
        "stdout": done.stdout,
        "stderr": done.stderr,
        "stamp": machine.stamp(),
    }
