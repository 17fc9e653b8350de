"""
Потоки Python — это потоки ОС (модель 1:1)
==========================================

В конспекте перечислены три модели, как пользовательские потоки ложатся на потоки
ядра ОС: 1:1, M:1 (например, GNU Pth) и M:N. CPython использует **1:1**: каждый
:class:`threading.Thread` — это настоящий поток ОС (на Linux и macOS — поток POSIX,
``pthread``; на Windows — поток Win32), и планирует его ядро ОС, а не
интерпретатор. GIL решает только, кто из них выполняет байт-код, а *существуют* и
*планируются* они как любые другие потоки.

Проверим это двумя независимыми свидетелями:

* :func:`threading.get_native_id` — номер, который потоку дало ядро ОС (на Linux —
  TID). Если потоки Python — разные потоки ядра, номера у них разные;
* собственный счёт ОС: на Linux у каждого потока процесса есть каталог в
  ``/proc/self/task``, названный его TID. Сколько там каталогов — столько потоков
  видит ядро, без всякого участия Python.
"""

# %%
# Пул потоков и наблюдатель
# -------------------------
#
# Возьмём :class:`~concurrent.futures.ThreadPoolExecutor` на ``WORKERS`` потоков и
# будем давать ему задачи по одной через равные промежутки. Задача — функция
# ``identity`` ниже — ждёт общего сигнала ``release`` и возвращает имя своего потока
# и оба его номера. Пока задачи ждут, свободных потоков в пуле нет, и на каждую
# новую задачу пул создаёт новый поток. Паузы между задачами ничего не подстраивают:
# они только растягивают события во времени, чтобы их было видно на графике.
#
# Всё это время отдельный поток-наблюдатель (``watch``) раз в миллисекунду считает
# каталоги в ``/proc/self/task`` (``machine.os_thread_count()`` — это
# ``len(os.listdir("/proc/self/task"))``) и, для сравнения, потоки, о которых знает
# сам Python (:func:`threading.active_count`). Наблюдатель тоже поток, и оба счёта
# включают его.

# sphinx_gallery_tags = ["потоки"]
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots

WORKERS = 8
STEP = measure.scale(0.05, 0.02)  # пауза между событиями, с
OS_VIEW = machine.os_thread_count() is not None

print(machine.stamp())
if not OS_VIEW:
    print("В этой ОС нет /proc/self/task: на графике будет только счёт Python.")


def identity(release):
    """Задача пула: ждёт сигнала, потом называет поток, который её выполнил."""
    release.wait(30)
    name = threading.current_thread().name
    return name, threading.get_ident(), threading.get_native_id()


origin = time.perf_counter()
samples = []  # (время, потоков по данным ОС, потоков по данным Python)
events = []  # (время, что произошло)
stop, release = threading.Event(), threading.Event()


def watch():
    while not stop.is_set():
        now = time.perf_counter() - origin
        samples.append((now, machine.os_thread_count(), threading.active_count()))
        time.sleep(0.001)


def mark(what):
    events.append((time.perf_counter() - origin, what))


watcher = threading.Thread(target=watch, name="наблюдатель")
watcher.start()
pool = None
try:
    time.sleep(2 * STEP)
    mark("пул создан")
    pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="potok")
    futures = []
    for _ in range(WORKERS):
        time.sleep(STEP)
        futures.append(pool.submit(identity, release))
        mark("submit")
    time.sleep(2 * STEP)
    seen_by_os = machine.os_thread_ids()
    os_names = {tid: machine.os_thread_name(tid) for tid in seen_by_os or ()}
    known_to_python = {t.native_id for t in threading.enumerate()}
    release.set()
    identities = [f.result() for f in futures]
    mark("задачи выполнены")
    time.sleep(3 * STEP)
    pool.shutdown(wait=True)
    mark("shutdown()")
    time.sleep(3 * STEP)
finally:
    release.set()
    if pool is not None:
        pool.shutdown(wait=True)
    stop.set()
    watcher.join()

