"""
Два потока печатают: что перемешивается, а что нет
===================================================

Третий листинг конспекта — два потока по сто раз печатают «hello i'm a thread #i» —
помечен «ПОТЕСТИТЬ КОД тк не получается data race»: автор ждал, что вывод потоков
перемешается, а получил аккуратные строки. Разберёмся, почему, и найдём условия,
при которых вывод действительно перемешивается.

Сначала о словах. Перемешанный вывод — это не потерянные данные. Если строки двух
потоков идут вперемежку, но каждая цела и ни одна не пропала, то программа просто
не задала порядок, и порядок выбрало расписание потоков. Это тоже гонка — за
общий файл, — но безвредная. **Состояние гонки**, которое портит данные, когда
теряются обновления общей переменной, показано в соседнем примере — о нём в конце
страницы.
"""

# %%
# Как ``print`` доходит до файла
# ------------------------------
#
# ``print(text)`` дважды вызывает метод ``write`` файлового объекта
# (``sys.stdout`` или того, что передано в ``file=``): сначала для ``text``, потом
# для ``end`` (по умолчанию ``"\n"``). Файловый объект — это
# :class:`io.TextIOWrapper`; он копит текст в буфере и отдаёт его операционной
# системе системным вызовом ``write``:
#
# * у терминала буферизация **построчная**: текст уходит в ОС после каждого
#   перевода строки;
# * у файла и канала (``python script.py > out.txt``, ``| less``) — **блочная**:
#   текст уходит, когда в буфере набралось около 8 КиБ.
#
# На время системного вызова поток отпускает GIL, и тогда работать может второй
# поток. В остальное время, пока оба потока заняты байт-кодом Python, GIL
# переходит от одного к другому не чаще раза в ``sys.getswitchinterval()`` и только
# в тех местах, где интерпретатор проверяет запросы на переключение (вызовы функций,
# переходы назад в цикле). Между двумя ``write`` внутри одного ``print`` такой
# проверки нет: оба вызова идут из кода на C.
#
# Ниже одни и те же два потока пишут строки в разные «приёмники» — файл с
# построчной буферизацией (как терминал), файл с блочной буферизацией (как
# перенаправление в файл) и :class:`io.StringIO` в памяти (вообще без системных
# вызовов). Потом вывод читается обратно и разбирается.

import io
import itertools
import os
import sys
import tempfile
import threading
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.colors import ListedColormap

from potok import claims, machine, measure, plots

THREADS = ("1", "2")
LINE = "привет, я поток №{}"
SMALL = 100  # как в конспекте
BIG = measure.scale(20_000, 4_000)
MEMORY = measure.scale(50_000, 20_000)
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


def run_threads(target, stream, n):
    threads = [
        threading.Thread(target=target, args=(stream, name, n)) for name in THREADS
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def write_to_file(target, n, buffering, folder):
    """Два потока пишут в один файл; возвращается всё, что в нём оказалось."""
    path = os.path.join(folder, "out.txt")
    with open(path, "w", encoding="utf-8", buffering=buffering) as f:
        run_threads(target, f, n)
    with open(path, "rb") as f:
        return f.read()


def write_to_memory(target, n, _buffering, _folder):
    stream = io.StringIO()
    run_threads(target, stream, n)
    return stream.getvalue().encode("utf-8")


LINE_BUFFERED, BLOCK_BUFFERED = 1, -1
SCENARIOS = {
    "как в конспекте: 100 строк,\nфайл как терминал": (
        write_to_file,
        whole_lines,
        SMALL,
        LINE_BUFFERED,
    ),
    "print целой строкой,\nфайл как терминал": (
        write_to_file,
        whole_lines,
        BIG,
        LINE_BUFFERED,
    ),
    "print целой строкой,\nфайл с блочным буфером": (
        write_to_file,
        whole_lines,
        BIG,
        BLOCK_BUFFERED,
    ),
    "print целой строкой,\nio.StringIO": (
        write_to_memory,
        whole_lines,
        MEMORY,
        None,
    ),
    "print по частям,\nio.StringIO": (write_to_memory, in_pieces, MEMORY, None),
}

print(machine.stamp())
print(f"интервал переключения: {sys.getswitchinterval() * 1e3:g} мс")

# %%
# Разбор вывода
# -------------
#
# Для каждой записи считаем:
#
# * **переключения** — сколько раз целая строка одного потока идёт сразу за целой
#   строкой другого;
# * **разорванные строки** — строки, которые не совпадают ни с одной строкой
#   потоков (например, начало строки потока 1 и следом строка потока 2);
# * **потеряно** и **лишних** — насколько число упоминаний «поток №1» и
#   «поток №2» в выводе меньше или больше, чем потоки напечатали;
# * **чужих символов** — символы, которых нет ни в одной строке потоков (в том
#   числе байты, которые не складываются в текст UTF-8).


@dataclass
class Result:
    owners: list  # для каждой строки: 0 или 1 — чья она, -1 — разорванная
    switches: int
    torn: list
    lost: int
    extra: int
    garbage: int


def analyse(raw, n):
    text = raw.decode("utf-8", errors="replace")
    expected = {LINE.format(name): k for k, name in enumerate(THREADS)}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    owners = [expected.get(line, -1) for line in lines]
    whole = [k for k in owners if k >= 0]
    switches = sum(a != b for a, b in itertools.pairwise(whole))
    torn = [line for line, k in zip(lines, owners, strict=True) if k < 0]
    counts = [text.count(f"поток №{name}") for name in THREADS]
    lost = sum(max(0, n - c) for c in counts)
    extra = sum(max(0, c - n) for c in counts)
    alphabet = set("".join(expected)) | {"\n"}
    garbage = sum(ch not in alphabet for ch in text)
    return Result(owners, switches, torn, lost, extra, garbage)


results = {}
with tempfile.TemporaryDirectory() as folder:
    for label, (sink, target, n, buffering) in SCENARIOS.items():
        runs = [analyse(sink(target, n, buffering, folder), n) for _ in range(RUNS)]
        results[label] = runs


def spread(values):
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}–{high}"


