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
же* канал и *одна и та же* функция ``pipe_echo`` на другой стороне:
всё, чем они отличаются, — поток это или процесс.
"""

# %%
# Пинг-понг
# ---------
#
# Одна сторона — главный поток этого скрипта, он и измеряет каждый обход отдельно.
# Другая — второй поток или дочерний процесс (метод запуска — платформы по
# умолчанию или из ``POTOK_START_METHOD``). С ``Pipe`` на другой стороне работает
# ``pipe_echo`` из модуля ``_echo.py`` рядом с примером; вот он целиком:
#
# .. literalinclude:: _echo.py
#
# :download:`_echo.py`
#
# С :class:`threading.Event` другая сторона — ``event_echo`` ниже. Все три другие
# стороны запускаются заранее и ждут, а обходы идут по очереди: Event, Pipe с
# потоком, Pipe с процессом, снова Event… (``measure.interleaved``), так что
# занятость машины ложится на все варианты поровну. Запуск потока или процесса в
# замер не входит, его поглощает прогрев.
#
# Каждый вариант измеряется дважды: когда ОС сама раскладывает стороны по ядрам и
# когда обе привязаны к одному CPU (:func:`os.sched_setaffinity`, только Linux;
# там привязка — свойство потока, и каждая сторона привязывает себя сама).

# sphinx_gallery_tags = ["потоки", "процессы"]
import contextlib
import os
import threading

import _echo
import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, start_methods
from potok.cpu import machine_load

ROUNDS = measure.scale(1000, 200)
WARMUP = measure.scale(100, 20)
TOTAL = WARMUP + ROUNDS


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


@contextlib.contextmanager
def over_event(cpu):
    ping, pong = threading.Event(), threading.Event()

    def event_echo():  # другая сторона: на каждый ping ставит pong
        with pinned(cpu):
            for _ in range(TOTAL):
                if not ping.wait(10):
                    return  # пинга нет 10 с: главный поток прекратил замер
                ping.clear()
                pong.set()

    def round_trip():
        pong.clear()
        ping.set()
        if not pong.wait(10):
            raise RuntimeError("второй поток не ответил за 10 с")

    other = threading.Thread(target=event_echo)
    other.start()
    try:
        yield round_trip
    finally:
        other.join()


@contextlib.contextmanager
def over_pipe(cls, cpu):
    here, there = ctx.Pipe()
    other = cls(target=_echo.pipe_echo, args=(there, TOTAL, cpu))

    def round_trip():
        here.send(1)
        here.recv()

    other.start()
    try:
        yield round_trip
    finally:
        here.close()
        other.join()
        if getattr(other, "exitcode", 0) != 0:
            raise RuntimeError(f"{other!r} завершился с кодом {other.exitcode}")


def ping_pong(cpu):
    """Обходы всех вариантов по очереди; ``cpu`` — общий CPU сторон или None."""
    with pinned(cpu), contextlib.ExitStack() as stack:
        # процесс — первым: fork из процесса, где уже работают наши потоки, опасен
        procs = stack.enter_context(over_pipe(ctx.Process, cpu))
        trips = {
            "потоки, threading.Event": stack.enter_context(over_event(cpu)),
            "потоки, Pipe": stack.enter_context(over_pipe(threading.Thread, cpu)),
            f"процессы ({ctx.get_start_method()}), Pipe": procs,
        }
        return measure.interleaved(trips, repeats=ROUNDS, warmup=WARMUP)


ctx = start_methods.mp_context()
placements = {"free": ("ОС сама выбирает ядра", None)}
if hasattr(os, "sched_setaffinity"):
    placements["pinned"] = ("оба на одном CPU", max(os.sched_getaffinity(0)))

print(machine.stamp())
print(f"обходов на вариант: {ROUNDS} (и {WARMUP} на прогрев)")
results = {}
for key, (place, cpu) in placements.items():
    results[key] = timings = ping_pong(cpu)
    for label, timing in timings.items():
        print(f"{place}; {label}: {timing}")
    event, threads, procs = timings.values()
    diff = procs.median - threads.median
    share = abs(diff) / procs.median
    print(f"{place}: процессы − потоки (Pipe), разница медиан: {diff * 1e6:+.1f} мкс")
    claims.check(
        f"same-pipe-difference-small-{key}",
        f"{place}: разница между процессами и потоками с одним и тем же Pipe — "
        "малая доля обхода",
        confirmed=share < 0.5,
        evidence=(
            f"потоки {measure.format_seconds(threads.median)}, процессы "
            f"{measure.format_seconds(procs.median)}: разница — {share:.0%} обхода"
        ),
        numbers={"threads_s": threads.median, "processes_s": procs.median},
        reason_if_not="машина была занята, и одна из серий попала на чужую работу",
    )
    claims.check(
        f"event-cheaper-than-pipe-{key}",
        f"{place}: обход через threading.Event дешевле, чем через Pipe с pickle",
        confirmed=event.median < threads.median,
        evidence=(
            f"Event {measure.format_seconds(event.median)}, Pipe "
            f"{measure.format_seconds(threads.median)}"
        ),
        numbers={"event_s": event.median, "pipe_s": threads.median},
        reason_if_not="машина была занята: " + machine_load(),
    )
print(machine_load())

# %%
# Распределения
# -------------
#
# Каждая точка — один обход; чёрная черта — медиана; ось логарифмическая, чтобы
# были видны и типичные обходы, и редкие долгие.

fig, axes = plots.figure(len(placements), 1, height=2.2 + 2.0 * len(placements))
axes = [axes] if len(placements) == 1 else axes
for ax in axes[1:]:
    ax.sharex(axes[0])
for ax, (key, (place, _)) in zip(axes, placements.items(), strict=True):
    samples = {label: [s * 1e6 for s in t.samples] for label, t in results[key].items()}
    plots.distributions(ax, samples, unit="мкс")
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
# вызовы и код на другой стороне у них одни и те же (разница медиан напечатана выше).
# На сколько строка процессов правее строки потоков, столько в этом обходе и стоит то,
# что отличает процесс от потока: смена адресного пространства (таблицы страниц, TLB)
# и то, что у другого процесса свои данные в памяти и в кешах.
#
# Ищите эту разницу прежде всего на нижней панели: когда обе стороны на одном CPU,
# каждый обход — два настоящих переключения контекста, без участия второго ядра, и
# каждое меняет адресное пространство. На верхней панели ОС вольна разбудить сторону
# на соседнем ядре: каждое ядро большую часть времени держит свой процесс и адресное
# пространство почти не меняет — ядра просто будят друг друга, и разница может почти
# исчезнуть. Это избавляет от переключения, но добавляет прерывание между ядрами и
# холодные кеши; какой вариант быстрее, зависит от процессора и от того, чем ядра
# заняты. И сравните разницу с медианой целиком (вердикты выше): если она — малая
# доля обхода, то разница, о которой говорит конспект, в Python тонет в остальной
# цене обхода. У потоков есть и своя добавка — GIL: разбуженный поток может
# застать GIL занятым и уснуть снова, а у процессов этого шага нет; поэтому
# разница бывает и отрицательной.
#
# Первая строка — потоки с :class:`threading.Event` — обычно левее: данных нет, ядру
# ОС не нужно ничего копировать через канал, остаётся разбудить поток. Выбор
# *механизма* (событие или канал с pickle) влияет на цену обхода не меньше, чем выбор
# между потоком и процессом.
#
# Длинные хвосты вправо — обходы, когда CPU был занят кем-то ещё и разбуженной стороне
# пришлось ждать своей очереди у планировщика. Чем выше средняя загрузка машины по
# сравнению с числом логических процессоров (обе напечатаны выше), тем длиннее хвосты.
#
# А если ядер больше?
# -------------------
#
# Медиана почти не изменится: один обход — это цепочка шагов, которые всё равно идут
# друг за другом, и быстрее она станет от более быстрого ядра, а не от их числа.
# Изменятся хвосты: когда свободных ядер много, разбуженной стороне реже приходится
# ждать, и без привязки ОС чаще держит стороны на разных ядрах — тогда в обходе меньше
# переключений и больше пробуждений. Разница между потоками и процессами от числа ядер
# не зависит; зато она зависит от того, есть ли у процессора PCID (метки адресных
# пространств в TLB), — с ними смена адресного пространства дешевле.