# %%
# Кто выполнил задачи
# -------------------
#
# ``get_ident`` — номер из библиотеки потоков (на Linux — ``pthread_self()``, в glibc
# адрес описания потока в памяти процесса; ядро ОС его не знает); ``get_native_id``
# — номер от ядра ОС. Последний столбец — есть ли он среди каталогов
# ``/proc/self/task``, снятых, пока задачи ждали, и под каким именем поток виден ядру
# (файл ``comm``).

main_tid = threading.get_native_id()
print(f"главный поток: get_native_id() = {main_tid}; PID процесса: {os.getpid()}")
print(f"{'имя в Python':<14}{'get_ident()':>18}{'get_native_id()':>17}   в ОС")
for name, ident, tid in identities:
    seen = "нет" if OS_VIEW else "не проверить в этой ОС"
    if tid in (seen_by_os or ()):
        seen = f"да, имя в ОС {os_names[tid]!r}"
    print(f"{name:<14}{ident:>#18x}{tid:>17}   {seen}")
native_ids = {tid for _, _, tid in identities}
print(f"разных номеров ОС у потоков пула: {len(native_ids)} из {WORKERS}")
claims.check(
    "own-native-id",
    "у каждого потока пула свой номер потока в ядре ОС",
    confirmed=len(native_ids) == WORKERS,
    evidence=f"разных get_native_id(): {len(native_ids)} из {WORKERS}",
    numbers={"distinct_native_ids": len(native_ids), "workers": WORKERS},
    reason_if_not="какой-то поток пула выполнил две задачи (пул переиспользовал его)",
)
if seen_by_os is not None:
    seen = len(native_ids & seen_by_os)
    claims.check(
        "kernel-sees-each-thread",
        "ядро ОС видит каждый поток пула как свой поток (модель 1:1)",
        confirmed=seen == len(native_ids),
        evidence=f"номеров потоков пула в /proc/self/task: {seen} из {len(native_ids)}",
        numbers={"seen_by_kernel": seen, "pool_threads": len(native_ids)},
        reason_if_not="поток завершился раньше, чем /proc/self/task был прочитан",
    )
    counts = [s[1] for s in samples]
    claims.check(
        "one-os-thread-per-task",
        "с каждой задачей, для которой нет свободного потока, ОС видит на один "
        "поток больше — до размера пула",
        confirmed=max(counts) - counts[0] == WORKERS,
        evidence=f"потоков в ОС: {counts[0]} в начале, {max(counts)} на пике",
        numbers={"at_start": counts[0], "at_peak": max(counts), "workers": WORKERS},
        reason_if_not="появились или закончились чужие потоки (библиотек на C)",
    )

# %%
# Сверим и в обратную сторону: есть ли в ``/proc/self/task`` потоки, которых Python
# не знает (:func:`threading.enumerate`)?

if seen_by_os is not None:
    foreign = sorted(seen_by_os - known_to_python)
    print(f"потоков, которые видит ОС, но не знает Python: {len(foreign)}")
    for tid in foreign:
        print(f"    {tid}: имя в ОС {os_names[tid]!r}")

# %%
# Потоки процесса во времени
# --------------------------

t = [s[0] for s in samples]
fig, ax = plots.figure(height=4.2)
if OS_VIEW:
    label = "по данным ОС: каталогов в /proc/self/task"
    ax.step(t, [s[1] for s in samples], where="post", linewidth=2.5, label=label)
label = "по данным Python: threading.active_count()"
ax.step(t, [s[2] for s in samples], where="post", linestyle="--", label=label)
for when in (when for when, what in events if what == "submit"):
    ax.axvline(when, color=plots.REFERENCE, linewidth=0.6, alpha=0.5)
named = [(when, what) for when, what in events if what != "submit"]
for n, (when, what) in enumerate(named):
    ax.axvline(when, color=plots.REFERENCE, linestyle=":")
    y = 0.03 + 0.08 * (n % 2)  # доля высоты осей: подписи соседей не сталкиваются
    ax.text(when, y, f" {what}", transform=ax.get_xaxis_transform(), fontsize=8)
