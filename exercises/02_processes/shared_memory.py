"""Упражнение к главе 2: потоки делят память, процессы — нет.

Поток и дочерний процесс добавляют по элементу в один и тот же глобальный
список. Изменение, сделанное потоком, видно главному потоку; изменение,
сделанное процессом, осталось в памяти процесса.
"""

import multiprocessing
import threading

from potok.start_methods import start_method

items: list[str] = []


def append(item: str) -> None:
    """Выполняется в потоке или в дочернем процессе."""
    items.append(item)


if __name__ == "__main__":  # spawn и forkserver импортируют этот файл заново
    thread = threading.Thread(target=append, args=("из потока",))
    thread.start()
    thread.join()
    print(f"после потока: {len(items)} элемент(ов): {items}")

    ctx = multiprocessing.get_context(start_method())
    process = ctx.Process(target=append, args=("из процесса",))
    process.start()
    process.join()
    print(f"после процесса ({ctx.get_start_method()}): {len(items)} элемент(ов)")
