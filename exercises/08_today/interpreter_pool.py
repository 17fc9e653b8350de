"""Упражнение к главе 8: пул интерпретаторов, если он есть.

concurrent.futures.InterpreterPoolExecutor появился в Python 3.14. Скрипт
проверяет, есть ли он в этом Python; если есть, выполняет в нём задачу и
сравнивает ответ с вычислением в главном интерпретаторе, а если нет, так и
говорит.
"""

import concurrent.futures
import math
import sys

N = 5_000

if __name__ == "__main__":
    pool_class = getattr(concurrent.futures, "InterpreterPoolExecutor", None)
    print(f"Python {sys.version.split()[0]}")
    if pool_class is None:
        print("InterpreterPoolExecutor нет: он появился в Python 3.14")
    else:
        with pool_class(max_workers=2) as pool:
            answers = list(pool.map(math.factorial, [N, N]))
        expected = math.factorial(N)
        bits = [a.bit_length() for a in answers]
        print(f"{N}! в интерпретаторах: {bits} бит, в главном: {expected.bit_length()}")
        same = all(a == expected for a in answers)
        print(f"ответы совпадают: {'да' if same else 'нет'}")
