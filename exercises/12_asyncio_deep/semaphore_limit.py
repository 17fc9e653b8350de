"""Упражнение к главе 12: не больше пяти запросов в полёте.

Двадцать «запросов» по 0,1 с (asyncio.sleep — для цикла то же, что ожидание
сети) запускаются разом, но asyncio.Semaphore(5) пропускает к «серверу» не
больше пяти сразу. Скрипт считает, сколько запросов было в полёте одновременно,
и измеряет общее время: четыре волны по пять, около 0,4 с.
"""

import asyncio
import time

REQUESTS = 20
LIMIT = 5
SERVICE = 0.1

in_flight = 0
peak = 0


async def request(limit: asyncio.Semaphore) -> None:
    global in_flight, peak
    async with limit:  # не больше LIMIT одновременно
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(SERVICE)
        in_flight -= 1


async def main() -> None:
    limit = asyncio.Semaphore(LIMIT)
    start = time.perf_counter()
    async with asyncio.TaskGroup() as tg:
        for _ in range(REQUESTS):
            tg.create_task(request(limit))
    elapsed = time.perf_counter() - start
    print(f"запросов: {REQUESTS} по {SERVICE} с, предел семафора: {LIMIT}")
    print(f"больше всего в полёте: {peak}")
    print(f"всё заняло: {elapsed:.2f} с")
    print(f"без предела было бы около {SERVICE} с, по одному — {REQUESTS * SERVICE} с")


asyncio.run(main())
