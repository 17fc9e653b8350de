"""
Переключение между потоками и между процессами: пинг-понг
=========================================================

В конспекте сказано, что «переключение между потоками происходит быстрее, чем между
процессами». Само переключение контекста происходит внутри ядра ОС, и секундомером
из Python его не поймать. Зато можно измерить то, во что оно входит, — *пинг-понг*:
сторона A посылает сообщение и засыпает в ожидании ответа; сторона B просыпается,
отвечает и снова засыпает. Один обход «туда и обратно» — это как минимум две
передачи управления: A → B и B → A. Если обе стороны живут на одном CPU, каждая
передача — настоящее переключение контекста.

Честно о том, что ещё входит в измеренное время, кроме самого переключения:

* **системные вызовы** — запись и чтение канала (``write``/``read`` у
  :func:`multiprocessing.Pipe`) или ``futex`` у :class:`threading.Event`;
* **задержка пробуждения** — сколько планировщику ОС нужно, чтобы заметить
  разбуженную сторону и дать ей CPU; если она на другом ядре — ещё и прерывание
  этому ядру, которое, возможно, дремало в режиме энергосбережения;
* **GIL** — у двух потоков он один на двоих, и проснувшийся поток сначала
  забирает GIL; у каждого процесса свой GIL, и им делиться не нужно;
* **pickle** — :meth:`Connection.send <multiprocessing.connection.Connection.send>`
  сериализует объект, а ``recv`` восстанавливает его (у потоков с ``Pipe`` — ровно
  так же, как у процессов);
* **интерпретатор** — вызовы функций, цикл, создание объектов;
* **кеши и ядра** — данные другой стороны могут лежать в кеше другого ядра;
* и только у процессов — **смена адресного пространства**: другие таблицы
  страниц, сброс части TLB. Это и есть та разница, о которой говорит конспект.

Поэтому вариантов три. Потоки с :class:`threading.Event` — привычный способ
синхронизации внутри процесса. Потоки с ``Pipe`` и процессы с ``Pipe`` — *один и тот
же* канал и *одна и та же* функция ``potok.workloads.pipe_echo`` на другой стороне:
всё, чем они отличаются, — поток это или процесс.
"""

# %%
# Пинг-понг
# ---------
#
# Одна сторона — главный поток этого скрипта, он и измеряет каждый обход отдельно.
# Другая — второй поток или дочерний процесс (метод запуска — платформы по
# умолчанию или из ``POTOK_START_METHOD``; запуск процесса в замер не входит, его
# поглощает прогрев).
# Каждый вариант измеряется дважды: когда ОС сама раскладывает стороны по ядрам и когда
# обе привязаны к одному CPU (:func:`os.sched_setaffinity`, есть только на Linux).

import contextlib
import os
import threading

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, start_methods, workloads
from potok.cpu import machine_load

ROUNDS = measure.scale(1000, 200)
WARMUP = measure.scale(100, 20)
TOTAL = WARMUP + ROUNDS
CAN_PIN = hasattr(os, "sched_setaffinity")


@contextlib.contextmanager
def pinned(cpu):
    """Держит вызывающий поток на одном CPU внутри ``with``; ``None`` — не трогает."""
    if cpu is None:
        yield
        return
    saved = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, saved)


def threads_event(cpu):
    ping, pong = threading.Event(), threading.Event()
    other = threading.Thread(target=workloads.event_echo, args=(ping, pong, TOTAL, cpu))

    def round_trip():
        pong.clear()
        ping.set()
        if not pong.wait(10):
            raise RuntimeError("второй поток не ответил за 10 с")

    with pinned(cpu):
        other.start()
        try:
            return measure.repeat(round_trip, repeats=ROUNDS, warmup=WARMUP)
        finally:
            other.join()


def over_pipe(ctx, cls, cpu):
    here, there = ctx.Pipe()
    other = cls(target=workloads.pipe_echo, args=(there, TOTAL, cpu))

    def round_trip():
        here.send(1)
        here.recv()

    with pinned(cpu):
        other.start()
        try:
            return measure.repeat(round_trip, repeats=ROUNDS, warmup=WARMUP)
        finally:
            here.close()
            other.join()
            if getattr(other, "exitcode", 0) != 0:
                raise RuntimeError(f"{other!r} завершился с кодом {other.exitcode}")


ctx = start_methods.mp_context()
variants = {
    "потоки, threading.Event": threads_event,
    "потоки, Pipe": lambda cpu: over_pipe(ctx, threading.Thread, cpu),
    f"процессы ({ctx.get_start_method()}), Pipe": lambda cpu: over_pipe(
        ctx, ctx.Process, cpu
    ),
}
placements = {"ОС сама выбирает ядра": None}
if CAN_PIN:
    placements["оба на одном CPU"] = max(os.sched_getaffinity(0))

print(machine.stamp())
print(f"обходов на вариант: {ROUNDS} (и {WARMUP} на прогрев)")

# %%
# Замер
# -----

