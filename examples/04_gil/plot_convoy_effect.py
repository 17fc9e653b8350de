"""
Эффект конвоя: поток ввода-вывода рядом с вычислениями
======================================================

Поток, который ждёт ввода-вывода, отпускает GIL — поэтому принято считать, что
потоки «хороши для I/O». Но когда ожидание кончилось, потоку нужно вернуть GIL,
чтобы выполнить хотя бы одну строку на Python. Если рядом работает поток, занятый
вычислениями, GIL у него, и отдаст он его не сразу, а только когда его об этом
попросят — через интервал переключения (:func:`sys.getswitchinterval`). Каждая
операция ввода-вывода платит эту задержку заново: быстрый поток «едет в конвое»
за медленным. Это описал Дэвид Бизли в 2010 году
(`bpo-7946 <https://bugs.python.org/issue7946>`_); в CPython это
поведение так и осталось.

Здесь поток ввода-вывода много раз подряд засыпает на короткое время
(:func:`time.sleep` отпускает GIL ровно так же, как ожидание ответа из сокета) и
записывает, **насколько позже** заказанного он снова начал выполнять код на
Python. Сначала он работает один, потом — рядом с потоком, который непрерывно
считает в цикле на чистом Python, при разных интервалах переключения.
"""

# %%
# Код
# ---
#
# Ниже — весь код измерения. ``nap_lateness`` — сам поток ввода-вывода: он
# ``naps`` раз засыпает на ``nap`` секунд и записывает, насколько позже
# заказанного снова выполнил строку на Python (неточность таймера ОС плюс
# ожидание GIL). ``spin`` — поток-вычислитель: арифметика на чистом Python, пока
# его не остановят; ничего не ждёт. ``lateness_beside`` запускает первый рядом с
# ``busy_threads`` вторыми и останавливает вторые, когда первый закончил.

# sphinx_gallery_tags = ["потоки", "процессы"]
import sys
import threading
import time

import matplotlib.pyplot as plt

from potok import claims, cpu, machine, measure, plots


def spin(stop):
    x = 0
    while not stop.is_set():
        for i in range(1000):
            x = (x + i * i) % 1_000_003


def nap_lateness(naps, nap):
    late = []
    for _ in range(naps):
        start = time.perf_counter()
        time.sleep(nap)  # отпускает GIL, как ожидание ответа из сокета
        late.append(time.perf_counter() - start - nap)
    return late


def lateness_beside(naps, nap, busy_threads):
    stop = threading.Event()
    late = []
    busy = [threading.Thread(target=spin, args=(stop,)) for _ in range(busy_threads)]
    io = threading.Thread(target=lambda: late.extend(nap_lateness(naps, nap)))
    for t in busy:
        t.start()
    try:
        io.start()
        io.join()
    finally:
        stop.set()
        for t in busy:
            t.join()
    return late


# %%
# Измерение
# ---------
#
# Сначала поток ввода-вывода работает один, потом — рядом с одним вычисляющим
# потоком при каждом интервале переключения из ``INTERVALS``. Интервал меняется
# только на время измерения и потом возвращается.

NAP = 1e-3  # секунды: столько поток ввода-вывода «ждёт сеть» за раз
NAPS = measure.scale(80, 15)  # сколько раз он это делает в каждой конфигурации
default_interval = sys.getswitchinterval()
INTERVALS = sorted({5e-4, 2e-3, default_interval, 2e-2})


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


print(machine.stamp())
print(f"заказанный сон: {NAP * 1e3:g} мс, раз: {NAPS}")

