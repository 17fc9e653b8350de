"""
run_in_executor и to_thread: листинг из конспекта
=================================================

Последний листинг конспекта взят из документации asyncio (раздел о
:meth:`asyncio.loop.run_in_executor`): как вызвать из корутины блокирующую
функцию и не остановить событийный цикл. В конспекте три способа:

1. пул потоков цикла по умолчанию — ``loop.run_in_executor(None, fn)``;
2. свой пул потоков — ``loop.run_in_executor(ThreadPoolExecutor(), fn)``;
3. свой пул процессов — ``loop.run_in_executor(ProcessPoolExecutor(), fn)``.

Четвёртый способ появился в Python 3.9 — :func:`asyncio.to_thread`. Это тот же
пул по умолчанию, только короче, и вызванная функция видит контекстные
переменные (:mod:`contextvars`) вызывающей корутины.

Здесь этот листинг, исправленный, запускается со всеми четырьмя способами.
"""

# %%
# Листинг из конспекта
# --------------------
#
# Три отличия от конспекта:
#
# * ``cpu_bound`` для пула процессов взят из ``potok.workloads``. Функцию,
#   определённую в запущенном скрипте, дочерний процесс при методах spawn и
#   forkserver может не найти (в галерее — не найдёт точно);
# * пул процессов создаётся и запускается **первым**, пока в программе нет
#   других потоков. В конспекте он создаётся после того, как пул потоков уже
#   запущен; с методом fork это риск взаимной блокировки в дочернем процессе
#   (Python 3.12+ предупреждает об этом ``DeprecationWarning``). Создать пул
#   мало: процессы он запускает, когда получает задачи (при fork — все сразу, при
#   первой), поэтому сразу после создания ему дана пустая задача;
# * ``blocking_io`` в конспекте читает 100 байт из ``/dev/urandom`` — это
#   микросекунды, и такого файла нет в Windows. Здесь вместо него
#   ``potok.workloads.io_bound``: ожидание заданной длины, как у сетевого
#   запроса.

# sphinx_gallery_tags = ["потоки", "процессы", "asyncio"]
import asyncio
import concurrent.futures

from potok import machine, measure, start_methods, workloads

WAIT = measure.scale(0.03, 0.01)  # с, одно «ожидание ответа»
N = measure.scale(200_000, 50_000)  # итераций в одном вычислении
CPUS = machine.usable_cpus()

print(machine.stamp())


async def main(process_pool):
    loop = asyncio.get_running_loop()

    # 1. Пул потоков цикла по умолчанию:
    result = await loop.run_in_executor(None, workloads.io_bound, WAIT)
    print("пул потоков по умолчанию:", result)

    # 2. Свой пул потоков:
    with concurrent.futures.ThreadPoolExecutor() as pool:
        result = await loop.run_in_executor(pool, workloads.io_bound, WAIT)
        print("свой пул потоков:", result)

    # 3. Свой пул процессов (создан заранее, см. ниже):
    result = await loop.run_in_executor(process_pool, workloads.cpu_bound, N)
    print("свой пул процессов:", result)

    # 4. asyncio.to_thread (Python 3.9+):
    result = await asyncio.to_thread(workloads.io_bound, WAIT)
    print("asyncio.to_thread:", result)


with concurrent.futures.ProcessPoolExecutor(
    max_workers=CPUS, mp_context=start_methods.mp_context()
) as process_pool:
    process_pool.submit(workloads.worker_pid).result()  # процессы запущены
    asyncio.run(main(process_pool))

# %%
# Все четыре способа вернули результат, и цикл при этом не стоял. Разница между
# ними — в том, где выполняется функция и сколько таких вызовов идут
# одновременно. Сколько длится пачка вызовов при каждом способе, измерено в
# примере :ref:`sphx_glr_auto_examples_07_asyncio_plot_asyncio_bridge.py`; что
# в это время происходит с событийным циклом — в примере
# :ref:`sphx_glr_auto_examples_07_asyncio_plot_event_loop_heartbeat.py`.