print(
    f"{'запись':<44} {'строк':>7} {'переключений':>13} {'разорвано':>10} "
    f"{'потеряно':>9} {'лишних':>7} {'чужих символов':>15}"
)
for label, runs in results.items():
    n = SCENARIOS[label][2]
    print(
        f"{label.replace(chr(10), ' '):<44} {2 * n:>7} "
        f"{spread([r.switches for r in runs]):>13} "
        f"{spread([len(r.torn) for r in runs]):>10} "
        f"{spread([r.lost for r in runs]):>9} "
        f"{spread([r.extra for r in runs]):>7} "
        f"{spread([r.garbage for r in runs]):>15}"
    )
print(f"(минимум–максимум по {RUNS} запускам)")

examples = list(
    dict.fromkeys(line for rs in results.values() for r in rs for line in r.torn)
)
print(
    "\nпримеры разорванных строк:",
    *([repr(x) for x in examples[:4]] or ["нет"]),
    sep="\n  ",
)

terminal = results["print целой строкой,\nфайл как терминал"]
claims.check(
    "в файл с построчной буферизацией строки двух потоков идут вперемежку, но "
    "ни одна не рвётся",
    confirmed=max(r.switches for r in terminal) > 0
    and all(not r.torn for r in terminal),
    evidence=(
        f"переключений {spread([r.switches for r in terminal])}, разорвано "
        f"{spread([len(r.torn) for r in terminal])}"
    ),
    reason_if_not="потоки не успели поработать одновременно: машина была занята",
)
whole_memory = results["print целой строкой,\nio.StringIO"]
claims.check(
    "в io.StringIO print целой строкой не рвётся: между двумя write одного print "
    "интерпретатор поток не переключает",
    confirmed=all(not r.torn for r in whole_memory),
    evidence=f"разорвано {spread([len(r.torn) for r in whole_memory])}",
    reason_if_not="это сборка без GIL, где потоки пишут одновременно",
)
every = [r for runs in results.values() for r in runs]
damaged = sum(r.lost + r.extra + r.garbage for r in every)
claims.check(
    "вывод перемешивается, но не портится: ни одна строка не потеряна и не "
    "повторена, чужих символов нет",
    confirmed=damaged == 0,
    evidence=f"потеряно, лишних и чужих символов всего: {damaged}",
    reason_if_not=(
        f"в Python {sys.version.split()[0]} может не быть исправления gh-119506"
    ),
)


# %%
# Как выглядит перемешивание
# --------------------------
#
# Каждая полоса — вывод одного запуска, слева направо от первой строки к последней
# (по горизонтали — доля вывода, потому что строк в записях разное число). Цвет
# показывает, какой поток написал строку; треугольник над полосой отмечает
# разорванную строку.

fig, ax = plots.figure(height=4.2)
cmap = ListedColormap(["#D55E00", plots.PALETTE[0], plots.PALETTE[1]])
labels = list(results)
for row, label in enumerate(labels):
    owners = results[label][0].owners
    ax.imshow(
        [[k + 1 for k in owners]],
        cmap=cmap,
        vmin=0,
        vmax=2,
        aspect="auto",
        interpolation="nearest",
        extent=(0, 1, row + 0.35, row - 0.35),
    )
    bad = [i / len(owners) for i, k in enumerate(owners) if k < 0]
    ax.plot(bad, [row - 0.42] * len(bad), "v", color="#D55E00", markersize=6)
