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
# Функции лежат в модуле ``potok.races``. Вот главная из них — прибавление с
# вызовом посередине:
#
# .. code-block:: python
#
#     def add_read_call_write(counter, n):
#         for _ in range(n):
#             value = counter.value      # прочитали
#             nothing()                  # вызвали пустую функцию
#             counter.value = value + 1  # записали прочитанное + 1
#
# Вариант с блокировкой отличается одной строкой: тело цикла стоит под
# ``with lock:``. Функция ``races.lost_updates(kind, n)`` запускает два потока,
# дожидается, пока оба будут готовы (:class:`threading.Barrier`, чтобы потоки
# действительно работали одновременно, а не один после другого), и возвращает,
# сколько прибавлений не дошло до счётчика.

import statistics
import sys
import time

import matplotlib.pyplot as plt

from potok import machine, measure, plots, races

N = measure.scale(8_000, 3_000)  # прибавлений на поток за один прогон
RUNS = measure.scale(30, 8)  # прогонов на каждую точку графика
default_interval = sys.getswitchinterval()  # 5 мс, если его никто не менял
INTERVALS = sorted({1e-5, 1e-4, 5e-4, 2e-3, default_interval})  # секунды
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
# потока. Интервал меняется только на время измерения и потом возвращается.

lost = {kind: {} for kind in races.KINDS}
started = time.perf_counter()
try:
    for interval in INTERVALS:
        sys.setswitchinterval(interval)
        for kind in races.KINDS:
            lost[kind][interval] = [races.lost_updates(kind, N) for _ in range(RUNS)]
finally:
    sys.setswitchinterval(default_interval)
elapsed = time.perf_counter() - started

print(
    f"{'интервал':>10} | {'способ':<22} | прогонов с потерями "
    "| потеряно (медиана, макс)"
)
for interval in INTERVALS:
    for kind in races.KINDS:
        runs = lost[kind][interval]
        bitten = sum(x > 0 for x in runs)
        print(
            f"{interval * 1e3:>7g} мс | {LABELS[kind]:<22} | {bitten:>9} из {RUNS:<6} "
            f"| {statistics.median(runs):>8g}, {max(runs):_}"
        )
print(f"всё измерение заняло {elapsed:.1f} с")
alone = measure.repeat(lambda: races.add_read_call_write(races.Counter(), N), repeats=5)
print(f"{N:_} прибавлений в одном потоке, без соперника: {alone}")

# Блокировка не теряет ни одного обновления — на любой машине и любой сборке.
assert all(x == 0 for runs in lost["locked"].values() for x in runs), lost["locked"]

# %%
# График
# ------
#
# Слева — в какой доле прогонов потерялось хоть одно прибавление; справа — сколько
# их потерялось в каждом прогоне (каждая точка — один прогон).

fig, (left, right) = plots.figure(1, 2, width=10, height=4.5)
xs = [i * 1e3 for i in INTERVALS]
markers = {"read-call-write": "o", "in-place": "s", "locked": "^"}
for color, kind in zip(plots.PALETTE, races.KINDS, strict=False):
    share = [100 * sum(x > 0 for x in lost[kind][i]) / RUNS for i in INTERVALS]
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
    for k, interval in enumerate(INTERVALS):
        runs = lost[kind][interval]
        # небольшой сдвиг по x, чтобы точки разных способов не закрывали друг друга
        shift = 1 + 0.12 * (races.KINDS.index(kind) - 1)
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
# отдать GIL только в начале вызова функции и на переходе назад в цикле
# (изменение `bpo-29988 <https://github.com/python/cpython/issues/74174>`_), а
# внутри ``counter.value += 1`` — чтение, сложение, запись — таких точек нет. До
# 3.10 проверка шла перед большинством инструкций байт-кода, и та же строка
# теряла обновления: на Python 3.9 тот же эксперимент с ``+=`` даёт потери, а
# с 3.10 — нет (сам этот пример требует 3.10 или новее).
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
#
# С GIL и без него: измерено
# --------------------------
#
# Если на машине, где собирается страница, есть free-threaded сборка CPython
# (:pep:`703`), тот же эксперимент — те же функции ``potok.races``, те же ``N``,
# ``RUNS`` и интервалы переключения — выполняется **в ней**: дочерний процесс
# ``python -m potok.versions races`` возвращает потери каждого прогона в JSON.
# Сборку пример ищет в переменной окружения ``POTOK_EXTRA_PYTHONS`` и под
# известными именами в ``PATH``.

from dataclasses import replace

from potok import claims, versions

ft = versions.free_threaded()
if ft is None:
    print(
        "Free-threaded сборка не найдена: потери без GIL не измерены, сравнения "
        f"нет. Как её получить: {versions.HOW_TO_GET}."
    )
