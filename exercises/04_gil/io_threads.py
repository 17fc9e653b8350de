"""Упражнение к главе 4: отпускает ли GIL поток, который ждёт.

Десять потоков одновременно ждут по 0,2 с (time.sleep — как ожидание ответа
сервера). Если бы ожидающий поток держал GIL, они ждали бы по очереди, около
2 с; на деле ждут одновременно.
"""

import threading
import time

from potok.workloads import io_bound

THREADS = 10
WAIT = 0.2

began = time.perf_counter()
threads = [threading.Thread(target=io_bound, args=(WAIT,)) for _ in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - began
print(f"{THREADS} потоков по {WAIT} с ожидания: {elapsed:.2f} с")
print(f"по очереди было бы: {THREADS * WAIT:.2f} с")
