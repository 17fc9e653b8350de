"""Упражнение к главе 5: куда девается исключение из функции потока.

join() не выбрасывает исключение потока: его получает threading.excepthook (по
умолчанию он печатает трассировку в stderr), а программа идёт дальше. Свой
excepthook может собрать такие исключения, чтобы их не пропустить.
"""

import threading

caught: list[BaseException] = []


def remember(args: threading.ExceptHookArgs) -> None:
    caught.append(args.exc_value)


def work() -> None:
    raise ValueError("ошибка в потоке")


threading.excepthook = remember
thread = threading.Thread(target=work)
thread.start()
thread.join()  # исключения здесь нет
print("join() вернулся без исключения")
print(f"excepthook получил: {[type(e).__name__ for e in caught]}")
threading.excepthook = threading.__excepthook__
