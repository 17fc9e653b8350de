"""
GIL не защищает ваши данные: потерянные обновления
===================================================

Два потока по ``N`` раз прибавляют единицу к общему счётчику. Если бы каждое
прибавление выполнялось целиком, в конце счётчик был бы равен ``2 × N``. Здесь мы
считаем, сколько прибавлений **потерялось**, — за много прогонов, при разных
интервалах переключения потоков (:func:`sys.setswitchinterval`) и тремя способами:

* **чтение, вызов, запись** — прочитать значение, вызвать пустую функцию, записать
  прочитанное плюс один. Это настоящее состояние гонки: никакого ``sleep``, который
  подстроил бы результат, только обычный вызов функции между чтением и записью;
* **counter.value += 1** — то же прибавление одной строкой, как в конспекте (там
  ``counter += 1`` с глобальной переменной; для GIL разницы нет);
* **с threading.Lock** — чтение, вызов и запись под блокировкой.
"""

# %%
# Код
# ---
#
# Ниже — весь код. Главное в нём — ``add_read_call_write``, прибавление с вызовом
# посередине. Вариант с блокировкой, ``add_locked``, отличается одной строкой:
# тело цикла стоит под ``with lock:``. ``lost_updates(kind, n)`` запускает два
# потока, дожидается, пока оба будут готовы (:class:`threading.Barrier`, чтобы
# потоки действительно работали одновременно, а не один после другого), и
# возвращает, сколько прибавлений не дошло до счётчика; ``lost_by_interval``
# повторяет это для каждого способа и интервала переключения.
#
# .. literalinclude:: _lost_updates.py
#
# :download:`_lost_updates.py`
#
# Тот же модуль выполняют другие интерпретаторы в примере
# :ref:`sphx_glr_auto_examples_04_gil_plot_lost_updates_without_gil.py`, поэтому
# он лежит рядом с примером, а не в нём самом.

# sphinx_gallery_tags = ["потоки"]
import statistics
import sys
import time

import _lost_updates
import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots

N = measure.scale(8_000, 3_000)  # прибавлений на поток за один прогон
RUNS = measure.scale(30, 8)  # прогонов на каждую точку графика
default_interval = sys.getswitchinterval()  # 5 мс, если его никто не менял
INTERVALS = sorted({1e-5, 1e-4, 5e-4, 2e-3, default_interval})  # секунды
KINDS = _lost_updates.KINDS
LABELS = {
    "read-call-write": "чтение, вызов, запись",
    "in-place": "counter.value += 1",
    "locked": "с threading.Lock",
}

print(machine.stamp())
print(f"прибавлений на поток: {N:_}; прогонов на точку: {RUNS}")

# %%
# Измерение
# ---------
#
# Для каждого интервала переключения и каждого способа — ``RUNS`` прогонов по два
# потока.

started = time.perf_counter()
lost = _lost_updates.lost_by_interval(N, RUNS, INTERVALS)["lost"]
elapsed = time.perf_counter() - started

print(
    f"{'интервал':>10} | {'способ':<22} | прогонов с потерями "
    "| потеряно (медиана, макс)"
)
for k, interval in enumerate(INTERVALS):
    for kind in KINDS:
        runs = lost[kind][k]
        print(
            f"{interval * 1e3:>7g} мс | {LABELS[kind]:<22} | "
            f"{sum(x > 0 for x in runs):>9} из {RUNS:<6} "
            f"| {statistics.median(runs):>8g}, {max(runs):_}"
        )
print(f"всё измерение заняло {elapsed:.1f} с")
alone = measure.repeat(
    lambda: _lost_updates.add_read_call_write(_lost_updates.Counter(), N), repeats=5
)
print(f"{N:_} прибавлений в одном потоке, без соперника: {alone}")

# Блокировка не теряет ни одного обновления — на любой машине и любой сборке.
assert all(x == 0 for runs in lost["locked"] for x in runs), lost["locked"]

shortest = lost["read-call-write"][0]
claims.check(
    "read-call-write-loses",
    "с вызовом между чтением и записью обновления теряются",
    confirmed=any(x > 0 for x in shortest),
    evidence=f"при интервале {INTERVALS[0] * 1e3:g} мс прогонов с потерями: "
    f"{sum(x > 0 for x in shortest)} из {RUNS}",
    numbers={"runs_with_losses": sum(x > 0 for x in shortest), "runs": RUNS},
    reason_if_not="потоки не пересеклись: машина была занята другими программами",
)
if machine.gil_enabled():
    in_place = [x for runs in lost["in-place"] for x in runs]
    bitten = sum(x > 0 for x in in_place)
    claims.check(
        "gil-in-place-rarely-loses",
        "с GIL строка counter.value += 1 почти никогда ничего не теряет",
        confirmed=bitten <= 0.05 * len(in_place),
        evidence=f"прогонов с потерями: {bitten} из {len(in_place)}",
        numbers={"runs_with_losses": bitten, "runs": len(in_place)},
        reason_if_not="в этой версии CPython внутри строки нашлась точка, где "
        "поток отдаёт GIL",
    )

# %%
# График
# ------
#
# Слева — в какой доле прогонов потерялось хоть одно прибавление; справа — сколько
# их потерялось в каждом прогоне (каждая точка — один прогон).