ax.set_xlim(0, 1)
ax.set_ylim(len(labels) - 0.5, -0.6)
ax.set_yticks(range(len(labels)), labels, fontsize=8)
ax.set_xlabel("положение строки в выводе (доля от начала)")
ax.grid(False)
ax.plot([], [], "s", color=plots.PALETTE[0], label="строка потока 1")
ax.plot([], [], "s", color=plots.PALETTE[1], label="строка потока 2")
ax.plot([], [], "v", color="#D55E00", label="разорванная строка")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, fontsize=8)
ax.set_title("Чья строка где: два потока пишут в один файловый объект")
plots.stamp(fig)
plt.show()

# %%
# Что видно на полосах и в таблице:
#
# * **Как в конспекте.** Сто строк поток печатает почти так же быстро, как
#   запускается второй поток. Если первая полоса делится на две половины (сначала
#   все строки одного потока, потом все строки другого), потоки просто не успели
#   поработать одновременно. Если успели — строки идут вперемежку, но целые, как
#   в следующей записи.
# * **Файл как терминал.** Потоки много раз сменяют друг друга — каждый
#   системный вызов после перевода строки отпускает GIL, и второй поток
#   подхватывает работу. Строки идут вперемежку, но каждая цела: GIL отпускается
#   уже после того, как строка вместе с переводом строки ушла в ОС.
# * **Файл с блочным буфером.** Переключений обычно меньше (GIL отпускается раз в 8 КиБ
#   вывода), зато иногда появляются разорванные строки: если буфер переполнился
#   как раз на втором ``write`` внутри ``print``, в ОС уходит строка без перевода
#   строки, второй поток дописывает свои строки, и лишь потом первый ставит свой
#   ``"\n"``. Отсюда пары вида «…поток №1привет, я поток №2» и пустая строка
#   где-то рядом.
# * **io.StringIO, целые строки.** Системных вызовов нет, GIL отнимают только по
#   интервалу переключения — и никогда между двумя ``write`` одного ``print``:
#   строки перемешиваются крупными кусками и не рвутся.
# * **io.StringIO, по частям.** Каждая часть — отдельный вызов ``print`` из кода на
#   Python, и между частями интерпретатор может отдать GIL. Куски по-прежнему
#   крупные, но на их границах строки рвутся.
#
# Посмотрите на столбцы «потеряно», «лишних» и «чужих символов». На Python 3.13 и
# новее там нули: вывод перемешивается, но не портится. Так было не всегда: до
# исправления ошибки `gh-119506
# <https://github.com/python/cpython/issues/119506>`_ (2024 год: вошло в Python
# 3.13 и перенесено в ветку 3.11, `PR #120314
# <https://github.com/python/cpython/pull/120314>`_) буфер
# :class:`io.TextIOWrapper` мог испортиться, когда второй поток писал в него, пока
# первый сбрасывал его в ОС. Тогда строки пропадали или повторялись, а
# в файл попадали байты из случайной памяти процесса (`gh-118138
# <https://github.com/python/cpython/issues/118138>`_). Запустите пример на выпуске
# без этого исправления (3.10 или выпуск 3.11–3.12 первой половины 2024 года и
# старше), и в строке «файл с блочным буфером» вы, скорее всего, увидите ненулевые
# числа.
#
# Почему в конспекте не удалось «поймать data race»
# -------------------------------------------------
#
# * Сто строк — мало: первый поток нередко заканчивает раньше, чем второй
#   начинает (первая полоса на графике).
# * В терминале ``print`` одной строки не рвётся, потому что GIL отпускается
#   только после перевода строки. Строки разных потоков идут вперемежку, но
#   вперемежку целыми.
# * Даже перемешанный вывод не был бы той гонкой, которую искали в конспекте: ни
#   одно значение при этом не портится, меняется только порядок.
#
# Чтобы вывод потоков не рвался нигде, печатают под общей блокировкой
# (``with lock: print(...)``), через :mod:`logging` (обработчик пишет каждую
# запись целиком под своей блокировкой) или собирают результаты и печатают их из
# одного потока.
#
# Состояние гонки, в котором теряются обновления общего счётчика, показано в примере
# :ref:`sphx_glr_auto_examples_04_gil_plot_lost_updates.py`: там видно, почему на
# ``counter += 1`` её трудно поймать на сборке с GIL и как её вызывает один вызов
# функции между чтением и записью.
