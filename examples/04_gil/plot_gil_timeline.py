"""
Два потока и общий счётчик: кто и когда работает
=================================================

Первый листинг заметок: два потока по очереди увеличивают общий счётчик
``counter``. В конспекте по выводу видно, что потоки «выполнялись по очереди»,
а вся программа шла дольше, чем те же два вызова подряд.

Здесь тот же код, исправленный и измеренный:

* в конспекте в конце печатается неопределённая переменная ``c`` (``NameError``) —
  имелся в виду ``counter``;
* время измеряется ``time.perf_counter`` с прогревом и повторами, а не один раз
  ``time.time``;
* вместо двух отметок «начал–закончил» каждый поток часто записывает, который сейчас
  час, и по этим отметкам видно, когда он на самом деле работал.
"""

# %%
# Работа и её масштаб
# -------------------
#
# Функция ``work`` — цикл из заметок. Если ей передать список ``ticks``, она раз в
# ``every`` итераций добавляет туда текущее время: так строится временная шкала.
# В конспекте было 5 000 000 итераций на поток; здесь по умолчанию 2 000 000, чтобы
# пример укладывался в несколько секунд, а переменная
# окружения ``POTOK_QUICK=1`` уменьшает масштаб ещё сильнее для тестов. На выводы
# число итераций не влияет.

import sys
import threading
import time

import matplotlib.pyplot as plt

from potok import machine, measure, plots

N = measure.scale(2_000_000, 200_000)
REPEATS = measure.scale(5, 3)

counter = 0


def work(n, ticks=None, every=1000):
    global counter
    for i in range(n):
        counter += 1
        if ticks is not None and i % every == 0:
            ticks.append(time.perf_counter())


def sequential():
    work(N)
    work(N)


