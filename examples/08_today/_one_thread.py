"""Работа в одном потоке: один замер ``cpu_bound(n)``.

Этот модуль выполняет другой интерпретатор (``potok.interpreters.Child``),
поэтому он лежит рядом с примером, а не в нём самом. Пример вызывает
:func:`one_thread` по очереди в двух сборках Python, круг за кругом, и в конце
:func:`about`.
"""

from potok import machine, measure, workloads


def one_thread(n: int) -> measure.Timing:
    """Один замер ``cpu_bound(n)`` в главном потоке этого интерпретатора."""
    return measure.repeat(lambda: workloads.cpu_bound(n), repeats=1, warmup=0)


def about() -> dict:
    """Отметка интерпретатора и состояние GIL — после работы: free-threaded
    сборка включает GIL обратно, если модуль-расширение не объявил, что умеет
    работать без него."""
    return {"stamp": machine.stamp(), "gil": machine.gil_enabled()}
