"""
Производитель, потребители и queue.Queue
========================================

Один поток-производитель кладёт задания в :class:`queue.Queue`, несколько
потоков-потребителей их забирают. Очередь сама делает всю синхронизацию: внутри
у неё одна блокировка и три условные переменные на ней («не пусто», «не
полно», «все задания выполнены»), и ни одно задание не достанется двум
потребителям и не потеряется.

Здесь измеряется, сколько заданий в секунду проходит через очередь при 1, 2, 4 и
8 потребителях в двух случаях:

* потребитель с заданием **ничего не делает** — измеряется сама очередь;
* потребитель на каждое задание **ждёт** 1 мс, как ждал бы ответа сети или диска
  (:func:`time.sleep` отпускает GIL).
"""

# %%
# Как потребители узнают, что заданий больше не будет
# ---------------------------------------------------
#
# С Python 3.13 у очереди есть :meth:`queue.Queue.shutdown`: после него
# :meth:`~queue.Queue.put` выбрасывает :exc:`queue.ShutDown`, а
# :meth:`~queue.Queue.get` сначала отдаёт оставшиеся задания, а когда очередь
# опустеет, тоже выбрасывает :exc:`queue.ShutDown` — каждый потребитель выходит из
# цикла сам. До 3.13 так делают вручную: производитель кладёт в очередь по одному
# особому объекту-*сторожу* (sentinel) на каждого потребителя, и потребитель,
# получив сторожа, завершается.
#
# Ниже — весь код. ``produce_consume`` запускает ``consumers`` потоков-потребителей,
# кладёт в очередь ``items`` чисел (главный поток — производитель) и заканчивает
# через ``shutdown()``, если он есть (``hasattr(queue.Queue, "shutdown")``), а
# иначе — сторожами. Потребитель на каждое задание ждёт ``wait`` секунд, как ждал
# бы сети или диска. Функция возвращает, сколько заданий взял каждый потребитель,
# и сумму их значений — по ней видно, что ни одно не потерялось и не
# обработалось дважды.

# sphinx_gallery_tags = ["потоки"]
import queue
import threading
import time

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots

HAS_SHUTDOWN = hasattr(queue.Queue, "shutdown")  # Python 3.13+
SHUT_DOWN = getattr(queue, "ShutDown", ())  # except () не ловит ничего
SENTINEL = object()


def produce_consume(consumers, items, wait=0.0, use_shutdown=HAS_SHUTDOWN):
    q = queue.Queue()
    counts, sums = [0] * consumers, [0] * consumers

    def consume(me: int) -> None:
        while True:
            try:
                item = q.get()
            except SHUT_DOWN:  # 3.13+: очередь закрыта и пуста
                return
            if item is SENTINEL:  # до 3.13: сторож
                return
            if wait:
                time.sleep(wait)  # «ответ сети»: GIL отпущен
            counts[me] += 1
            sums[me] += item

    pool = [threading.Thread(target=consume, args=(i,)) for i in range(consumers)]
    for t in pool:
        t.start()
    try:
        for i in range(items):
            q.put(i)
    finally:
        if use_shutdown:
            q.shutdown()  # get() отдаст оставшееся, потом выбросит ShutDown
        else:
            for _ in pool:
                q.put(SENTINEL)
        for t in pool:
            t.join()
    return counts, sum(sums)


# %%
# Сначала — что каждое задание обработано ровно один раз, обоими способами (на
# 3.11 и 3.12 — только сторожами). Потом замер: 1, 2, 4 и 8 потребителей, без
# работы и с ожиданием 1 мс на задание, по очереди (A B A B …).

CONSUMERS = [1, 2, 4, 8]
ITEMS_FREE = measure.scale(10_000, 2_000)  # заданий без ожидания
ITEMS_WAIT = measure.scale(300, 80)  # заданий с ожиданием 1 мс
WAIT = 0.001
REPEATS = measure.scale(5, 3)

