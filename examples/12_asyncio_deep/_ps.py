"""Смотрим на работающую программу: ``python -m asyncio ps PID`` и ``pstree PID``.

Этот модуль выполняет Python 3.14 или новее (``potok.interpreters.Child``):
и «краулер», и команды запускает тот же интерпретатор.
"""

import subprocess
import sys
from pathlib import Path

from potok import machine

CRAWLER = Path(__file__).with_name("_crawler.py")


def ask(command, pid):
    """``python -m asyncio <command> <pid>``: код выхода и всё, что напечатано."""
    done = subprocess.run(
        [sys.executable, "-m", "asyncio", command, str(pid)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,
    )
    return {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


def look(alphabet, commands):
    """Запускает «краулер» с именами задач ``alphabet``, когда все его задачи
    ждут, смотрит на него каждой из ``commands`` и останавливает его."""
    crawler = subprocess.Popen(
        [sys.executable, str(CRAWLER), alphabet],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        ready = crawler.stdout.readline().strip() == "ready"
        out = {command: ask(command, crawler.pid) for command in commands if ready}
    finally:
        crawler.kill()
        _, err = crawler.communicate()
    return {"stamp": machine.stamp(), "commands": out, "failed": "" if ready else err}