results = {}
for place, cpu in placements.items():
    for label, run in variants.items():
        results[place, label] = timing = run(cpu)
        print(f"{place}; {label}: {timing}")

threads_label, procs_label = list(variants)[1:]
for place in placements:
    diff = results[place, procs_label].median - results[place, threads_label].median
    print(f"{place}: процессы − потоки (Pipe), разница медиан: {diff * 1e6:+.1f} мкс")
print(machine_load())

event_label = next(iter(variants))
for place in placements:
    threads, procs = results[place, threads_label], results[place, procs_label]
    share = abs(procs.median - threads.median) / procs.median
    claims.check(
        f"{place}: разница между процессами и потоками с одним и тем же Pipe — "
        "малая доля обхода",
        confirmed=share < 0.5,
        evidence=(
            f"потоки {measure.format_seconds(threads.median)}, процессы "
            f"{measure.format_seconds(procs.median)}: разница — {share:.0%} обхода"
        ),
        reason_if_not="машина была занята, и одна из серий попала на чужую работу",
    )
    event, pipe = results[place, event_label], threads
    claims.check(
        f"{place}: обход через threading.Event дешевле, чем через Pipe с pickle",
        confirmed=event.median < pipe.median,
        evidence=(
            f"Event {measure.format_seconds(event.median)}, Pipe "
            f"{measure.format_seconds(pipe.median)}"
        ),
        reason_if_not="машина была занята: " + machine_load(),
    )

# %%
# Распределения
# -------------
#
# Каждая точка — один обход; чёрная черта — медиана; ось логарифмическая, чтобы
# были видны и типичные обходы, и редкие долгие.


fig, axes = plots.figure(len(placements), 1, height=2.2 + 2.0 * len(placements))
if len(placements) == 1:
    axes = [axes]
for ax in axes[1:]:
    ax.sharex(axes[0])
for ax, place in zip(axes, placements, strict=True):
    plots.distributions(
        ax,
        {label: [s * 1e6 for s in results[place, label].samples] for label in variants},
        unit="мкс",
    )
    ax.invert_yaxis()
    ax.set_title(place)
fig.suptitle("Пинг-понг: время одного обхода туда и обратно")
plots.stamp(fig)
plt.show()

# %%
# Что видно на графике
# --------------------
#
# Главное — сравнить вторую и третью строки каждой панели: канал, pickle, системные
# вызовы и код на другой стороне у них одни и те же (разница медиан напечатана
# выше). На сколько строка процессов правее строки потоков, столько в этом обходе и
# стоит то, что отличает процесс от потока: смена адресного пространства (таблицы
# страниц, TLB) и то, что у другого процесса свои данные в памяти и в кешах.
#
# Ищите эту разницу прежде всего на нижней панели: когда обе стороны на одном CPU,
# каждое переключение меняет адресное пространство. Когда стороны на разных ядрах
# (верхняя панель), каждое ядро большую часть времени держит свой процесс и
# адресное пространство почти не меняет — ядра просто будят друг друга, и разница
# может почти исчезнуть. И сравните её с медианой целиком: обычно это малая доля
# обхода, так что в Python утверждение конспекта верно, но почти не заметно. У
# потоков есть и своя добавка — GIL: разбуженный поток может застать GIL занятым и
# уснуть снова, а у процессов этого шага нет; поэтому разница бывает и
# отрицательной.
#
# Первая строка — потоки с :class:`threading.Event` — обычно левее: данных нет,
# ядру ОС не нужно ничего копировать через канал, остаётся разбудить поток. Выбор
# *механизма* (событие или канал с pickle) влияет на цену обхода не меньше, чем
# выбор между потоком и процессом.
#
# На нижней панели обе стороны на одном CPU: каждый обход — два настоящих
# переключения контекста, без участия второго ядра. На верхней ОС вольна разбудить
# сторону на соседнем ядре; это избавляет от переключения, но добавляет прерывание
# между ядрами и холодные кеши. Какой вариант быстрее, зависит от процессора и от
# того, чем ядра заняты.
#
# Длинные хвосты вправо — обходы, когда CPU был занят кем-то ещё и разбуженной
# стороне пришлось ждать своей очереди у планировщика. Чем выше средняя загрузка
# машины по сравнению с числом логических процессоров (обе напечатаны выше), тем
# длиннее хвосты.
#
# А если ядер больше?
# -------------------
#
# Медиана почти не изменится: один обход — это цепочка шагов, которые всё равно идут
# друг за другом, и быстрее она станет от более быстрого ядра, а не от их числа.
# Изменятся хвосты: когда свободных ядер много, разбуженной стороне реже приходится
# ждать, и без привязки ОС чаще держит стороны на разных ядрах — тогда в обходе
# меньше переключений и больше пробуждений. Разница между потоками и процессами от
# числа ядер не зависит; зато она зависит от того, есть ли у процессора PCID
# (метки адресных пространств в TLB), — с ними смена адресного пространства
# дешевле.
