"""Упражнение к главе 10: производитель, четыре потребителя и конец работы.

Производитель кладёт в queue.Queue сто заданий. Как сказать потребителям, что
заданий больше не будет: с Python 3.13 — Queue.shutdown(), после которого get()
в опустевшей очереди выбрасывает queue.ShutDown; до 3.13 — по объекту-сторожу на
каждого потребителя. Скрипт проверяет, что каждое задание обработано ровно
один раз и все потребители завершились.
"""

import collections
import queue
import sys
import threading

ITEMS = 100
CONSUMERS = 4
SENTINEL = object()
HAS_SHUTDOWN = hasattr(queue.Queue, "shutdown")  # Python 3.13+

q: queue.Queue = queue.Queue(maxsize=10)
seen: collections.Counter = collections.Counter()
seen_lock = threading.Lock()


def consumer() -> None:
    while True:
        try:
            item = q.get()
        except getattr(queue, "ShutDown", ()):  # Python 3.13+
            return
        if item is SENTINEL:
            return
        with seen_lock:  # Counter[item] += 1 — чтение и запись
            seen[item] += 1


workers = [threading.Thread(target=consumer) for _ in range(CONSUMERS)]
for t in workers:
    t.start()
for i in range(ITEMS):
    q.put(i)
if HAS_SHUTDOWN:
    q.shutdown()  # оставшиеся задания get() ещё отдаст
else:
    for _ in workers:
        q.put(SENTINEL)
for t in workers:
    t.join(timeout=5)

version = ".".join(map(str, sys.version_info[:2]))
how = "Queue.shutdown()" if HAS_SHUTDOWN else "сторожа (shutdown() появился в 3.13)"
print(f"Python {version}, конец работы: {how}")
print(f"обработано заданий: {sum(seen.values())} из {ITEMS}")
once = sorted(seen) == list(range(ITEMS)) and set(seen.values()) == {1}
print(f"каждое ровно один раз: {'да' if once else 'нет'}")
alive = sum(t.is_alive() for t in workers)
print(f"потребителей не завершилось: {alive}")
