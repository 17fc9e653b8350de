"""По событийному циклу в каждом потоке; корутины считают между ``await``.

Этот модуль выполняет другой интерпретатор (``potok.interpreters.Child``), поэтому
он лежит рядом с примером, а не в нём самом.
"""

import asyncio
import threading
import time

from potok import machine


def spin(n: int) -> int:
    """Шаг вычислений на чистом Python."""
    total = 0
    for i in range(n):
        total += i
    return total


async def handle(steps: int, work: int) -> None:
    """Одна задача: ``steps`` шагов по ``work`` итераций, между шагами цикл
    переключается на другие задачи (``await asyncio.sleep(0)``)."""
    for _ in range(steps):
        spin(work)
        await asyncio.sleep(0)


async def serve(tasks: int, steps: int, work: int) -> None:
    """Один цикл: ``tasks`` задач в группе, дождаться всех."""
    async with asyncio.TaskGroup() as group:
        for _ in range(tasks):
            group.create_task(handle(steps, work))


#: задач на цикл, шагов на задачу, итераций на шаг
SHAPES = {
    "coarse": (4, 25, 9_000),  # мало крупных шагов: почти всё время — spin
    "churn": (4_500, 1, 20),  # много задач по одному шагу: работа самого asyncio
}


def run(shape: str, loops: int, scale: float) -> tuple[float, float]:
    """``loops`` потоков, в каждом свой событийный цикл (``asyncio.run``) с
    одной и той же работой; потоки стартуют вместе, у барьера. Время по
    часам и процессорное время всех потоков, с."""
    tasks, steps, work = SHAPES[shape]
    tasks = max(1, int(tasks * scale))
    barrier = threading.Barrier(loops)
    cpu = [0.0] * loops

    def thread(me: int) -> None:
        barrier.wait()
        start = time.thread_time()
        asyncio.run(serve(tasks, steps, work))
        cpu[me] = time.thread_time() - start

    pool = [threading.Thread(target=thread, args=(i,)) for i in range(loops)]
    begin = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - begin, sum(cpu)


def scaling(threads: list[int], scale: float, repeats: int) -> dict:
    """Каждая форма работы для каждого числа циклов, по очереди: время по
    часам и процессорное время; есть ли у
    asyncio состояние, общее для всех циклов процесса (словарь текущих задач
    и множество всех задач в модуле ``_asyncio``, как в 3.13); отметка."""
    import _asyncio

    samples: dict[str, dict[str, list[float]]] = {"wall": {}, "cpu": {}}
    for rnd in range(repeats + 1):  # круг 0 — прогрев
        for shape in SHAPES:
            for w in threads:
                wall, cpu = run(shape, w, scale)
                if rnd:
                    samples["wall"].setdefault(f"{shape} {w}", []).append(wall)
                    samples["cpu"].setdefault(f"{shape} {w}", []).append(cpu)
    return {
        **samples,
        "shared_state": hasattr(_asyncio, "_current_tasks"),
        "gil": machine.gil_enabled(),
        "stamp": machine.stamp(),
    }
