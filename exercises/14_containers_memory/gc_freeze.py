"""Упражнение к главе 14: gc.freeze() перед fork() по рецепту документации gc.

Родитель держит много объектов, которые отслеживает сборщик мусора, и вызывает
fork(); дочерний процесс выполняет gc.collect(). Сборщик обходит объекты и пишет
в их заголовки, и ядро копирует дочернему процессу каждую такую страницу.
Рецепт: gc.disable() рано в родителе, gc.freeze() прямо перед fork(),
gc.enable() в дочернем процессе. Скрипт измеряет USS дочернего процесса после
gc.collect() — с рецептом и без.
"""

import gc
import os
import sys

N = 100_000  # объектов в родителе


def uss(pid: int) -> int:
    """Собственные страницы процесса (Private_Clean + Private_Dirty), КиБ."""
    total = 0
    with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as f:
        for line in f:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1])
    return total


def copied_by_collect(freeze: bool) -> int:
    """fork(); дочерний процесс собирает мусор; его USS в КиБ."""
    if freeze:
        gc.freeze()
    done_r, done_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            gc.enable()
            gc.collect()
            os.write(done_w, b"1")
            os.read(go_r, 1)  # ждать, пока родитель прочитает smaps_rollup
        finally:
            os._exit(0)
    os.read(done_r, 1)
    result = uss(pid)
    os.write(go_w, b"1")
    os.waitpid(pid, 0)
    for fd in (done_r, done_w, go_r, go_w):
        os.close(fd)
    if freeze:
        gc.unfreeze()
    return result


if __name__ == "__main__":
    if not hasattr(os, "fork") or not os.path.exists("/proc/self/smaps_rollup"):
        print("не измерено: нужны os.fork() и /proc/<pid>/smaps_rollup (Linux)")
        sys.exit(0)
    gc.disable()  # рано в родителе: сборщик не тронет объекты до fork
    data = [[i] for i in range(N)]  # списки отслеживает сборщик мусора
    plain = copied_by_collect(freeze=False)
    frozen = copied_by_collect(freeze=True)
    print(f"объектов в родителе: {len(data)}")
    print(f"без gc.freeze(): дочерний процесс скопировал {plain} КиБ")
    print(f"с gc.freeze(): дочерний процесс скопировал {frozen} КиБ")
