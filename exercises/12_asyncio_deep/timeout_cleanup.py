"""Упражнение к главе 12: тайм-аут изнутри и снаружи.

Задача ждёт 2 с под asyncio.timeout(0.2) (Python 3.11+). Внутри блока при
тайм-ауте она видит отмену и выполняет свой finally, снаружи — получает
TimeoutError. Счётчик отмен задачи (Task.cancelling()) после блока такой же,
каким был до него: тайм-аут сам вызвал uncancel().
"""

import asyncio
import time

TIMEOUT = 0.2


async def fetch(log: list[str]) -> str:
    try:
        await asyncio.sleep(2.0)
        return "данные"
    except asyncio.CancelledError:
        log.append("внутри блока: CancelledError")
        raise
    finally:
        log.append("внутри блока: finally выполнен")


async def main() -> None:
    me = asyncio.current_task()
    before = me.cancelling()
    log: list[str] = []
    start = time.perf_counter()
    try:
        async with asyncio.timeout(TIMEOUT):
            await fetch(log)
    except TimeoutError:
        log.append("снаружи блока: TimeoutError")
    elapsed = time.perf_counter() - start
    for line in log:
        print(line)
    print(f"прервано через {elapsed:.2f} с при сроке {TIMEOUT} с")
    print(f"cancelling() до: {before}, после: {me.cancelling()}")


asyncio.run(main())
