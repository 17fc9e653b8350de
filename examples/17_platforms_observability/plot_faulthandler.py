"""
faulthandler: зависшая программа сама показывает, где стоят её потоки
=====================================================================

Программа с потоками зависла: ничего не печатает, процессор не занимает. Где
она стоит? Модуль :mod:`faulthandler` из стандартной библиотеки печатает стеки
**всех** потоков, не выполняя для этого Python-кода, — поэтому он работает и
тогда, когда интерпретатор занят или потоки заблокированы. Включить его можно
заранее, двумя способами:

* :func:`faulthandler.register` — печатать стеки по сигналу: ``kill -USR1 PID``
  (нет в Windows);
* :func:`faulthandler.dump_traceback_later` — сторожевой таймер: если через
  столько-то секунд программа его не отменила
  (:func:`faulthandler.cancel_dump_traceback_later`), напечатать стеки, а с
  ``exit=True`` — ещё и завершить процесс.

Пример запускает настоящую зависшую программу, посылает ей сигнал, дожидается
таймера и показывает, что она напечатала.
"""

# %%
# Программа
# ---------
#
# Два потока берут две блокировки в разном порядке и попадают во взаимную
# блокировку (глава :doc:`/chapters/10-sync`); главный поток ждёт их в
# ``join()``. Барьер на три участника гарантирует, что оба потока взяли первую
# блокировку, прежде чем главный напечатает ``ready``. Вот вся программа:
#
# .. literalinclude:: _stuck_program.py

# sphinx_gallery_tags = ["потоки"]
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _stuck_program

from potok import claims, machine, measure

TIMER = measure.scale(2.0, 1.0)  # через сколько секунд сработает таймер, с

# %%
# Запуск и сигнал
# ---------------
#
# Программа пишет стандартный поток ошибок в файл. Прочитав ``ready``, пример
# посылает ей ``SIGUSR1`` (где он есть), потом ждёт, пока в файле появится
# отчёт таймера, и останавливает программу. В выводе ниже папки в путях к
# файлам сокращены до ``…/``.


def short(text):
    """Пути машины — до имени файла: ``…/python3.13``, ``…/program.py``."""
    absolute = r"(?<![\w.:/-])(?:[A-Za-z]:)?[/\\~][^\s()\"']*[/\\](?=[^\s()\"'/\\])"
    relative = r"(?<![\w…])[\w.-]+(?:[/\\][\w.-]+)*[/\\](?=[\w.-]+\.py\b)"
    return re.sub(relative, "…/", re.sub(absolute, "…/", text))


print(machine.stamp())
can_signal = hasattr(signal, "SIGUSR1")
with tempfile.TemporaryDirectory() as folder:
    errors = Path(folder) / "stderr.txt"
    with errors.open("w", encoding="utf-8") as err:
        stuck = subprocess.Popen(
            [sys.executable, _stuck_program.__file__, str(TIMER)],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    try:
        ready = stuck.stdout.readline().strip() == "ready"
        time.sleep(0.2)  # потоки доходят до второго acquire
        if ready and can_signal:
            os.kill(stuck.pid, signal.SIGUSR1)
        deadline = time.monotonic() + TIMER + 10
        while "Timeout" not in errors.read_text(encoding="utf-8"):
            if time.monotonic() > deadline or stuck.poll() is not None:
                break
            time.sleep(0.05)
    finally:
        stuck.kill()
        stuck.communicate()
    report = short(errors.read_text(encoding="utf-8"))

by_signal, _, by_timer = report.partition("Timeout (")
by_timer = "Timeout (" + by_timer if by_timer else ""
if can_signal:
    print(f"--- по сигналу SIGUSR1 ---\n{by_signal.rstrip() or '(ничего)'}")
else:
    print(f"на {sys.platform} нет SIGUSR1: отчёта по сигналу нет")
print(f"\n--- по таймеру через {TIMER} с ---\n{by_timer.rstrip() or '(ничего)'}")

# %%
# Как читать
# ----------
#
# Каждый блок ``Thread 0x… (most recent call first)`` — один поток, сверху —
# строка, на которой он стоит сейчас. У ``transfer_ab`` и ``transfer_ba`` это
# строки ``with lock_b:`` и ``with lock_a:`` — вторые захваты, которых они ждут
# друг от друга. Главный поток (``Current thread`` или ``Thread`` — смотря кто
# обрабатывал сигнал) стоит в ``join``. Имени блокировки faulthandler не знает,
# но номера строк хватает, чтобы найти цикл ожидания.
#
# Печатает faulthandler в файловый дескриптор (по умолчанию ``sys.stderr``):
# в службе, чей вывод никто не читает, передайте ему открытый файл
# (``file=``), и отчёт останется на диске.

# %%
# Что проверяем
# -------------

stamp = machine.stamp()
names = ["transfer_ab", "transfer_ba", "join"]
for way, text in (("signal", by_signal), ("timer", by_timer)):
    if way == "signal" and not can_signal:
        continue
    missing = [n for n in names if n not in text]
    claims.check(
        f"dump-by-{way}-shows-every-thread",
        "faulthandler "
        + ("по сигналу" if way == "signal" else "по таймеру")
        + " печатает стеки всех потоков зависшей программы: оба потока во "
        "взаимной блокировке и главный в join",
        confirmed=not missing and text.count("File ") >= 3,
        evidence="в отчёте есть "
        + ", ".join(n for n in names if n in text)
        + (f"; нет: {', '.join(missing)}" if missing else ""),
        numbers={"missing": len(missing), "frames": text.count("File ")},
        reason_if_not="программа не дошла до взаимной блокировки или отчёт "
        "не успел записаться",
        stamp=stamp,
    )
