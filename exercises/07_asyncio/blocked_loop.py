"""Упражнение к главе 7: блокирующий вызов в корутине останавливает цикл.

«Пульс» просыпается каждые 10 мс и запоминает, когда проснулся. Рядом другая
корутина один раз ждёт 0,3 с: сначала блокирующим time.sleep прямо в корутине,
потом тем же time.sleep через asyncio.to_thread. Смотрим, сколько раз пульс
проснулся за время ожидания, и на самый длинный перерыв пульса.
"""

import asyncio
import itertools
import time

from potok.measure import scale

BLOCK = scale(0.5, 0.3)
PERIOD = 0.01


async def pulse(stamps: list[float], until: float) -> None:
    while time.perf_counter() < until:
        stamps.append(time.perf_counter())
        await asyncio.sleep(PERIOD)


async def measure(blocking: bool) -> tuple[int, float]:
    stamps: list[float] = []
    beat = asyncio.create_task(pulse(stamps, time.perf_counter() + 2 * BLOCK))
    await asyncio.sleep(0.05)  # пульс пошёл
    start = time.perf_counter()
    if blocking:
        time.sleep(BLOCK)  # цикл стоит
    else:
        await asyncio.to_thread(time.sleep, BLOCK)  # ждёт поток, цикл свободен
    end = time.perf_counter()
    await beat
    during = sum(start < t < end for t in stamps)
    return during, max(b - a for a, b in itertools.pairwise(stamps))


print(f"ожидание {BLOCK * 1000:.0f} мс, пульс каждые {PERIOD * 1000:.0f} мс")
for name, blocking in (("time.sleep в корутине", True), ("asyncio.to_thread", False)):
    during, gap = asyncio.run(measure(blocking))
    print(
        f"{name}: пульс за время ожидания: {during}; "
        f"самый длинный перерыв {gap * 1000:.0f} мс"
    )
