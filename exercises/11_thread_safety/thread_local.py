"""Упражнение к главе 11: счётчик в threading.local.

Атрибуты объекта threading.local у каждого потока свои. Каждый поток копит
свой счётчик в local.count без всякой синхронизации и один раз записывает итог
в свою ячейку списка. Итог точный на любой сборке, а главный поток атрибута
count у того же объекта не видит.
"""

import threading

from potok.machine import python_build
from potok.measure import scale

N = scale(200_000, 50_000)
THREADS = 4

local = threading.local()


def work(results: list, me: int) -> None:
    local.count = 0  # у этого потока — своя переменная
    for _ in range(N):
        local.count += 1
    results[me] = local.count  # одна запись в свою ячейку


results = [0] * THREADS
threads = [threading.Thread(target=work, args=(results, i)) for i in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()

print(python_build())
print(f"у потоков: {results}")
print(f"итог: {sum(results)}, ожидалось: {THREADS * N}")
print(f"главный поток видит local.count: {'да' if hasattr(local, 'count') else 'нет'}")
