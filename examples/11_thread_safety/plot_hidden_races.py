"""
Гонки, которые прятал GIL
=========================

Шесть способов, которыми два потока работают с общими данными. Каждый
выполняется много раз, и считается, сколько результатов оказалось неверным:

* ``box.value += 1`` — прибавление к общему атрибуту: чтение, сложение, запись;
* ``shared.append(i)`` — добавление в общий список: одна операция;
* **проверить, потом действовать** — ``if k not in d: d[k] = me``: два потока
  могут оба увидеть, что ключа нет, и оба решить, что вставили его именно они;
* ``d.setdefault(k, me)`` — то же одной операцией;
* **общий итератор** — оба потока берут элементы из одного ``iter(list)``:
  элемент может достаться обоим или не достаться никому;
* :class:`threading.local` — каждый поток считает в своей переменной, итог
  складывается один раз в конце.

Всё это выполняется дважды: на интерпретаторе с GIL и на free-threaded сборке
(если она есть на машине, где собирается сайт), и результаты стоят рядом.
"""

# %%
# Код
# ---
#
# Ниже — весь код: по функции на способ. Каждая запускает два потока, которые
# стартуют вместе у :class:`threading.Barrier`, и возвращает, сколько
# результатов оказалось неверным; ``races`` выполняет все шесть по очереди,
# прогон за прогоном.
#
# .. literalinclude:: _hidden_races.py
#
# Чтобы запустить пример у себя, скачайте и этот модуль и положите его рядом:
# :download:`_hidden_races.py`.
#
# Выполняет этот код другой интерпретатор — ``potok.interpreters.Child``:
# сборка с GIL и free-threaded сборка, если она есть на машине (с ``-X gil=0``);
# поэтому он и лежит в модуле рядом с примером. Вместе с числами
# интерпретатор возвращает, был ли GIL выключен, когда работа закончилась
# (:func:`sys._is_gil_enabled`): модуль-расширение, не объявивший поддержку
# free-threading, включает GIL обратно, и такой прогон нельзя выдавать за прогон
# без GIL.

# sphinx_gallery_tags = ["потоки", "free-threaded"]
import statistics
from dataclasses import replace

import _hidden_races
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

N = measure.scale(20_000, 3_000)  # шагов на поток в одном прогоне
RUNS = measure.scale(10, 3)
THREADS = 2
LABELS = {
    "counter": "box.value += 1",
    "append": "shared.append(i)",
    "check-then-act": "if k not in d: d[k] = …",
    "setdefault": "d.setdefault(k, …)",
    "shared-iterator": "общий итератор",
    "local": "threading.local",
}

# сторона с GIL и сторона без него: этот интерпретатор и самый новый из
# найденных другой сборки (interpreters.available() ищет их один раз)
survey = interpreters.available()
here = interpreters.here()
with_gil = survey.newest(free_threaded=False) if here.free_threaded else here
free = here if here.free_threaded else survey.newest(free_threaded=True)
print(machine.stamp())
print(f"потоков: {THREADS}; шагов на поток: {N:_}; прогонов: {RUNS}")
if free is None:
    print(survey.not_measured(interpreters.FREE_THREADED))
sides = {}
for python in filter(None, (with_gil, free)):
    options = ["-X", "gil=0"] if python.free_threaded else []
    try:
        with interpreters.Child(python, options=options) as child:
            sides[python] = child.call(_hidden_races.races, THREADS, N, RUNS)
    except interpreters.ChildFailed as exc:
        if python is here:
            raise
        print(f"не измерено: {python.label} ({str(exc).strip().splitlines()[-1]})")

for res in sides.values():
    state = "GIL включён" if res["gil"] else "GIL выключен"
    print(f"--- {res['stamp'].python}; после работы: {state}")
    for p, runs in res["wrong"].items():
        bad = sum(x > 0 for x in runs)
        print(
            f"  {LABELS[p]:<26} прогонов с ошибками: {bad} из {RUNS}; "
            f"ошибок (медиана, макс): {statistics.median(runs):g}, {max(runs):_}"
        )

# %%
# График
# ------
#
# Для каждого способа — в какой доле прогонов был хоть один неверный результат.
# Подпись у столбца — медиана числа ошибок за прогон.

fig, ax = plots.figure(height=4.6)
width = 0.8 / len(sides)
for k, res in enumerate(sides.values()):
    runs = [res["wrong"][p] for p in LABELS]
    share = [100 * sum(x > 0 for x in r) / RUNS for r in runs]
    ys = [i + (k - (len(sides) - 1) / 2) * width for i in range(len(LABELS))]
    # подпись — сборка и состояние GIL после работы (из отметки интерпретатора)
    bars = ax.barh(
        ys, share, height=width, color=plots.PALETTE[k], label=res["stamp"].python
    )
    medians = [statistics.median(r) for r in runs]
    ax.bar_label(bars, labels=[f"{m:g}" for m in medians], padding=3, fontsize=8)
