"""Упражнение к главе 15: какие объекты бессмертны на этой сборке.

Счётчик ссылок бессмертного объекта не меняется, поэтому потоки могут делить
такой объект без потерь. Скрипт проверяет несколько объектов до и после
запуска первого потока, кроме главного: в 3.13t именно тогда функции модуля и
классы становятся бессмертными.
"""

import sys
import threading

from potok.machine import free_threaded_build, python_build


def immortal(obj) -> bool:
    if hasattr(sys, "_is_immortal"):  # Python 3.14+
        return sys._is_immortal(obj)
    # 3.12–3.13: у бессмертного объекта огромный счётчик ссылок
    return sys.getrefcount(obj) >= 2**31


def helper() -> None:  # функция уровня модуля
    pass


class Config:  # класс уровня модуля
    pass


objects = {
    "None": None,
    "5": 5,
    "int('123456789')": int("123456789"),
    "[1, 2, 3]": [1, 2, 3],
    "helper": helper,
    "Config": Config,
}

print(python_build())
if sys.version_info < (3, 12):
    print("бессмертных объектов нет: они появились в Python 3.12 (PEP 683)")
else:
    before = {name: immortal(obj) for name, obj in objects.items()}
    t = threading.Thread(target=lambda: None)
    t.start()
    t.join()
    after = {name: immortal(obj) for name, obj in objects.items()}
    for name in objects:
        yes = {True: "да", False: "нет"}
        print(
            f"{name}: бессмертен до потока: {yes[before[name]]}, "
            f"после: {yes[after[name]]}"
        )
    print(f"free-threaded сборка: {'да' if free_threaded_build() else 'нет'}")
