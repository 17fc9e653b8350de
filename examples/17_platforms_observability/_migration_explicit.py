"""Та же программа, исправленная: всё, что нужно рабочим процессам, передано явно."""

import multiprocessing
import sys

SETTINGS = {"root": None}


def init(root):  # выполняется в каждом рабочем процессе пула
    SETTINGS["root"] = root


def report(_):
    return SETTINGS["root"]


def work(results, scale):  # функция верхнего уровня: её находят по имени
    results.put([x * scale for x in (1, 2, 3)])


def main():
    SETTINGS["root"] = "/srv/data"
    initargs = (SETTINGS["root"],)
    with multiprocessing.Pool(1, initializer=init, initargs=initargs) as pool:
        print("настройка в рабочем процессе:", pool.map(report, [0])[0], flush=True)

    results = multiprocessing.Queue()
    child = multiprocessing.Process(target=work, args=(results, 10))
    child.start()
    print("дочерний процесс вернул:", results.get(timeout=60))
    child.join()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        multiprocessing.set_start_method(sys.argv[1])
    print("метод запуска:", multiprocessing.get_start_method(), flush=True)
    main()
