"""Упражнение к главе 12: группа задач, в которой одна задача падает.

Три задачи в asyncio.TaskGroup: две долгие (по 1 с) и одна, которая через
0,1 с выбрасывает ValueError. Группа отменяет долгие задачи, ждёт их и
выбрасывает ExceptionGroup, которую разбирает except*. Долгие задачи узнают об
отмене в своём await и выполняют finally.
"""

import asyncio
import time

log: list[str] = []


async def slow(name: str) -> None:
    try:
        await asyncio.sleep(1.0)
        log.append(f"{name}: доработала")
    except asyncio.CancelledError:
        log.append(f"{name}: отменена")
        raise  # отмену нужно выпустить дальше
    finally:
        log.append(f"{name}: finally")


async def broken() -> None:
    await asyncio.sleep(0.1)
    raise ValueError("плохой ответ")


async def main() -> None:
    start = time.perf_counter()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(slow("slow-1"))
            tg.create_task(slow("slow-2"))
            tg.create_task(broken())
    except* ValueError as group:
        caught = [type(e).__name__ for e in group.exceptions]
        print(f"except* ValueError получил: {caught}")
    elapsed = time.perf_counter() - start
    for line in log:
        print(line)
    print(f"группа закончилась через {elapsed:.2f} с")


asyncio.run(main())
