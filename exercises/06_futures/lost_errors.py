"""Упражнение к главе 6: ошибка задачи, которую никто не забрал.

Десять задач, две из них падают. Если результаты не забирать, программа ничего
не узнает об ошибках. as_completed и try/except вокруг result() находят обе.
"""

from concurrent.futures import ThreadPoolExecutor, as_completed

from potok.workloads import fail_on

VALUES = range(10)
BAD = (3, 7)


def check(value: int) -> int:
    for bad in BAD:
        fail_on(value, bad)  # ValueError, если value == bad
    return value


# Без result(): ошибки остаются лежать в Future, никто их не видит.
with ThreadPoolExecutor() as pool:
    for value in VALUES:
        pool.submit(check, value)
print("без result(): программа дошла сюда, и ни одной ошибки не видно")

# С result(): каждая ошибка выбрасывается там, где её забирают.
errors, done = [], []
with ThreadPoolExecutor() as pool:
    futures = {pool.submit(check, value): value for value in VALUES}
    for future in as_completed(futures):
        try:
            done.append(future.result())
        except ValueError as exc:
            errors.append(futures[future])
            print(f"задача {futures[future]}: ошибка {exc!r}")
print(f"выполнено задач: {len(done)}, с ошибкой: {len(errors)} {sorted(errors)}")