started = time.perf_counter()
samples = {"один": lateness_beside(NAPS, NAP, busy_threads=0)}
try:
    for interval in INTERVALS:
        sys.setswitchinterval(interval)
        label = f"с вычисляющим,\nинтервал {interval * 1e3:g} мс"
        # с длинным интервалом каждый сон дорог: берём меньше повторов
        naps = NAPS if interval < 1e-2 else max(NAPS // 2, 5)
        samples[label] = lateness_beside(naps, NAP, busy_threads=1)
finally:
    sys.setswitchinterval(default_interval)
print(f"измерение заняло {time.perf_counter() - started:.1f} с")

print(f"{'конфигурация':<36} | опоздание: медиана, 90-й и 99-й перцентили")
for label, values in samples.items():
    ms = [percentile(values, p) * 1e3 for p in (50, 90, 99)]
    name = label.replace("\n", " ")
    print(f"{name:<36} | {ms[0]:7.3f} мс, {ms[1]:7.3f} мс, {ms[2]:7.3f} мс")
print(cpu.machine_load())

medians = {label: percentile(values, 50) for label, values in samples.items()}
alone = medians.pop("один")
claims.check(
    "alone-wakes-on-time",
    "один поток просыпается почти вовремя: опоздание — доли миллисекунды",
    confirmed=alone < 1e-3,
    evidence=f"медиана опоздания {alone * 1e3:.3f} мс",
    numbers={"median_lateness_ms": alone * 1e3},
    reason_if_not="машина была занята: " + cpu.machine_load(),
)
if machine.gil_enabled():
    beside = dict(zip(INTERVALS, medians.values(), strict=True))
    numbers = {f"median_ms_at_{i * 1e3:g}ms": late * 1e3 for i, late in beside.items()}
    reached = [i for i, late in beside.items() if late >= 0.5 * i]
    claims.check(
        "late-beside-cpu-thread",
        "рядом с вычисляющим потоком опоздание вырастает до интервала переключения",
        confirmed=len(reached) == len(INTERVALS),
        evidence="; ".join(
            f"интервал {i * 1e3:g} мс → медиана {late * 1e3:.2f} мс"
            for i, late in beside.items()
        ),
        numbers=numbers,
        reason_if_not=(
            "вычисляющий поток сам ждал ядро у планировщика ОС, и GIL был "
            "свободен; " + cpu.machine_load()
        ),
    )
    claims.check(
        "late-follows-interval",
        "опоздание сдвигается вместе с интервалом переключения",
        confirmed=beside[max(INTERVALS)] > beside[min(INTERVALS)],
        evidence=(
            f"{beside[min(INTERVALS)] * 1e3:.2f} мс при {min(INTERVALS) * 1e3:g} мс, "
            f"{beside[max(INTERVALS)] * 1e3:.2f} мс при {max(INTERVALS) * 1e3:g} мс"
        ),
        numbers=numbers,
        reason_if_not="машина была занята: " + cpu.machine_load(),
    )
else:
    print(
        "Это сборка без GIL: утверждения об интервале переключения к ней не относятся."
    )

# %%
# График
# ------
#
# Каждая точка — один сон: насколько позже заказанного поток проснулся и снова
# смог выполнять Python (шкала логарифмическая). Чёрная черта — медиана, серый
# ромб — интервал переключения, с которым шла эта строка.

fig, ax = plots.figure(height=4.2)
# в миллисекундах; отрицательных опозданий не бывает, но на всякий случай не
# даём нулю сломать логарифмическую шкалу
in_ms = {k: [max(v * 1e3, 1e-3) for v in vs] for k, vs in samples.items()}
plots.distributions(ax, in_ms, unit="мс")
ax.set_xlabel("опоздание после сна, мс (чёрная черта — медиана)")
for row, interval in enumerate(INTERVALS, start=1):
    ax.plot(
        interval * 1e3,
        row,
        marker="D",
        markersize=9,
        color=plots.REFERENCE,
        markerfacecolor="none",
        label="интервал переключения" if row == 1 else None,
    )
ax.invert_yaxis()
ax.legend(loc="upper right")
ax.set_title("Проснувшийся поток ждёт, пока вычисляющий отдаст GIL")
plots.stamp(fig)
plt.show()

# %%
# Что видно на графике
# --------------------
#
# **Один** поток просыпается почти вовремя: опоздание — это только неточность
# таймера ОС и планировщика (доли миллисекунды; редкие выбросы — другие программы
# на той же машине).
#
# **С вычисляющим потоком** опоздание должно вырасти до интервала переключения
# (вердикты выше): основная масса точек каждой строки — у серого ромба или правее
# его, и она сдвигается вправо вместе с ромбом. Так работает GIL в CPython начиная
# с 3.2.
# Проснувшийся поток ждёт GIL целый интервал переключения; только тогда он просит
# вычисляющий поток отдать GIL, и тот отдаёт его в ближайшей точке проверки.
#
# Точки правее ромба — случаи, когда ОС на время сняла с ядра сам вычисляющий
# поток: GIL у него, и пока он не вернётся на ядро, просьбу отдать GIL выполнить
# некому. Точки левее ромба, рядом с опозданием одиночного потока, — обратный
# случай: в момент пробуждения GIL оказался свободен, потому что вычисляющий поток
# сам ещё ждал, когда ОС даст ему ядро. На загруженной машине (сравните среднюю
# загрузку, напечатанную выше, с числом логических процессоров) встречается и то,
# и другое; на свободной машине обоих хвостов меньше.
#
# Короткий интервал сокращает опоздание, но не убирает его: поток ввода-вывода
# по-прежнему ждёт GIL после каждой операции, только меньше. А вычисляющий поток
# отдаёт GIL чаще; во что ему обходятся лишние переключения, этот пример не
# измеряет.
#
# Что это значит на практике: сервер на потоках, в котором рядом с обработкой
# запросов работает что-то вычислительное на чистом Python, отвечает на каждый
# запрос с опозданием на интервал переключения — а если обработка запроса
# состоит из многих операций ввода-вывода, опоздание набегает на каждой.
# Лекарство — вынести вычисления в процесс
# (:class:`concurrent.futures.ProcessPoolExecutor`) или в код, отпускающий GIL.
#
# Что изменится на другой машине
# ------------------------------
#
# Больше ядер на сборке с GIL не помогают: свободное ядро есть, но выполнять
# Python без GIL поток ввода-вывода не может. Хуже того, поток, которого попросили
# отдать GIL, ждёт только, чтобы его взял *какой-нибудь* другой ожидающий поток, а
# не обязательно тот, кто просил (так описан этот механизм в комментарии в начале
# `Python/ceval_gil.c
# <https://github.com/python/cpython/blob/main/Python/ceval_gil.c>`_). Если
# вычисляющих потоков несколько, GIL может достаться другому вычисляющему, и потоку
# ввода-вывода придётся ждать ещё один интервал. На free-threaded сборке
# (``python3.14t``) ждать GIL не нужно: запустите пример на ней — при свободном
# ядре опоздания в строках «с вычисляющим» должны остаться близкими к строке
# «один». А на машине с одним ядром всё решает планировщик ОС.
