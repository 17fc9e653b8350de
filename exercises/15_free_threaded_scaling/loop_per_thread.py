"""Упражнение к главе 15: по событийному циклу в каждом потоке.

Четыре потока, в каждом свой событийный цикл. Главный поток раздаёт циклам
корутины через asyncio.run_coroutine_threadsafe — единственный безопасный
способ отдать корутину циклу другого потока — и собирает результаты. Каждая
корутина сообщает, в каком потоке и каком цикле она выполнилась. В конце
циклы останавливаются через call_soon_threadsafe, и потоки завершаются.
"""

import asyncio
import threading

from potok.machine import python_build

LOOPS = 4
JOBS = 40


async def job(n: int) -> tuple[int, int, int]:
    await asyncio.sleep(0)  # уступить циклу: рядом идут другие корутины
    return n, threading.get_ident(), id(asyncio.get_running_loop())


def serve(loop: asyncio.AbstractEventLoop, owners: dict) -> None:
    asyncio.set_event_loop(loop)
    owners[id(loop)] = threading.get_ident()  # записывает только этот поток
    loop.run_forever()
    loop.close()


loops = [asyncio.new_event_loop() for _ in range(LOOPS)]
owners: dict[int, int] = {}
threads = [threading.Thread(target=serve, args=(loop, owners)) for loop in loops]
for t in threads:
    t.start()

# корутина n — циклу n % LOOPS; result() ждёт её в главном потоке
futures = [
    asyncio.run_coroutine_threadsafe(job(n), loops[n % LOOPS]) for n in range(JOBS)
]
results = [f.result(timeout=10) for f in futures]

for loop in loops:
    loop.call_soon_threadsafe(loop.stop)
for t in threads:
    t.join(timeout=10)

print(python_build())
yes = {True: "да", False: "нет"}
done = sorted(n for n, _, _ in results)
print(f"циклов: {LOOPS}, корутин: {JOBS}, выполнено: {len(done)}")
print(f"каждая выполнена ровно один раз: {yes[done == list(range(JOBS))]}")
home = all(owners[loop_id] == thread for _, thread, loop_id in results)
print(f"каждая корутина выполнилась в потоке своего цикла: {yes[home]}")
print(f"разных потоков выполняли корутины: {len({t for _, t, _ in results})}")
print(f"потоков не завершилось: {sum(t.is_alive() for t in threads)}")
