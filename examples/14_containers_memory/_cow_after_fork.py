"""Копирование при записи после fork: что копируют счётчики ссылок и сборщик мусора.

Этот модуль выполняет другой интерпретатор (``potok.interpreters.Child``): там
у процесса один поток, и ``os.fork()`` в нём безопасен. Поэтому модуль лежит
рядом с примером.
"""

import gc
import os

from potok import machine

data: list = []  # «данные приложения», загруженные до fork


class Row:
    """Запись: объект класса (его отслеживает сборщик мусора) с числом и строкой."""

    __slots__ = ("id", "name")

    def __init__(self, i: int) -> None:
        self.id = i
        self.name = f"запись-{i}"


def uss(pid: int | str = "self") -> int:
    """Собственные страницы процесса (USS), КиБ: ``Private_*`` из smaps_rollup."""
    total = 0
    with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as f:
        for line in f:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1])
    return total


def load(n: int) -> int:
    """Загрузить ``n`` записей; сколько КиБ памяти они заняли."""
    gc.disable()  # как советует документация gc: сборщик выключен в родителе
    before = uss()
    data.extend(Row(i) for i in range(1000, 1000 + n))
    return uss() - before


def child_work(action: str) -> None:
    """Что делает дочерний процесс с данными, которые достались ему от родителя."""
    if action == "collect":
        gc.collect()  # полная сборка мусора: обходит все отслеживаемые объекты
    elif action == "read":
        for row in data:  # только читаем: но каждая ссылка на объект,
            _ = row.id  # даже временная, меняет его счётчик ссылок


def fork_and_measure(action: str, freeze: bool) -> int:
    """``fork()``; дочерний процесс делает ``action`` и ждёт, пока родитель
    прочитает его память. Возвращает USS дочернего процесса, КиБ: почти всё
    это — страницы, которые он скопировал, записав в них."""
    if freeze:
        gc.freeze()  # все объекты — в «вечное» поколение: сборщик их не обходит
    done_r, done_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # дочерний процесс
        try:
            child_work(action)
            os.write(done_w, b"1")
            os.read(go_r, 1)  # ждать, пока родитель не прочитает smaps_rollup
        finally:
            os._exit(0)
    try:
        os.read(done_r, 1)
        return uss(pid)
    finally:
        os.write(go_w, b"1")
        os.waitpid(pid, 0)
        for fd in (done_r, done_w, go_r, go_w):
            os.close(fd)
        if freeze:
            gc.unfreeze()


def measure_all(n: int, actions: list[str]) -> dict:
    loaded = load(n)
    copied = {
        f"{action} {freeze}": fork_and_measure(action, freeze)
        for action in actions
        for freeze in (False, True)
    }
    gc.enable()
    return {"loaded": loaded, "copied": copied, "stamp": machine.stamp()}
