"""Упражнение к главе 9: блок общей памяти, который находят по имени.

Родитель создаёт блок SharedMemory и передаёт дочернему процессу только его
имя. Процесс подключается к блоку по имени и записывает в него байты; родитель
видит их без пересылки по каналу. Блок закрывают в каждом процессе и удаляют
(unlink) ровно один раз, в finally; после этого подключиться к нему нельзя.
"""

import multiprocessing
from multiprocessing import shared_memory

from potok.start_methods import start_method

MESSAGE = b"hello from the child"


def write(name: str) -> None:
    """Выполняется в дочернем процессе: подключиться по имени, записать, закрыть."""
    shm = shared_memory.SharedMemory(name=name)
    try:
        shm.buf[: len(MESSAGE)] = MESSAGE
    finally:
        shm.close()  # закрыть в своём процессе; удаляет родитель


if __name__ == "__main__":
    ctx = multiprocessing.get_context(start_method())
    shm = shared_memory.SharedMemory(create=True, size=len(MESSAGE))
    try:
        process = ctx.Process(target=write, args=(shm.name,))
        process.start()
        process.join()
        seen = bytes(shm.buf[: len(MESSAGE)])
    finally:
        shm.close()
        shm.unlink()  # ровно один раз
    print(f"метод запуска: {ctx.get_start_method()}")
    print(f"код выхода процесса: {process.exitcode}")
    print(f"родитель видит: {seen.decode()}")
    print(f"записал процесс то же: {'да' if seen == MESSAGE else 'нет'}")
    try:
        shared_memory.SharedMemory(name=shm.name).close()
    except FileNotFoundError:
        gone = "да"
    else:
        gone = "нет"
    print(f"после unlink блок по имени не открыть: {gone}")
