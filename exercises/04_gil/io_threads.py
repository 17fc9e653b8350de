"""Упражнение к главе 4: отпускает ли GIL поток, который ждёт.

Десять потоков одновременно ждут по 0,2 с (time.sleep — как ожидание ответа
сервера). Если бы ожидающий поток держал GIL, они ждали бы по очереди, около
2 с; на деле ждут одновременно.
"""

import threading
import time

THREADS = 10
WAIT = 0.2
spans: list[tuple[float, float]] = []


def wait(seconds: float) -> None:
    """Ждёт, как ожидание ответа сервера, и запоминает, когда ждал."""
    began = time.perf_counter()
    time.sleep(seconds)
    spans.append((began, time.perf_counter()))


began = time.perf_counter()
threads = [threading.Thread(target=wait, args=(WAIT,)) for _ in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - began
at_once = max(sum(b <= start < e for b, e in spans) for start, _ in spans)
print(f"{THREADS} потоков по {WAIT} с ожидания: {elapsed:.2f} с")
print(f"по очереди было бы: {THREADS * WAIT:.2f} с")
print(f"больше всего потоков ждали одновременно: {at_once}")
