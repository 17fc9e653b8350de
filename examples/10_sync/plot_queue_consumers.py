"""
Производитель, потребители и queue.Queue
========================================

Один поток-производитель кладёт задания в :class:`queue.Queue`, несколько
потоков-потребителей их забирают. Очередь сама делает всю синхронизацию: внутри
у неё блокировка и две условные переменные («не пусто», «не полно»), и ни одно
задание не достанется двум потребителям и не потеряется.

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
# :meth:`~queue.Queue.put` бросает :exc:`queue.ShutDown`, а
# :meth:`~queue.Queue.get` сначала отдаёт оставшиеся задания, а когда очередь
# опустеет, тоже бросает :exc:`queue.ShutDown` — каждый потребитель выходит из
# цикла сам. До 3.13 так делают вручную: производитель кладёт в очередь по одному
# особому объекту-*сторожу* (sentinel) на каждого потребителя, и потребитель,
# получив сторожа, завершается. ``potok.sync.produce_consume`` выбирает
# ``shutdown()``, если он есть (``hasattr(queue.Queue, "shutdown")``), и сторожей
# иначе; цикл потребителя выглядит так:
#
# .. code-block:: python
#
#     while True:
#         try:
#             item = q.get()
#         except queue.ShutDown:   # 3.13+: очередь закрыта и пуста
#             return
#         if item is SENTINEL:     # до 3.13: сторож
#             return
#         handle(item)

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, sync

CONSUMERS = [1, 2, 4, 8]
ITEMS_FREE = measure.scale(10_000, 2_000)  # заданий без ожидания
ITEMS_WAIT = measure.scale(300, 80)  # заданий с ожиданием 1 мс
WAIT = 0.001
REPEATS = measure.scale(5, 3)

print(machine.stamp())
how = "Queue.shutdown()" if sync.HAS_SHUTDOWN else "сторожа (shutdown() нет до 3.13)"
print(f"конец работы сообщается так: {how}")

# каждое задание — ровно один раз, на любой версии, обоими способами
ways = [False, True] if sync.HAS_SHUTDOWN else [False]
for use_shutdown in ways:
    got = sync.produce_consume(4, 1_000, use_shutdown=use_shutdown)
    assert got.items == 1_000 and got.total == sum(range(1_000)), got
    print(f"{got.ended_by}: 4 потребителя взяли {got.per_consumer}, всего {got.items}")

cases = {
    "без работы": (ITEMS_FREE, 0.0),
    "ожидание 1 мс на задание": (ITEMS_WAIT, WAIT),
}
fns = {
    (case, c): (
        lambda items=items, wait=wait, c=c: sync.produce_consume(c, items, wait)
    )
    for case, (items, wait) in cases.items()
    for c in CONSUMERS
}
timings = measure.interleaved(fns, repeats=REPEATS)
rate = {
    key: cases[key[0]][0] / t.median  # заданий в секунду
    for key, t in timings.items()
}
for case, (items, _) in cases.items():
    print(f"{case} ({items:_} заданий):")
    for c in CONSUMERS:
        print(f"  потребителей {c}: {timings[case, c]}; {rate[case, c]:_.0f} заданий/с")

# %%
# График
# ------
#
# Две панели, потому что масштабы разные: слева — сама очередь, справа —
# потребители, которые ждут. Пунктир справа — идеал: каждый потребитель добавляет
# ещё 1000 заданий в секунду (одно задание в миллисекунду).

fig, (left, right) = plots.figure(1, 2, width=10, height=4.2)
for ax, (color, case) in zip((left, right), enumerate(cases), strict=True):
    items = cases[case][0]
    med = [rate[case, c] for c in CONSUMERS]
    lo = [m - items / timings[case, c].max for m, c in zip(med, CONSUMERS, strict=True)]
    hi = [items / timings[case, c].min - m for m, c in zip(med, CONSUMERS, strict=True)]
    ax.errorbar(
        CONSUMERS, med, yerr=[lo, hi], marker="o", capsize=3, color=plots.PALETTE[color]
    )
    ax.set_xticks(CONSUMERS)
    ax.set_xlabel("число потребителей")
    ax.set_ylabel("пропускная способность, заданий/с")
    ax.set_ylim(bottom=0)
    ax.set_title(case)
right.plot(
    CONSUMERS,
    [c / WAIT for c in CONSUMERS],
    linestyle="--",
    color=plots.REFERENCE,
    label="идеал: N / 1 мс",
)
right.legend()
plots.stamp(fig)
plt.show()

# %%
# Что проверяется
# ---------------

most = max(CONSUMERS)
waiting = rate["ожидание 1 мс на задание", most] / rate["ожидание 1 мс на задание", 1]
claims.check(
    f"когда потребители ждут, {most} потребителей пропускают в разы больше одного",
    confirmed=waiting >= 3,
    evidence=f"×{waiting:.1f} при {most} потребителях",
    reason_if_not="машина была занята, и потоки просыпались с опозданием",
)
free = rate["без работы", most] / rate["без работы", 1]
if machine.gil_enabled():
    claims.check(
        "когда потребители ничего не делают, новые потребители не ускоряют очередь",
        confirmed=free < 1.5,
        evidence=f"×{free:.2f} при {most} потребителях",
        reason_if_not="это неожиданно для сборки с GIL; повторите замер",
    )

# %%
# Что видно на графике
# --------------------
#
# **Справа** — то, ради чего очередь с потребителями и заводят: пока один
# потребитель ждёт, остальные работают, и пропускная способность растёт почти
# как пунктир. Ожидание отпускает GIL, так что это верно и на сборке с GIL; сколько
# ядер у машины, здесь почти неважно.
#
# **Слева** потребители ничего не ждут, и вся работа — это ``put`` и ``get``
# под блокировкой очереди. Лишние потребители не помогают: на сборке с GIL
# байт-код и так выполняется по одному потоку за раз, а очередь — одна общая
# блокировка, за которую соперничают все. Обычно линия слева даже опускается:
# потребителей нужно будить и усыплять, а это переключения потоков. Производитель
# при этом часто успевает заполнить очередь, пока потребители спят: у
# :class:`queue.Queue` без ``maxsize`` нет предела, и в строках выше видно, что
# без работы почти все задания может взять один потребитель.
#
# Что изменится на другой машине
# ------------------------------
#
# Правая панель почти не зависит от машины: её определяет время ожидания. Левая
# зависит от процессора и версии Python, а на free-threaded сборке — и от числа
# ядер, но очередь и там одна блокировка на всех. Если заданий много, а каждое
# короткое, раздавайте их пачками: одна операция с очередью на сто заданий вместо
# ста.
