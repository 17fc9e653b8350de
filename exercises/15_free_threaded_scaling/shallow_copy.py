"""Упражнение к главе 15: какая копия действительно своя.

Без GIL поток, который читает чужие объекты, пишет в их счётчики ссылок, и
потоки мешают друг другу. Своя копия помогает, только если в ней новые
объекты. Здесь четыре способа «скопировать» список чисел, и для каждого —
сколько элементов копии остались теми же объектами, что в оригинале
(``is``). Ответ не зависит ни от сборки, ни от версии Python.
"""

import copy
import pickle

from potok.machine import python_build

K = 1_000


def make_numbers(k: int) -> list[float]:
    return [float(i) for i in range(k)]


shared = make_numbers(K)
copies = {
    "list(shared)": list(shared),
    "copy.deepcopy(shared)": copy.deepcopy(shared),
    "pickle.loads(pickle.dumps(shared))": pickle.loads(pickle.dumps(shared)),
    "make_numbers(len(shared))": make_numbers(len(shared)),
}

print(python_build())
for name, data in copies.items():
    assert data == shared  # значения те же во всех четырёх
    same = sum(a is b for a, b in zip(data, shared, strict=True))
    print(f"{name}: тех же объектов {same} из {K}")
