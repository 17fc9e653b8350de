"""
Кеши существуют: время доступа к памяти и размер данных
=======================================================

Между ядром и оперативной памятью стоят кеши: маленький и очень быстрый L1 у
каждого ядра, побольше и помедленнее L2, ещё больше L3 — обычно общий для
нескольких ядер. Пока данные, с которыми работает программа (её **рабочий
набор**), помещаются в кеш, чтение быстрое; как только перестают — каждое чтение
идёт уровнем ниже, и время доступа растёт ступенькой.

Здесь мы читаем массив в случайном порядке, увеличивая его размер от нескольких
килобайт до сотни мегабайт, и измеряем среднее время одного чтения. На график
нанесены размеры кешей этой машины — так, как их сообщает ОС.
"""

# %%
# Какие кеши у этой машины
# ------------------------
#
# На Linux размеры лежат в ``/sys/devices/system/cpu/cpu0/cache/index*/``: в каждом
# каталоге — файлы ``level``, ``type``, ``size`` (``"32K"``) и ``shared_cpu_list``
# (какие CPU делят этот кеш). Если их там нет, пробуем :func:`os.sysconf` (glibc знает
# имена ``SC_LEVEL1_DCACHE_SIZE`` и соседние). Кеши команд (Instruction) пропускаем:
# данные через них не идут.

import os
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from potok import claims, cpu, machine, measure, plots

SYSFS = Path("/sys/devices/system/cpu/cpu0/cache")
UNITS = {"K": 1024, "M": 1024**2, "G": 1024**3}


def data_caches():
    """{"L1": (размер в байтах, кто его делит, откуда известно), ...}"""
    found = {}
    for index in sorted(SYSFS.glob("index[0-9]*")):
        try:
            kind, level, size = (
                (index / name).read_text().strip() for name in ("type", "level", "size")
            )
        except OSError:
            continue
        shared = index / "shared_cpu_list"
        shared = shared.read_text().strip() if shared.exists() else ""
        size = int(size[:-1]) * UNITS[size[-1]] if size[-1] in UNITS else int(size)
        if kind != "Instruction":
            found[f"L{level}"] = (size, shared, str(index))
    if not found and hasattr(os, "sysconf_names"):  # нет /sys: спросим glibc
        for level, d in ((1, "D"), (2, ""), (3, "")):
            name = f"SC_LEVEL{level}_{d}CACHE_SIZE"
            if name in os.sysconf_names and os.sysconf(name) > 0:
                found[f"L{level}"] = (os.sysconf(name), "", "os.sysconf")
    return found


print(machine.stamp())
levels = data_caches()
for name, (size, shared, source) in levels.items():
    shared = f", общий для CPU {shared}" if shared else ""
    print(f"{name}: {size // 1024:_} КиБ{shared}; источник: {source}")
if not levels:
    print("ОС не сообщила размеров кешей: на графике они не отмечены")

# %%
# Как измеряем
# ------------
#
# Цикл на чистом Python тратит на каждый шаг десятки наносекунд на сам интерпретатор —
# это больше, чем разница между L1 и L2. Поэтому чтение делает NumPy:
# ``np.take(data, indices, out=out)`` читает элементы ``data`` по списку индексов без
# интерпретатора между ними. Ниже — весь код замера.
#
# Индексы выбраны так, чтобы кеш нельзя было обмануть:
#
# * каждый индекс указывает на **отдельную строку кеша** (64 байта, восемь
#   чисел ``int64``), так что соседние чтения не попадают в уже загруженную строку;
# * строки идут в **случайном порядке**: аппаратная предвыборка (prefetch), которая
#   угадывает следующий адрес при последовательном проходе и заранее подтягивает
#   его в кеш, здесь угадать ничего не может.
#
# Для сравнения тот же объём чтений делается и **подряд** — элемент за элементом.
# Число чтений в каждой точке одно и то же, меняется только размер области, по которой
# они разбросаны; для каждого размера массив создаётся заново, как его создала бы
# программа с таким рабочим набором.
#
# Время — процессорное время потока (:func:`time.thread_time`), а не время по часам:
# на машине, которую делят несколько программ, часы считают и те промежутки, когда ОС
# отдала ядро кому-то другому. Каждая точка — медиана нескольких повторов, черта — от
# минимума до максимума.