def two_threads():
    threads = [threading.Thread(target=work, args=(N,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


print(machine.stamp())
print(
    f"итераций на поток: {N:_}; переключение потоков: раз в "
    f"{sys.getswitchinterval() * 1e3:g} мс (sys.getswitchinterval)"
)

# %%
# Последовательно и в двух потоках
# --------------------------------
#
# Одинаковая работа — ``2 × N`` прибавлений — сначала двумя вызовами подряд, потом
# в двух потоках. Каждый вариант запускается один раз вхолостую (прогрев) и
# несколько раз с замером; печатаются медиана, минимум и максимум.

timings = {}
for name, fn in [("последовательно", sequential), ("два потока", two_threads)]:
    counter = 0
    timings[name] = measure.repeat(fn, repeats=REPEATS, warmup=1)
    expected = 2 * N * (REPEATS + 1)
    print(f"{name:>16}: {timings[name]}; счётчик {counter:_} из {expected:_}")

ratio = timings["два потока"].median / timings["последовательно"].median
print(f"два потока / последовательно: {ratio:.2f}")

# %%
# На сборке с GIL отношение близко к единице: второй поток не добавляет ни одного
# ядра, потому что байт-код в каждый момент выполняет только один поток. В конспекте
# потоки оказались почти в восемь раз медленнее (10 с против 1,3 с); на современных
# CPython такой разницы нет — сравните с числом выше. На free-threaded сборке
# (``python3.14t``) потоки идут на разных ядрах одновременно.
#
# Посмотрите и на счётчик: на сборке с GIL он, скорее всего, сошёлся, хотя
# ``counter += 1`` не атомарна. Это не заслуга GIL, а следствие того, где
# интерпретатор позволяет переключить поток (см. главу :doc:`/chapters/04-gil`).
#
# Кто когда работает
# ------------------
#
# Теперь те же два потока, но каждый записывает время примерно каждые ``every``
# итераций. Полоса на графике — отрезок, где отметки одного потока шли часто, то
# есть поток выполнялся; разрыв — поток ждал GIL.

timeline = measure.Timeline()
every = max(N // 4000, 1)
threads = [
    threading.Thread(target=work, args=(N, timeline.track(name), every))
    for name in ("поток A", "поток B")
]
for t in threads:
    t.start()
for t in threads:
    t.join()

spans = timeline.spans()
for name, intervals in spans.items():
    busy = sum(b - a for a, b in intervals)
    print(f"{name}: отрезков работы {len(intervals)}, суммарно {busy:.3f} с")

# Та же работа подряд в одном потоке — второй листинг заметок — с теми же
# отметками времени.
in_turn = measure.Timeline()
for name in ("вызов 1", "вызов 2"):
    work(N, in_turn.track(name), every)


def total(tl):
    return max(b for spans in tl.spans().values() for _, b in spans)


print(f"два потока: вся работа заняла {total(timeline):.3f} с")
print(f"подряд:     вся работа заняла {total(in_turn):.3f} с")

fig, (top, bottom) = plots.figure(2, 1, height=4.6)
plots.timeline(top, timeline)
plots.timeline(bottom, in_turn)
right = max(total(timeline), total(in_turn)) * 1.02
for ax in (top, bottom):
    ax.set_xlim(0, right)
top.set_xlabel("")
top.set_title("Два потока, занятые вычислениями, по очереди владеют GIL")
bottom.set_title("Та же работа подряд в одном потоке (второй листинг заметок)")
plots.stamp(fig)
plt.show()

# %%
# На верхней шкале полосы двух потоков почти не перекрываются: потоки сменяют
# друг друга, а не работают одновременно. Длина одного отрезка — порядка
# интервала переключения (``sys.getswitchinterval()``, по умолчанию 5 мс):
# столько поток держит GIL, пока другой не попросит его отдать. Число отрезков и
# их длины напечатаны над графиком.
#
# На нижней шкале та же работа идёт двумя сплошными отрезками, один за другим.
# Сравните, где кончаются обе шкалы (обе длительности напечатаны над графиком): на
# сборке с GIL два потока заканчивают примерно тогда же, когда и вызовы подряд, —
# чередование не добавляет ядер, а лишь нарезает ту же работу на куски. Если и
# на нижней шкале полосы прерываются, а на верхней есть места, где не работает
# ни один поток, — это уже не GIL: процесс ждал ядро у планировщика ОС, потому
# что машину, собиравшую страницу, делили с другими программами.
#
# На free-threaded сборке полосы шли бы параллельно на всю длину, а на машине с
# одним ядром чередование было бы видно и без GIL — его решал бы планировщик ОС.
# Это можно не только представить, но и измерить — следующий раздел.
#
# Те же два потока без GIL
# ------------------------
#
# Если на машине, где собирается страница, есть free-threaded сборка CPython
# (:pep:`703`, ``python3.13t``, ``python3.14t``), те же два потока с той же
# функцией, тем же ``N`` и тем же шагом отметок запускаются **в ней**: дочерний
# процесс ``python -m potok.versions timeline`` выполняет их и возвращает
# отметки времени в JSON, а пример рисует их так же, как выше. Сборку пример
# ищет там же, где пример «Python сегодня»: в переменной окружения
# ``POTOK_EXTRA_PYTHONS`` и под известными именами в ``PATH``.

from dataclasses import replace

from potok import claims, versions

ft = versions.free_threaded()
if ft is None:
    print(
        "Free-threaded сборка не найдена: нижняя шкала без GIL не измерена и не "
        f"нарисована. Как её получить: {versions.HOW_TO_GET}."
    )
else:
    res = versions.run_part(ft.path, "timeline", "--n", N, "--every", every)
    no_gil = versions.timeline_from(res["ticks"])
    print(f"измерено на: {res['python']} ({ft.path})")
    for name, intervals in no_gil.spans().items():
        busy = sum(b - a for a, b in intervals)
        print(f"{name}: отрезков работы {len(intervals)}, суммарно {busy:.3f} с")
    print(f"два потока без GIL: вся работа заняла {total(no_gil):.3f} с")
    print(f"счётчик: {res['counter']:_} из {res['expected']:_}")
    print(f"занято ядер (время CPU / время): ×{res['cores']:.2f}")
    with_gil = versions.overlap(timeline.spans())
    without = versions.overlap(no_gil.spans())
    print(f"доля времени, когда работали оба потока: с GIL {with_gil:.0%}, ", end="")
    print(f"без GIL {without:.0%}")

    fig, (top, bottom) = plots.figure(2, 1, height=4.6)
    plots.timeline(top, timeline)
    plots.timeline(bottom, no_gil)
    right = max(total(timeline), total(no_gil)) * 1.02
    for ax in (top, bottom):
        ax.set_xlim(0, right)
    top.set_xlabel("")
    top.set_title(f"С GIL: {machine.python_build()}")
    bottom.set_title(f"Без GIL: {res['python']}")
    both = f"верхняя шкала: {machine.python_build()}; нижняя: {res['python']}"
    plots.stamp(fig, replace(machine.Stamp(**res["stamp"]), python=both))
    plt.show()

    claims.check(
        "с GIL два потока почти не работают одновременно",
        confirmed=with_gil < 0.2,
        evidence=f"оба потока работали {with_gil:.0%} своего времени",
        reason_if_not="это не сборка с GIL, или отметки слишком редки",
    )
    if res["gil_enabled"]:
        print(
            "В дочернем процессе free-threaded сборки GIL оказался включён "
            "(sys._is_gil_enabled() вернула True): нижняя шкала показывает работу "
            "с GIL, и утверждение о работе без GIL не проверялось."
        )
    else:
        claims.check(
            "без GIL два потока работают одновременно",
            confirmed=without > 0.5,
            evidence=f"оба потока работали {without:.0%} своего времени",
            reason_if_not=(
                "процессу доступен один логический процессор"
                if machine.usable_cpus() < 2
                else "машину делили с другими программами, и второе ядро было "
                f"занято (потоки заняли ×{res['cores']:.2f} ядра)"
                if res["cores"] < 1.5
                else f"потоки заняли ×{res['cores']:.2f} ядра, но задерживали "
                "друг друга, обновляя одну общую переменную counter"
            ),
        )

# %%
# Ищите на нижней шкале полосы, которые идут **одна над другой**: без GIL оба
# потока выполняют байт-код в одно и то же время, каждый на своём ядре, и вся
# работа кончается раньше, чем на верхней шкале (обе длительности напечатаны).
# Доля времени, когда работали оба потока, напечатана для обеих шкал. Посмотрите
# и на счётчик: без GIL ``counter += 1`` из двух потоков теряет обновления — об
# этом пример :ref:`sphx_glr_auto_examples_04_gil_plot_lost_updates.py`. Если
# полосы на нижней шкале всё же чередуются, сравните напечатанное число занятых
# ядер с числом логических процессоров в штампе: если потоки заняли около
# одного ядра, второе было занято чужой работой — машину, собиравшую страницу,
# делили с другими программами. Без GIL есть и своя цена у общей переменной:
# оба потока пишут в один и тот же ``counter``, и free-threaded сборка
# защищает его (словарь глобальных переменных модуля) собственной
# блокировкой (:pep:`703`), так что потоки задерживают друг друга. Имя интерпретатора,
# измерившего каждую шкалу, — в штампе под графиком.
