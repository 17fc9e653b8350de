"""Программа «под fork»: работает, только пока ребёнок — копия родителя."""

import multiprocessing
import sys

SETTINGS = {"root": None}


def report(_):
    return SETTINGS["root"]


def main():
    SETTINGS["root"] = "/srv/data"  # настройка, сделанная при запуске
    with multiprocessing.Pool(1) as pool:
        print("настройка в рабочем процессе:", pool.map(report, [0])[0], flush=True)

    results = multiprocessing.Queue()
    scale = 10

    def work():  # вложенная функция: замыкание над results и scale
        results.put([x * scale for x in (1, 2, 3)])

    child = multiprocessing.Process(target=work)
    child.start()
    print("дочерний процесс вернул:", results.get(timeout=60))
    child.join()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        multiprocessing.set_start_method(sys.argv[1])
    print("метод запуска:", multiprocessing.get_start_method(), flush=True)
    main()