LINE = 64  # байт в строке кеша
SMALLEST = 4 * 1024
LARGEST = measure.scale(128 * 1024**2, 16 * 1024**2)
PER_OCTAVE = measure.scale(2, 1)  # точек на каждое удвоение размера
ACCESSES = measure.scale(1 << 19, 1 << 16)  # чтений на одно измерение
REPEATS = measure.scale(5, 3)
CLOCK = time.thread_time
if time.get_clock_info("thread_time").resolution > 1e-6:  # грубый, как на Windows
    CLOCK = time.perf_counter


def seconds_per_read(size, *, random):
    data = np.ones(size // 8, dtype=np.int64)
    if random:  # начало случайной строки кеша
        rng = np.random.default_rng(size)
        indices = rng.integers(0, size // LINE, ACCESSES, dtype=np.intp) * (LINE // 8)
    else:  # элемент за элементом, по кругу
        indices = np.arange(ACCESSES, dtype=np.intp) % (size // 8)
    out = np.empty(ACCESSES, dtype=np.int64)
    np.take(data, indices, out=out)  # прогрев
    samples = []
    for _ in range(REPEATS):
        start = CLOCK()
        np.take(data, indices, out=out)
        samples.append((CLOCK() - start) / ACCESSES)
    return measure.Timing(tuple(samples))


octaves = (LARGEST // SMALLEST).bit_length() - 1
steps = range(octaves * PER_OCTAVE + 1)
sizes = sorted({int(SMALLEST * 2 ** (k / PER_OCTAVE)) // LINE * LINE for k in steps})
timings = {"в случайном порядке": [], "подряд": []}
for size in sizes:
    timings["в случайном порядке"].append(seconds_per_read(size, random=True))
    timings["подряд"].append(seconds_per_read(size, random=False))

random_ns = [t.median * 1e9 for t in timings["в случайном порядке"]]
in_order_ns = [t.median * 1e9 for t in timings["подряд"]]
for size, ns in zip(sizes, random_ns, strict=True):
    print(f"{size // 1024:>9_} КиБ: {ns:6.2f} нс на чтение")

# Где кривая прошла половину пути от нижнего плато до верхнего — там крутая ступенька;
# рядом печатается размер L3, который сообщила ОС.
halfway = (random_ns[0] + max(random_ns)) / 2
step = next(s for s, ns in zip(sizes, random_ns, strict=True) if ns >= halfway)
l3 = f"; L3 по данным ОС — {levels['L3'][0] // 1024:_} КиБ" if "L3" in levels else ""
print(f"половина подъёма пройдена на {step // 1024:_} КиБ{l3}")
growth = random_ns[-1] / random_ns[0]
claims.check(
    "random-reads-slower-when-large",
    "чтение в случайном порядке из большого набора намного дороже, чем из "
    "маленького, который помещается в кеш",
    confirmed=growth > 2,
    evidence=(
        f"{random_ns[0]:.2f} нс на {sizes[0] // 1024:_} КиБ, {random_ns[-1]:.2f} нс "
        f"на {sizes[-1] // 1024:_} КиБ: ×{growth:.1f}"
    ),
    numbers={"small_ns": random_ns[0], "large_ns": random_ns[-1], "growth": growth},
    reason_if_not=(
        "на быстром масштабе самый большой набор мог ещё поместиться в кеш; "
        + cpu.machine_load()
    ),
)
in_order, scattered = in_order_ns[-1], random_ns[-1]
claims.check(
    "in-order-faster-than-random",
    "на большом наборе чтение подряд во много раз быстрее чтения в случайном порядке",
    confirmed=scattered / in_order > 2,
    evidence=(
        f"{in_order:.2f} нс подряд против {scattered:.2f} нс вразброс: "
        f"×{scattered / in_order:.1f}"
    ),
    numbers={"in_order_ns": in_order, "random_ns": scattered},
    reason_if_not="набор поместился в кеш или машина была занята",
)

fig, ax = plots.figure(height=4.8)
CACHE_LABEL = {"rotation": 90, "va": "top", "fontsize": 8, "color": plots.REFERENCE}
CACHE_LABEL["transform"] = ax.get_xaxis_transform()
kib = [s / 1024 for s in sizes]
for label, series in timings.items():
    plots.medians(ax, kib, series, per=1e-9, label=label, markersize=3, capsize=2)
for name, (size, _, _) in levels.items():
    ax.axvline(size / 1024, color=plots.REFERENCE, linestyle="--", linewidth=1)
    # подпись чуть правее пунктира; x — размер, y — доля высоты осей
    xy = (size / 1024 * 1.06, 0.97)
    ax.text(*xy, f"{name}: {size // 1024:_} КиБ", **CACHE_LABEL)
ax.set_xscale("log", base=2)
ticks = [k for k in (4, 32, 256, 2048, 16384, 131072) if kib[0] <= k <= kib[-1]]
ax.set_xticks(
    ticks, [f"{k:_} КиБ" if k < 1024 else f"{k // 1024:_} МиБ" for k in ticks]
)
ax.minorticks_off()
ax.set_xlabel("размер рабочего набора (логарифмическая шкала)")
ax.set_ylabel("время одного чтения, нс")
ax.set_ylim(bottom=0)
ax.set_title("Чтения в случайном порядке дорожают, когда данные не помещаются в кеш")
ax.legend(loc="center left")
plots.stamp(fig)
plt.show()

# %%
# Что видно на графике
# --------------------
#
# Пунктиры — размеры кешей, которые сообщила ОС (напечатаны выше). Синяя кривая —
# чтения в случайном порядке. Ищите на ней три участка:
#
# * **низкое ровное плато**, пока рабочий набор помещается в L1 и L2;
# * **пологий подъём** после пунктира L2: данные приходят из L3, это медленнее,
#   но ненамного;
# * **крутую ступеньку**, после которой кривая снова выходит на плато, но уже
#   высоко: набор больше не помещается в кеш, и почти каждое чтение идёт в
#   оперативную память.
#
# Ступеньки не вертикальные: кеш вытесняет строки не идеально, и часть набора ещё
# остаётся в кеше, когда сам набор уже немного больше него. Отдельные выбросы и
# провалы на кривой — шум машины, которую делили с другими программами: запустите
# пример ещё раз, и ступеньки останутся на месте, а выбросы переместятся.
#
# Крутая ступенька может прийтись заметно левее пунктира L3: сравните размер, на
# котором кривая прошла половину подъёма, с размером L3 (оба напечатаны выше). Причин
# у такого сдвига несколько. L3 общий: его делят все ядра, а на виртуальной машине —
# ещё и соседние виртуальные машины, так что нашей программе достаётся меньше, чем
# написано. Кроме того, на больших наборах к промахам кеша добавляются промахи TLB —
# кеша, в котором процессор хранит перевод виртуальных адресов в физические. Наконец,
# ОС виртуальной машины сообщает те размеры, которые ей показал гипервизор.
#
# Ступеньку L1 → L2 здесь почти не видно, и это честное ограничение способа:
# ``np.take`` тратит на каждый элемент время, сравнимое с задержкой L2, а процессор
# выполняет несколько независимых чтений одновременно и прячет часть задержки. Точную
# задержку каждого уровня показывает «погоня за указателем» (следующий адрес
# вычисляется из только что прочитанного значения), но на Python каждый её шаг
# проходил бы через интерпретатор, а это дольше, чем задержка L1 и L2.
#
# Оранжевая кривая — те же чтения подряд: она почти плоская на всех размерах. Подряд
# идущие элементы лежат в одной строке кеша, а следующие строки предвыборка
# подтягивает заранее, так что на ступеньки последовательное чтение почти не
# натыкается. Поэтому обход массива подряд и бывает во много раз быстрее обхода в
# случайном порядке.
#
# Что изменится на другой машине и при чём тут потоки
# ---------------------------------------------------
#
# Положения ступенек зависят от процессора: у других моделей другие размеры кешей. L1
# и L2 обычно у каждого ядра свои, а L3 — общий. На машине с большим числом ядер
# потоки и процессы, работающие одновременно, делят между собой L3 и пропускную
# способность памяти: программа, рабочий набор которой помещался в L3, запущенная в
# нескольких экземплярах, может перестать в него помещаться. Это одна из причин,
# почему ускорение от N ядер на реальных задачах бывает меньше N. На виртуальной
# машине ОС может сообщить размеры кешей, которые не совпадают с настоящими.
