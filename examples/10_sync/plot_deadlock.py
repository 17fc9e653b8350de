"""
Взаимная блокировка: два потока, две блокировки
===============================================

Классическая взаимная блокировка (deadlock): первый поток захватывает
блокировку A и просит B, второй захватывает B и просит A. Каждый ждёт
блокировку, которую держит другой, и ни один не отпустит свою, пока не получит
чужую. Без тайм-аута такая программа висит вечно.

Этот пример устраивает настоящую взаимную блокировку — и всё равно всегда
завершается: второй ``acquire`` в каждом потоке вызывается с тайм-аутом. Пока
потоки висят, пример находит цикл ожидания, показывает, где стоит каждый поток, и
печатает то, что напечатал бы :mod:`faulthandler` в зависшей программе. Потом —
исправление: все берут блокировки в одном и том же порядке.
"""

# %%
# Блокировки, которые записывают, кто их ждёт
# -------------------------------------------
#
# ``TracedLock`` — обёртка над :class:`threading.Lock`: перед ``acquire`` она
# записывает в общий граф, что этот поток ждёт эту блокировку, а получив её —
# что поток ею владеет. ``find_cycle`` идёт по графу «поток → блокировка, которую
# он ждёт → её владелец → …»; вернуться к потоку, который уже был на пути, —
# это и есть взаимная блокировка.

# sphinx_gallery_tags = ["потоки"]
import faulthandler
import re
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from potok import claims, machine, measure

TIMEOUT = measure.scale(1.0, 0.5)  # секунд на второй acquire
FREE_THREADED = machine.free_threaded_build()
ROUNDS = measure.scale(200, 50)  # прогонов исправленного варианта


class WaitGraph:
    """Кто какую блокировку держит и кто какую ждёт."""

    def __init__(self) -> None:
        self.guard = threading.Lock()  # сам граф меняют несколько потоков
        self.owner: dict[str, str] = {}  # блокировка → поток, который её держит
        self.waits: dict[str, str] = {}  # поток → блокировка, которую он ждёт


class TracedLock:
    def __init__(self, name: str, graph: WaitGraph) -> None:
        self.name, self.graph, self._lock = name, graph, threading.Lock()

    def acquire(self, timeout: float = -1) -> bool:
        me = threading.current_thread().name
        with self.graph.guard:
            self.graph.waits[me] = self.name
        got = self._lock.acquire(timeout=timeout)
        with self.graph.guard:
            del self.graph.waits[me]
            if got:
                self.graph.owner[self.name] = me
        return got

    def release(self) -> None:
        with self.graph.guard:
            del self.graph.owner[self.name]
        self._lock.release()


def find_cycle(owner: dict[str, str], waits: dict[str, str]) -> list[str]:
    """Потоки, которые ждут друг друга по кругу, или []."""
    for start in sorted(waits):
        path, thread = [start], start
        while thread in waits and (holder := owner.get(waits[thread])) is not None:
            if holder in path:
                return path[path.index(holder) :]
            path.append(holder)
            thread = holder
    return []


# %%
# Два потока
# ----------
#
# ``two_threads`` запускает «поток-1» и «поток-2». С ``order="opposite"`` первый
# берёт A, потом B, второй — B, потом A. Между первым и вторым захватом оба ждут
# друг друга у :class:`threading.Barrier`: так неудачное чередование, которое в
# настоящей программе случается изредка, здесь случается каждый раз. Дальше никто
# ничего не подстраивает: каждый поток действительно ждёт блокировку, которую
# держит другой. С ``order="same"`` оба берут A, потом B (барьера нет: второй
# поток до него не дошёл бы, он ждёт A).
#
# Второй ``acquire`` ждёт не дольше ``timeout`` секунд: поток, который не
# дождался, сдаётся и отпускает свою первую блокировку. Тем временем главный поток
# раз в миллисекунду ищет цикл в графе; найдя, снимает стеки зависших потоков
# через :func:`sys._current_frames` и вызывает
# ``faulthandler.dump_traceback(all_threads=True)`` в файл, который потом читает.
# В конце он дожидается обоих потоков (:meth:`~threading.Thread.join`). На
# free-threaded сборке ``sys._current_frames`` не вызывается: кадры других
# потоков там трогать небезопасно (:doc:`python:howto/free-threading-python`,
# «Frame objects»), и стеки показывает только :mod:`faulthandler`.


def two_threads(order: str, timeout: float) -> dict:
    graph = WaitGraph()
    a, b = TracedLock("A", graph), TracedLock("B", graph)
    second = (b, a) if order == "opposite" else (a, b)
    barrier = threading.Barrier(2) if order == "opposite" else None
    outcomes: dict[str, str] = {}

    def run(first: TracedLock, then: TracedLock) -> None:
        first.acquire()
        try:
            if barrier is not None:
                barrier.wait(60)  # оба держат свою первую блокировку
            got = then.acquire(timeout=timeout)
            if got:
                then.release()
            name = threading.current_thread().name
            outcomes[name] = "взял оба" if got else "тайм-аут"
        finally:
            first.release()

    pool = [
        threading.Thread(target=run, args=(a, b), name="поток-1"),
        threading.Thread(target=run, args=second, name="поток-2"),
    ]
    for t in pool:
        t.start()
    found = {"cycle": [], "stacks": {}, "dump": ""}
    try:
        while any(t.is_alive() for t in pool):
            with graph.guard:
                cycle = find_cycle(graph.owner, graph.waits)
            if cycle:
                frames = {} if FREE_THREADED else sys._current_frames()
                found["stacks"] = {
                    t.name: traceback.extract_stack(frame)
                    for t in pool
                    if (frame := frames.get(t.ident)) is not None
                }
                with tempfile.TemporaryFile("w+", encoding="utf-8") as f:
                    faulthandler.dump_traceback(file=f, all_threads=True)
                    f.seek(0)
                    found["dump"] = f.read()
                found["cycle"] = cycle
                break
            time.sleep(0.001)
    finally:
        for t in pool:
            t.join()
    return {**found, "outcomes": outcomes, "idents": [t.ident for t in pool]}


