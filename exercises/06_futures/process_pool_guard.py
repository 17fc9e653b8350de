"""Упражнение к главе 6: пул процессов, который работает при любом методе запуска.

Два требования пула процессов: функция задачи определена на верхнем уровне
модуля (её передают в процесс по имени, через pickle), а код, который создаёт
пул, стоит под if __name__ == "__main__": — при spawn и forkserver этот файл
выполняется заново в дочернем процессе (при forkserver — в сервере, от
которого отделяются дочерние). Скрипт считает простые числа в пуле и подряд и
сравнивает ответы.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from potok.measure import scale
from potok.start_methods import start_method

LIMITS = [scale(20_000, 5_000)] * 4


def count_primes(limit: int) -> int:
    """Верхний уровень модуля: дочерний процесс найдёт её по имени."""
    return sum(all(n % d for d in range(2, int(n**0.5) + 1)) for n in range(2, limit))


if __name__ == "__main__":
    ctx = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        in_pool = list(pool.map(count_primes, LIMITS))
    in_order = [count_primes(limit) for limit in LIMITS]
    print(f"метод запуска: {ctx.get_start_method()}")
    print(f"в пуле процессов: {in_pool}")
    print(f"подряд: {in_order}")
    print(f"ответы совпадают: {'да' if in_pool == in_order else 'нет'}")
