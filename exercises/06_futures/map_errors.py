"""Упражнение к главе 6: что отдаёт Executor.map, если одна задача упала.

map() отдаёт результаты в порядке аргументов. Исключение задачи выбрасывается,
когда перебор доходит до её результата; результаты задач после неё этим
перебором уже не получить. Задачи, которые к этому моменту начались, доработают
до конца, а ещё не начатые map отменяет (пример plot_map_stops_on_error).
"""

from concurrent.futures import ThreadPoolExecutor

from potok.workloads import fail_on

VALUES = list(range(6))
BAD = 2

received = []
with ThreadPoolExecutor() as pool:
    try:
        for result in pool.map(fail_on, VALUES, [BAD] * len(VALUES)):
            received.append(result)
    except ValueError as exc:
        print(f"исключение при переборе: {exc!r}")
print(f"получено результатов: {len(received)} из {len(VALUES)}: {received}")
