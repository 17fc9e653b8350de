"""
Когда строка рвётся: блочный буфер и print по частям
====================================================

В файл с построчной буферизацией (как в терминал) строки двух потоков идут
вперемежку, но ни одна не рвётся — это показывает пример
:ref:`sphx_glr_auto_examples_05_threading_plot_print_interleaving.py`, там же
рассказано, как ``print`` доходит до файла. Строка рвётся, только если второй
поток успевает вклиниться между частями одной строки. Здесь — три записи, где
это может случиться или нет, и проверка, что вывод при этом не портится.
"""

# %%
# Где второй поток может вклиниться
# ---------------------------------
#
# ``print(text)`` вызывает ``write`` дважды — для ``text`` и для ``"\n"`` — из кода на
# C, и между этими вызовами интерпретатор поток не переключает. Отдать GIL поток может
# в двух случаях:
#
# * **системный вызов**: у файла с **блочной** буферизацией (так Python пишет в
#   файл или канал: ``python script.py > out.txt``) текст уходит в ОС, когда буфер
#   полон (до 3.13 — обычно 8 КиБ, с 3.14 — 128 КиБ, `gh-117151
#   <https://github.com/python/cpython/issues/117151>`_), — и это может случиться
#   как раз на втором ``write``;
# * **проверка переключения** в коде на Python: раз в ``sys.getswitchinterval()``
#   интерпретатор отдаёт GIL на вызове функции или переходе назад в цикле — то
#   есть между двумя вызовами ``print``, но не внутри одного.
#
# Поэтому записи три: строки целиком (как в конспекте) в файл с блочным буфером; те же
# строки в :class:`io.StringIO` — в памяти, без системных вызовов; и в
# :class:`io.StringIO` та же строка тремя вызовами ``print(..., end="")``.

# sphinx_gallery_tags = ["потоки"]
import io
import itertools
import os
import sys
import tempfile
import threading

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots

THREADS = ("1", "2")
LINE = "привет, я поток №{}"
N = measure.scale(20_000, 4_000)  # строк у каждого потока в файле
IN_MEMORY = measure.scale(50_000, 20_000)  # и в памяти
RUNS = measure.scale(3, 2)


def whole_lines(stream, name, n):
    """Листинг конспекта: целая строка одним ``print``."""
    line = LINE.format(name)
    for _ in range(n):
        print(line, file=stream)


def in_pieces(stream, name, n):
    """Та же строка тремя вызовами: ``print(..., end="")`` по частям."""
    tail = f"я поток №{name}"
    for _ in range(n):
        print("привет, ", end="", file=stream)
        print(tail, end="", file=stream)
        print(file=stream)


def two_threads(target, stream, n):
    threads = [threading.Thread(target=target, args=(stream, k, n)) for k in THREADS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def to_file(target, n):
    with open(PATH, "w", encoding="utf-8") as f:  # файл: буфер блочный
        two_threads(target, f, n)
    with open(PATH, encoding="utf-8", errors="replace") as f:
        return f.read()


def to_memory(target, n):
    stream = io.StringIO()
    two_threads(target, stream, n)
    return stream.getvalue()


WHOLE = "io.StringIO,\nprint целой строкой"
SCENARIOS = {  # подпись: (куда, что пишет поток, строк у каждого потока)
    "файл с блочным буфером,\nprint целой строкой": (to_file, whole_lines, N),
    WHOLE: (to_memory, whole_lines, IN_MEMORY),
    "io.StringIO,\nprint по частям": (to_memory, in_pieces, IN_MEMORY),
}
print(machine.stamp())
print(f"интервал переключения: {sys.getswitchinterval() * 1e3:g} мс")

# %%
# Разбор вывода
# -------------
#
# Как и в примере о перемешивании, для каждой записи считаем **переключения** (целая
# строка одного потока сразу за целой строкой другого) и **разорванные строки** (не
# совпадают ни с одной строкой потоков), а ещё:
#
# * **потеряно** и **лишних** — насколько число упоминаний «поток №1» и
#   «поток №2» в выводе меньше или больше, чем потоки напечатали;
# * **чужих символов** — символы, которых нет ни в одной строке потоков (в том
#   числе байты, которые не складываются в текст UTF-8).

OWNER = {LINE.format(name): k for k, name in enumerate(THREADS)}
ALPHABET = set("".join(OWNER)) | {"\n"}


def analyse(text, n):
    lines = text.removesuffix("\n").split("\n")
    whose = [OWNER.get(line, -1) for line in lines]  # 0, 1; -1 — разорвана
    whole = [k for k in whose if k >= 0]
    counts = [text.count(f"поток №{name}") for name in THREADS]
    return {
        "whose": whose,
        "torn": [line for line, k in zip(lines, whose, strict=True) if k < 0],
        "переключений": sum(a != b for a, b in itertools.pairwise(whole)),
        "разорвано": whose.count(-1),
        "потеряно": sum(max(0, n - c) for c in counts),
        "лишних": sum(max(0, c - n) for c in counts),
        "чужих символов": sum(ch not in ALPHABET for ch in text),
    }


with tempfile.TemporaryDirectory() as folder:
    PATH = os.path.join(folder, "out.txt")
    results = {
        label: [analyse(sink(target, n), n) for _ in range(RUNS)]
        for label, (sink, target, n) in SCENARIOS.items()
    }


def spread(label, column):
    values = [run[column] for run in results[label]]
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}–{high}"


