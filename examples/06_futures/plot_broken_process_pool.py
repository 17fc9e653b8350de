"""
Процесс пула умер: BrokenProcessPool
====================================

Исключение в задаче — это ещё порядок: процесс пула жив и берёт следующую
задачу. Хуже, если процесс умирает целиком: падение в расширении на C, нехватка
памяти, ``os._exit``. Как ведёт себя пул, когда в нём упала задача, — в примере
:ref:`sphx_glr_auto_examples_06_futures_plot_future_errors.py`; здесь — что
бывает, когда умирает сам процесс пула.
"""

# %%
# Сломанный пул
# -------------
#
# ``potok.workloads.crash()`` вызывает ``os._exit(1)``: процесс завершается сразу,
# без ``finally`` и без ответа пулу, как при таком сбое. Рядом с ней в пуле —
# обычные задачи ``potok.workloads.io_bound(0.1)``, а после поломки — ещё одна
# новая задача.

# sphinx_gallery_tags = ["процессы"]
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from potok import claims, machine, start_methods, workloads

print(machine.stamp())

with ProcessPoolExecutor(max_workers=2, mp_context=start_methods.mp_context()) as pool:
    futures = {"crash()": pool.submit(workloads.crash)}
    for i in range(3):
        futures[f"io_bound #{i}"] = pool.submit(workloads.io_bound, 0.1)
    broken = []
    for name, fut in futures.items():
        try:
            print(f"{name:>12}: результат {fut.result()!r}")
        except BrokenProcessPool as exc:
            broken.append(name)
            print(f"{name:>12}: {type(exc).__name__}")
    try:
        pool.submit(workloads.worker_pid)
        refused = False
    except BrokenProcessPool as exc:
        refused = True
        print(f"новая задача в тот же пул: {type(exc).__name__}: {exc}")
claims.check(
    "broken-pool-fails-every-task",
    "когда процесс пула умирает, BrokenProcessPool получают и задача, убившая его, "
    "и каждая новая задача",
    confirmed="crash()" in broken and refused,
    evidence=(
        f"BrokenProcessPool у {len(broken)} задач из {len(futures)} "
        f"(в том числе crash(): {'да' if 'crash()' in broken else 'нет'}); "
        f"новая задача отвергнута: {'да' if refused else 'нет'}"
    ),
    numbers={"broken": len(broken), "tasks": len(futures), "new_refused": refused},
    reason_if_not="другая версия Python по-другому разбирает смерть процесса пула",
)

# %%
# Когда процесс пула неожиданно завершается, пул не знает, что с ним стало и
# какие задачи пропали вместе с ним, поэтому считает сломанным себя целиком:
# :exc:`~concurrent.futures.process.BrokenProcessPool` получают и задача,
# убившая процесс, и все задачи, которые ещё не закончились, и любая новая
# задача. Какие из обычных задач успели закончиться до поломки, зависит от
# расписания — посмотрите на вывод выше. Пул после этого остаётся только закрыть и
# создать новый.
#
# У пула потоков так сломаться нечему: поток нельзя убить отдельно от процесса,
# и ``os._exit`` в потоке завершил бы всю программу. (Свой «сломанный» пул есть и
# у него — :exc:`~concurrent.futures.thread.BrokenThreadPool`, — но только когда
# падает функция ``initializer``, которая готовит каждый поток.)