print(machine.stamp())
before = threading.active_count()
run = two_threads("opposite", TIMEOUT)
circle = " → ".join(run["cycle"] + run["cycle"][:1]) or "нет"
print(f"найден цикл ожидания: {circle}")
for name, outcome in sorted(run["outcomes"].items()):
    print(f"{name}: {outcome}")

# %%
# Где стоят потоки
# ----------------
#
# Стек каждого потока в момент, когда цикл был найден, — два последних вызова
# (последняя строка — где поток стоит).

if FREE_THREADED:
    print("free-threaded сборка: sys._current_frames не вызывался, стеки — ниже")
for name, stack in sorted(run["stacks"].items()):
    print(f"--- {name} ---")
    for f in stack[-2:]:
        print(f"  {Path(f.filename).name}, строка {f.lineno}, {f.name}: {f.line}")

# %%
# То же показывает :func:`faulthandler.dump_traceback` — он пишет стеки всех
# потоков прямо в файловый дескриптор, не выполняя Python-кода, поэтому работает
# и тогда, когда интерпретатор завис. В настоящей программе его удобно повесить
# на сигнал (``faulthandler.register(signal.SIGUSR1)``) или на таймер
# (``faulthandler.dump_traceback_later(60)``: через минуту напечатать стеки,
# если программа не отменила таймер). Ниже — только два наших потока (в процессе
# есть и другие), а от путей к файлам оставлены имена.

for block in run["dump"].split("\n\n"):
    if any(re.match(rf"Thread 0x0*{i:x}\b", block) for i in run["idents"]):
        print(re.sub(r'File "[^"]*?([^/\\"]+)"', r'File "\1"', block.strip()) + "\n")

# %%
# Исправление: один порядок для всех
# ----------------------------------
#
# Если все потоки берут блокировки в одном порядке (сначала A, потом B), цикла
# ожидания быть не может: тот, кто получил A, получит и B. Та же функция с
# ``order="same"`` — ``ROUNDS`` прогонов подряд.

fixed = [two_threads("same", TIMEOUT) for _ in range(ROUNDS)]
timeouts = sum(o == "тайм-аут" for r in fixed for o in r["outcomes"].values())
cycles = sum(bool(r["cycle"]) for r in fixed)
print(f"прогонов: {ROUNDS}; циклов ожидания: {cycles}; тайм-аутов: {timeouts}")
after = threading.active_count()
print(f"потоков в процессе: до примера {before}, после {after}")

gave_up = sum(o == "тайм-аут" for o in run["outcomes"].values())
claims.check(
    "opposite-order-deadlocks",
    "два потока, берущие две блокировки в разном порядке, взаимно блокируются",
    confirmed=bool(run["cycle"]) and gave_up > 0,
    evidence=f"цикл {run['cycle']}, итоги {run['outcomes']}",
    numbers={"cycle_length": len(run["cycle"]), "timeouts": gave_up},
    reason_if_not="детектор не успел увидеть цикл до тайм-аута",
)
claims.check(
    "same-order-no-deadlock",
    "с одним порядком захвата взаимной блокировки нет",
    confirmed=cycles == 0 and timeouts == 0,
    evidence=f"{ROUNDS} прогонов: циклов {cycles}, тайм-аутов {timeouts}",
    numbers={"rounds": ROUNDS, "cycles": cycles, "timeouts": timeouts},
    reason_if_not="неожиданно: при одном порядке захвата цикла не бывает (вывод выше)",
)
claims.check(
    "timeout-leaves-no-thread",
    "тайм-аут развязывает потоки: после примера не остаётся ни одного его потока",
    confirmed=after == before,
    evidence=f"потоков до {before}, после {after}",
    numbers={"threads_before": before, "threads_after": after},
    reason_if_not="поток примера не завершился, или в процессе запустился чужой поток",
)

# %%
# Что видно в выводе
# ------------------
#
# Цикл ожидания из двух потоков: каждый ждёт блокировку, которой владеет другой. Оба
# стека кончаются на строке ``got = self._lock.acquire(timeout=timeout)`` внутри
# ``TracedLock.acquire`` — так выглядит зависшая программа: потоки живы, но стоят в
# ``acquire`` и не двигаются. Один поток выходит с «тайм-аут» (он сдался и отпустил
# свою блокировку), второй — с «взял оба»: освобождённая блокировка досталась ему.
#
# Тайм-аут — это способ выжить, а не исправление: поток, который сдался, не сделал
# своей работы. Исправление — один порядок захвата во всей программе (или одна
# блокировка вместо двух). Ещё одна частая ловушка — поток, который второй раз
# захватывает свою же :class:`threading.Lock` (например, функция под блокировкой
# вызывает другую функцию, которая берёт ту же блокировку): он ждёт сам себя.
# Для такого кода есть :class:`threading.RLock`.