ax.set_xlabel("время от начала, с (тонкие линии — submit очередной задачи)")
ax.set_ylabel("потоков в процессе")
ax.set_ylim(bottom=0)
ax.grid(axis="x", visible=False)
ax.yaxis.get_major_locator().set_params(integer=True)
ax.set_title(f"ThreadPoolExecutor на {WORKERS} потоков: рождение и конец потоков")
ax.legend(loc="upper left", fontsize=8)
plots.stamp(fig)
plt.show()

# %%
# Что видно
# ---------
#
# * Номера ОС у потоков пула все разные, и каждый из них ядро ОС знает: он есть в
#   ``/proc/self/task``. Это отдельные потоки ядра — модель 1:1. Главный поток
#   тоже поток ядра; на Linux его номер совпадает с PID процесса.
# * Лестница: с каждым ``submit`` счёт ОС растёт на единицу, пока не дойдёт до
#   размера пула. Потоки создаются лениво — по одному на задачу, для которой нет
#   свободного потока, — и не больше ``max_workers``.
# * Плато после «задачи выполнены»: работы нет, а потоки живы. Пул держит их
#   наготове для следующих задач; каждый — это стек и запись в планировщике ОС.
# * Обрыв после ``shutdown()``: потоки завершаются, и ядро ОС убирает их из
#   ``/proc/self/task`` — счёт возвращается к исходному (главный поток, наблюдатель
#   и всё, что было в процессе до пула).
# * Две линии — ОС и Python — идут ступенька в ступеньку: каждый поток, которого
#   Python создал, ядро видит как отдельный поток, и наоборот. На мгновения при
#   рождении и конце потока они могут расходиться: ядро создаёт поток чуть раньше,
#   чем Python его регистрирует, и убирает чуть позже.
# * Если линия ОС идёт *выше* на постоянную величину, это потоки, которые создал не
#   Python, а код на C (их номера и имена напечатаны выше). Обычно это OpenBLAS из
#   numpy, который загружает matplotlib: при загрузке она заводит рабочие потоки,
#   по умолчанию на один меньше, чем логических процессоров, — вызывающий поток
#   работает вместе с ними (``blas_thread_init`` в ``driver/others/blas_server.c``).
#   :mod:`threading` о них не знает, а ядро ОС видит, кто бы их ни создал. При
#   сборке сайта таких потоков может быть больше: там пример идёт в процессе Sphinx.
#
# Имя потока в ОС (столбец выше) на Linux с Python 3.14 — имя в Python, обрезанное
# до 15 байт: его передаёт ядру сам поток при запуске (`gh-59705
# <https://github.com/python/cpython/issues/59705>`_); раньше все носили имя программы.
#
# В других ОС
# -----------
#
# ``/proc/self/task`` есть только в Linux. На macOS те же потоки покажет
# ``ps -M <pid>``, на Windows — «Диспетчер задач» или Process Explorer (столбец
# «Потоки»), а из Python — сторонний пакет ``psutil``
# (``psutil.Process().num_threads()``). Пример в таких ОС рисует только счёт Python и
# печатает, что свидетельства ОС нет. :func:`threading.get_native_id` работает везде,
# где его поддерживает ОС: Linux, macOS, Windows, FreeBSD и другие.
#
# А если ядер больше?
# -------------------
#
# Число потоков пула от числа ядер не зависит: пул на восемь потоков создаёт восемь
# потоков ядра и на двух ядрах, и на шестидесяти четырёх. А вот «чужих» потоков
# библиотек вроде OpenBLAS на многоядерной машине будет больше, и линия ОС уйдёт выше
# линии Python на большую величину. От ядер зависит и другое: сколько из этих потоков
# ОС может *выполнять* одновременно, — и размер пула по умолчанию:
# ``ThreadPoolExecutor()`` без ``max_workers`` берёт ``min(32, N + 4)`` потоков, где
# N — число логических процессоров (с Python 3.13 его считает
# ``os.process_cpu_count()``). На машине с GIL выполнять байт-код они всё равно
# будут по одному; на free-threaded сборке — действительно одновременно, на разных
# ядрах.