else:
    intervals = ",".join(repr(i) for i in INTERVALS)
    res = versions.run_part(
        ft.path, "races", "--n", N, "--runs", RUNS, "--intervals", intervals
    )
    lost_ft = {
        kind: {float(i): runs for i, runs in by_interval.items()}
        for kind, by_interval in res["lost"].items()
    }
    print(f"измерено на: {res['python']} ({ft.path})")
    print(
        f"{'интервал':>10} | {'способ':<22} | прогонов с потерями "
        "| потеряно (медиана, макс)"
    )
    for interval in INTERVALS:
        for kind in races.KINDS:
            runs = lost_ft[kind][interval]
            bitten = sum(x > 0 for x in runs)
            print(
                f"{interval * 1e3:>7g} мс | {LABELS[kind]:<22} | "
                f"{bitten:>9} из {RUNS:<6} "
                f"| {statistics.median(runs):>8g}, {max(runs):_}"
            )

    builds = {
        f"с GIL: {machine.python_build()}": lost,
        f"без GIL: {res['python']}": lost_ft,
    }
    fig, (left, right) = plots.figure(1, 2, width=10, height=4.2)
    rows = range(len(races.KINDS))
    width = 0.38
    for j, ((name, data), color) in enumerate(
        zip(builds.items(), (plots.PALETTE[0], plots.PALETTE[2]), strict=True)
    ):
        # все интервалы вместе: доля прогонов с потерями и средняя потеря
        every_run = {
            kind: [x for runs in data[kind].values() for x in runs]
            for kind in races.KINDS
        }
        share = [
            100 * sum(x > 0 for x in every_run[k]) / len(every_run[k])
            for k in races.KINDS
        ]
        mean = [statistics.fmean(every_run[k]) for k in races.KINDS]
        pos = [r + (j - 0.5) * width for r in rows]
        left.barh(pos, share, height=width, color=color, label=name)
        right.barh(pos, mean, height=width, color=color, label=name)
    for ax in (left, right):
        ax.set_yticks(rows, [LABELS[k] for k in races.KINDS])
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
    right.set_yticks(rows, [""] * len(races.KINDS))
    left.set_xlim(0, 105)
    left.set_xlabel("прогонов с потерями, % (все интервалы)")
    left.set_title("Как часто теряются обновления")
    right.set_xlabel(f"потеряно за прогон из {2 * N:_}, в среднем")
    right.set_title("Сколько теряется")
    left.legend(loc="lower right", fontsize=8)
    both = f"с GIL: {machine.python_build()}; без GIL: {res['python']}"
    plots.stamp(fig, replace(machine.Stamp(**res["stamp"]), python=both))
    plt.show()

    locked = [runs for data in builds.values() for runs in data["locked"].values()]
    claims.check(
        "с threading.Lock не теряется ни одного обновления — ни с GIL, ни без него",
        confirmed=all(x == 0 for runs in locked for x in runs),
        evidence=f"потеряно: {sum(sum(r) for r in locked)} в {len(locked) * RUNS} "
        "прогонах на обеих сборках",
        reason_if_not="ошибка в блокировке или в интерпретаторе: так быть не должно",
    )
    in_place = [x for runs in lost_ft["in-place"].values() for x in runs]
    if res["gil_enabled"]:
        print(
            "В дочернем процессе free-threaded сборки GIL оказался включён "
            "(sys._is_gil_enabled() вернула True): утверждение о работе без GIL "
            "не проверялось."
        )
    else:
        claims.check(
            "без GIL теряет обновления и counter.value += 1",
            confirmed=any(x > 0 for x in in_place),
            evidence=f"прогонов с потерями: {sum(x > 0 for x in in_place)} из "
            f"{len(in_place)}",
            reason_if_not=(
                "процессу доступен один логический процессор: потоки не "
                "работали одновременно"
                if machine.usable_cpus() < 2
                else "машину делили с другими программами: второе ядро было "
                "занято, и потоки выполнялись по очереди, а не одновременно"
            ),
        )

# %%
# Ищите на графике зелёные полосы (сборка без GIL) рядом с синими (с GIL).
# Без GIL два потока выполняют прибавления по-настоящему одновременно, на двух
# ядрах, поэтому гонке не нужна точка переключения: теряет и
# строка ``counter.value += 1``, которая на сборке с GIL почти никогда ничего не
# теряет.
# Блокировка — и только она — даёт ноль потерь на обеих сборках; это проверяет
# утверждение выше. Если зелёные полосы у нуля, посмотрите на штамп и на
# вердикт утверждения: без второго свободного ядра потоки и без GIL выполняются
# по очереди, и гонка проявляется так же редко, как с GIL.