fig, (left, right) = plots.figure(1, 2, width=10, height=4.5)
xs = [i * 1e3 for i in INTERVALS]
markers = {"read-call-write": "o", "in-place": "s", "locked": "^"}
for color, kind in zip(plots.PALETTE, KINDS, strict=False):
    share = [100 * sum(x > 0 for x in runs) / RUNS for runs in lost[kind]]
    hollow = kind == "in-place"  # пустые квадраты видны из-под треугольников
    left.plot(
        xs,
        share,
        marker=markers[kind],
        markersize=10 if hollow else 6,
        markerfacecolor="none" if hollow else color,
        color=color,
        label=LABELS[kind],
    )
    for k, runs in enumerate(lost[kind]):
        # небольшой сдвиг по x, чтобы точки разных способов не закрывали друг друга
        shift = 1 + 0.12 * (KINDS.index(kind) - 1)
        right.scatter(
            [xs[k] * shift] * len(runs),
            runs,
            s=12,
            alpha=0.5,
            color=color,
            marker=markers[kind],
            label=LABELS[kind] if k == 0 else None,
        )
for ax in (left, right):
    ax.set_xscale("log")
    ax.set_xticks(xs, [f"{x:g}" for x in xs])
    ax.minorticks_off()
    ax.set_xlabel("интервал переключения, мс (sys.setswitchinterval)")
    ax.axvline(
        default_interval * 1e3, color=plots.REFERENCE, linestyle=":", linewidth=1
    )
left.set_ylabel("прогонов с потерями, %")
left.set_ylim(-5, 105)
left.set_title("Как часто гонка проявляется")
left.legend()
right.set_ylabel(f"потеряно прибавлений из {2 * N:_}")
right.set_title("Сколько теряется за прогон")
right.axhline(0, color=plots.REFERENCE, linewidth=0.8)
plots.stamp(fig)
plt.show()

# %%
# Что видно на графике
# --------------------
#
# Пунктир — интервал переключения по умолчанию (5 мс).
#
# **Чтение, вызов, запись** теряет обновления — и тем чаще, чем короче интервал
# переключения. Поток, которого попросили отдать GIL, делает это в ближайшей точке
# проверки, а вызов функции — как раз такая точка. Если она пришлась между чтением
# и записью, поток засыпает с устаревшим значением в руках. Пока он ждёт, второй
# поток успевает прибавить много раз, а первый, проснувшись, записывает своё
# «прочитанное плюс один» поверх — и всё сделанное вторым потоком пропадает. Поэтому
# потери на правом графике не единичные, а исчисляются тысячами: одна запись
# устаревшего значения стирает всё, что другой поток успел сделать за это время.
#
# При интервале по умолчанию гонка проявляется редко. Сравните с ним время, за
# которое один поток делает свои ``N`` прибавлений (оно напечатано выше). Если
# это время короче интервала, второй поток, ожидая GIL, не успевает попросить его
# раньше, чем первый закончит: потоки работают по очереди целиком, и менять
# значение посередине некому. С длинным интервалом и короткой работой ошибка
# может месяцами не показываться в тестах — и проявиться под нагрузкой.
#
# **counter.value += 1** на сборке с GIL (Python 3.10 и новее) почти никогда
# ничего не теряет. Это не заслуга GIL: начиная с 3.10 CPython проверяет просьбу
# отдать GIL только при вызовах функций и на переходах назад в цикле
# (изменение `bpo-29988 <https://github.com/python/cpython/issues/74174>`_, PR
# `#18334 <https://github.com/python/cpython/pull/18334>`_), а внутри
# ``counter.value += 1`` — чтение, сложение, запись — таких точек нет. До 3.10
# проверка шла перед большинством инструкций байт-кода, в том числе между чтением
# и записью, и та же строка теряла обновления. Сам пример, как и весь сайт, требует
# Python 3.11 или новее, но функция ``lost_updates`` из ``_lost_updates.py``
# обходится без ``potok``, и проверить это можно самому — в папке с этим модулем:
#
# .. code-block:: sh
#
#    python3.9 -c "import _lost_updates as m; print(m.lost_updates('in-place', 10**5))"
#
# Она печатает, сколько из ``2 × 10**5`` прибавлений потерялось: на 3.9 ищите
# ненулевое число, на 3.10 и новее — почти всегда ноль.
#
# Отсюда и пометка в конспекте «ПОТЕСТИТЬ КОД тк не получается data raise»
# (имелась в виду data race — гонка данных): на современном CPython с GIL гонку
# на простом коде поймать трудно. Код, в котором несколько потоков без
# блокировки делают ``counter += 1``, неправилен, но ошибка не проявляется.
# Стоит добавить между чтением и записью вызов — логирование, обращение к
# свойству, вызов метода — или запустить код на free-threaded сборке, и она
# проявится.
#
# **С threading.Lock** потерь нет ни в одном прогоне — это проверяет ``assert``
# выше, и проверка выполняется при каждой сборке сайта.
#
# Что изменится на другой машине
# ------------------------------
#
# На сборке с GIL число ядер почти ничего не меняет: байт-код в каждый момент
# выполняет только один поток, и гонку создают переключения, а не параллельная
# работа. На **free-threaded** сборке (``python3.14t``) потоки выполняются на
# разных ядрах по-настоящему одновременно: теряет и ``counter.value += 1``, причём
# независимо от интервала переключения, и тем сильнее, чем больше потоков и ядер.
# Блокировка остаётся правильным решением везде.
# Так ли это, измеряет пример
# :ref:`sphx_glr_auto_examples_04_gil_plot_lost_updates_without_gil.py`: тот же
# эксперимент в сборке с GIL и в free-threaded сборке.