COLUMNS = ("переключений", "разорвано", "потеряно", "лишних", "чужих символов")
print(f"{'запись':<44} {'строк':>7}", *COLUMNS, sep="  ")
for label, (_, _, n) in SCENARIOS.items():
    cells = (f"{spread(label, column):>{len(column)}}" for column in COLUMNS)
    print(f"{label.replace(chr(10), ' '):<44} {2 * n:>7}", *cells, sep="  ")
print(f"(минимум–максимум по {RUNS} запускам)")
torn = dict.fromkeys(line for rs in results.values() for r in rs for line in r["torn"])
print("примеры разорванных строк:", *[repr(x) for x in torn][:4] or ["нет"], sep="\n  ")

torn_whole = max(r["разорвано"] for r in results[WHOLE])
claims.check(
    "whole-print-not-torn-in-memory",
    "в io.StringIO print целой строкой не рвётся: между двумя write одного print "
    "интерпретатор поток не переключает",
    confirmed=torn_whole == 0,
    evidence=f"разорвано {spread(WHOLE, 'разорвано')}",
    numbers={"torn_max": torn_whole},
    reason_if_not="это сборка без GIL, где потоки пишут одновременно",
)
damaged = sum(r[c] for rs in results.values() for r in rs for c in COLUMNS[2:])
claims.check(
    "output-not-damaged",
    "вывод перемешивается, но не портится: ни одна строка не потеряна и не "
    "повторена, чужих символов нет",
    confirmed=damaged == 0,
    evidence=f"потеряно, лишних и чужих символов всего: {damaged}",
    numbers={"damaged": damaged},
    reason_if_not="в этом выпуске Python может не быть исправления gh-119506",
)

# %%
# Где рвутся строки
# -----------------
#
# Вывод первого запуска каждой записи — слева направо, от первой строки к последней
# (по горизонтали — место строки в выводе, доля от начала; полосы рисует
# ``plots.timeline``, как в примере о перемешивании). Треугольник в ряду «разорванные»
# отмечает разорванную строку.


def as_timeline(whose):
    """Место каждой строки вывода (доля от начала) — в ряд её потока."""
    rows = measure.Timeline(origin=0.0)
    by_owner = [rows.track(f"поток {name}") for name in THREADS]
    by_owner.append(rows.track("разорванные"))
    for i, k in enumerate(whose):
        by_owner[k].append(i / len(whose))  # -1 — последний ряд
    return rows


fig, axes = plots.figure(len(results), 1, height=1.6 + 1.6 * len(results))
for ax, (label, runs) in zip(axes, results.items(), strict=True):
    rows = as_timeline(runs[0]["whose"])
    plots.timeline(ax, rows, gap=1.5 / len(runs[0]["whose"]))
    torn = rows.ticks["разорванные"]
    ax.plot(torn, [2] * len(torn), "v", color=plots.PALETTE[5], markersize=6)
    ax.set(xlim=(0, 1), xlabel="", title=label.replace("\n", " "))
axes[-1].set_xlabel("место строки в выводе (доля от начала)")
fig.suptitle("Чья строка где: где второй поток вклинился посреди строки")
plots.stamp(fig)
plt.show()

# %%
# Что видно на полосах и в таблице:
#
# * **Файл с блочным буфером.** Переключений обычно меньше, чем при построчной
#   буферизации (GIL отпускается раз на буфер вывода), зато иногда появляются
#   разорванные строки: если буфер переполнился как раз на втором ``write``
#   внутри ``print``, в ОС уходит строка без перевода строки, второй поток
#   дописывает свои строки, и лишь потом первый ставит свой ``"\n"``. Отсюда пары
#   вида «…поток №1привет, я поток №2» и пустая строка где-то рядом.
# * **io.StringIO, целые строки.** Системных вызовов нет, GIL отнимают только по
#   интервалу переключения — и никогда между двумя ``write`` одного ``print``:
#   строки перемешиваются крупными кусками и не рвутся.
# * **io.StringIO, по частям.** Каждая часть — отдельный вызов ``print`` из кода на
#   Python, и между частями интерпретатор может отдать GIL. Куски по-прежнему
#   крупные, но на их границах строки рвутся.
#
# Посмотрите на столбцы «потеряно», «лишних» и «чужих символов». Если там нули
# (это проверяет второе утверждение выше), вывод перемешивается, но не портится.
# Так было не всегда: до
# исправления ошибки `gh-119506 <https://github.com/python/cpython/issues/119506>`_
# (2024 год: вошло в Python 3.13 и перенесено в ветку 3.11, `PR #120314
# <https://github.com/python/cpython/pull/120314>`_) буфер :class:`io.TextIOWrapper`
# мог испортиться, когда второй поток писал в него, пока первый сбрасывал его в ОС.
# Тогда строки пропадали или повторялись, а в файл попадали байты из случайной памяти
# процесса (`gh-118138 <https://github.com/python/cpython/issues/118138>`_). Запустите
# пример на выпуске без этого исправления (3.10 или выпуск 3.11–3.12 первой половины
# 2024 года и старше, но не раньше 2021 года: ошибку внесло изменение bpo-43260), и
# в строке «файл с блочным буфером» могут появиться ненулевые числа.
#
# Чтобы вывод потоков не рвался нигде, печатают под общей блокировкой
# (``with lock: print(...)``), через :mod:`logging` (обработчик пишет каждую запись
# целиком под своей блокировкой) или собирают результаты и печатают их из одного
# потока.