print(machine.stamp())
for use_shutdown in [False, True] if HAS_SHUTDOWN else [False]:
    counts, total = produce_consume(4, 1_000, use_shutdown=use_shutdown)
    assert sum(counts) == 1_000 and total == sum(range(1_000)), (counts, total)
    how = "Queue.shutdown()" if use_shutdown else "сторожа"
    print(f"{how}: 4 потребителя взяли {counts}, всего {sum(counts)}")

cases = {
    "без работы": (ITEMS_FREE, 0.0),
    "ожидание 1 мс на задание": (ITEMS_WAIT, WAIT),
}
fns = {
    (case, c): (lambda items=items, wait=wait, c=c: produce_consume(c, items, wait))
    for case, (items, wait) in cases.items()
    for c in CONSUMERS
}
timings = measure.interleaved(fns, repeats=REPEATS)
for case, (items, _) in cases.items():
    print(f"{case} ({items:_} заданий):")
    for c in CONSUMERS:
        rate = items / timings[case, c].median
        print(f"  потребителей {c}: {timings[case, c]}; {rate:_.0f} заданий/с")

# %%
# График
# ------
#
# По вертикали — во сколько раз больше заданий в секунду проходит через очередь,
# чем с одним потребителем (сколько это в заданиях в секунду, напечатано выше).
# Пунктир — идеал для потребителей, которые ждут: каждый добавляет столько же,
# сколько первый.

fig, ax = plots.figure(height=4.4)
for ideal, case in enumerate(cases):
    series = [timings[case, c] for c in CONSUMERS]
    one = timings[case, 1].median
    plots.speedup(ax, CONSUMERS, {case: series}, baseline=one, ideal=bool(ideal))
ax.set_xlabel("число потребителей")
ax.set_ylabel("заданий в секунду, раз от одного потребителя")
ax.set_ylim(bottom=0)
plots.stamp(fig)
plt.show()

# %%
# Что проверяется
# ---------------

most = max(CONSUMERS)
waiting = timings["ожидание 1 мс на задание", 1].median
waiting /= timings["ожидание 1 мс на задание", most].median
claims.check(
    "waiting-consumers-scale",
    f"когда потребители ждут, {most} потребителей пропускают в разы больше одного",
    confirmed=waiting >= 3,
    evidence=f"×{waiting:.1f} при {most} потребителях",
    numbers={"speedup": waiting, "consumers": most},
    reason_if_not="машина была занята, и потоки просыпались с опозданием",
)
free = timings["без работы", 1].median / timings["без работы", most].median
if machine.gil_enabled():
    claims.check(
        "idle-consumers-no-faster",
        "когда потребители ничего не делают, новые потребители не ускоряют очередь",
        confirmed=free < 1.5,
        evidence=f"×{free:.2f} при {most} потребителях",
        numbers={"speedup": free, "consumers": most},
        reason_if_not="это неожиданно для сборки с GIL; повторите замер",
    )

# %%
# Что видно на графике
# --------------------
#
# **Линия с ожиданием** — то, ради чего очередь с потребителями и заводят: пока
# один потребитель ждёт, остальные работают, и пропускная способность растёт почти
# как пунктир. Ожидание отпускает GIL, так что это верно и на сборке с GIL; сколько
# у машины логических процессоров, здесь почти неважно.
#
# **Без работы** потребители ничего не ждут, и вся работа — это ``put`` и ``get``
# под блокировкой очереди. Лишние потребители не помогают: на сборке с GIL
# байт-код и так выполняется по одному потоку за раз, а очередь — одна общая
# блокировка, за которую соперничают все. Обычно эта линия даже опускается ниже
# единицы: потребителей нужно будить и усыплять, а это переключения потоков.
# Производитель при этом часто успевает заполнить очередь, пока потребители спят: у
# :class:`queue.Queue` без ``maxsize`` нет предела, и в строках выше видно, что
# без работы почти все задания может взять один потребитель.
#
# Что изменится на другой машине
# ------------------------------
#
# Линия с ожиданием почти не зависит от машины: её определяет время ожидания.
# Линия без работы зависит от процессора и версии Python, а на free-threaded
# сборке — и от числа логических процессоров, но очередь и там одна блокировка
# на всех. Если заданий много, а каждое короткое, раздавайте их пачками: одна
# операция с очередью на сто заданий вместо ста.