ax.set_yticks(range(len(LABELS)), list(LABELS.values()))
ax.invert_yaxis()
ax.set_xlim(0, 115)
ax.set_xlabel(f"прогонов с неверным результатом, % (из {RUNS})")
ax.set_title(f"{THREADS} потока, общие данные: что ломается")
ax.legend(loc="lower right", fontsize=8)
ax.grid(axis="y", visible=False)
first = next(iter(sides.values()))["stamp"]
both = " и ".join(res["stamp"].python for res in sides.values())
plots.stamp(fig, replace(first, python=both))
plt.show()

# %%
# Что проверяется
# ---------------

safe = ("append", "setdefault", "local")
for python, res in sides.items():
    wrong = {p: sum(runs) for p, runs in res["wrong"].items()}
    claims.check(
        f"single-ops-safe-on-{python.key}",
        f"{res['stamp'].python}: одиночные операции (append, setdefault) и "
        "threading.local не теряют ничего",
        confirmed=all(wrong[p] == 0 for p in safe),
        evidence=", ".join(f"{LABELS[p]}: {wrong[p]}" for p in safe),
        numbers={f"wrong_{p.replace('-', '_')}": wrong[p] for p in safe},
        reason_if_not="в этой сборке одиночные операции над встроенными объектами не "
        "атомарны, вопреки документации",
        stamp=res["stamp"],
    )
    if not python.free_threaded:
        claims.check(
            "gil-hides-races",
            "на сборке с GIL (3.10+) гонки в += и «проверить, потом действовать» "
            "не видны",
            confirmed=wrong["counter"] == 0 and wrong["check-then-act"] == 0,
            evidence=f"потеряно прибавлений: {wrong['counter']}, "
            f"ключей вставлено дважды: {wrong['check-then-act']}",
            numbers={"lost": wrong["counter"], "twice": wrong["check-then-act"]},
            reason_if_not="GIL переключился между чтением и записью — гонка есть и тут",
            stamp=res["stamp"],
        )
    elif not res["gil"]:
        claims.check(
            "no-gil-races-wrong",
            "без GIL += и «проверить, потом действовать» дают неверные результаты",
            confirmed=wrong["counter"] > 0 and wrong["check-then-act"] > 0,
            evidence=f"потеряно прибавлений: {wrong['counter']}, "
            f"ключей вставлено дважды: {wrong['check-then-act']}",
            numbers={"lost": wrong["counter"], "twice": wrong["check-then-act"]},
            reason_if_not="потоки не пересеклись во времени (машина занята)",
            stamp=res["stamp"],
        )
    else:
        print(
            "free-threaded сборка работала с включённым GIL (его включило "
            "расширение): её прогоны — это прогоны с GIL, без-GIL-сторона не "
            "измерена."
        )

# %%
# Что видно на графике
# --------------------
#
# **На сборке с GIL** столбцы обычно пустые — но не потому, что код правилен.
# ``box.value += 1`` и ``if k not in d: d[k] = me`` — это несколько шагов байт-кода,
# и без GIL другой поток может вклиниться между ними. С GIL интерпретатор (с 3.10)
# отдаёт GIL другому потоку только на вызове функции или на переходе назад в
# цикле, а внутри этих строк таких мест нет: гонка есть, но не проявляется (как
# в примере :ref:`sphx_glr_auto_examples_04_gil_plot_lost_updates.py`).
#
# **На free-threaded сборке** (если она была) потоки выполняют эти строки
# по-настоящему одновременно на разных ядрах, и ``+=`` теряет прибавления, а
# «проверить, потом действовать» вставляет одни и те же ключи дважды. Общий
# итератор тоже не обещает ничего: документация free-threaded сборки прямо
# говорит, что итераторы не потокобезопасны; элемент может достаться двум потокам
# или пропасть.
#
# **Всегда без ошибок** — ``append``, ``setdefault`` и ``threading.local``.
# Первые два — одна операция над встроенным объектом, которую и без GIL
# защищает блокировка самого объекта (так их описывает страница
# «Thread Safety Guarantees» документации Python). Третий — вовсе не общие данные:
# каждый поток считает своё и складывает итог один раз.
#
# Что изменится на другой машине
# ------------------------------
#
# На сборке с GIL — почти ничего. Без GIL ошибок тем больше, чем больше ядер и
# потоков и чем свободнее машина: на занятой машине потоки реже выполняются
# одновременно.
