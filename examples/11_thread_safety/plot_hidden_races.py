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
# Где выполняется замер
# ---------------------
#
# Код лежит в ``potok.safety`` (функция ``race``). Пример запускает
# ``python -m potok.safety races ...`` — для GIL-стороны тем же интерпретатором,
# что выполняет пример, для другой стороны — free-threaded сборкой, которую
# ищет ``potok.safety.free_threaded_pythons()``: пути из переменной окружения
# ``POTOK_EXTRA_PYTHONS``, имена вроде ``python3.13t`` и ``python3.14t`` в
# ``PATH`` и интерпретаторы, собранные в ``~/.cache/potok/pythons/``. Дочерний
# процесс возвращает JSON: сколько ошибок было в каждом прогоне и был ли GIL
# включён, когда работа закончилась (:func:`sys._is_gil_enabled`; расширение на C
# может включить GIL обратно, и тогда прогон нельзя выдавать за прогон без GIL).

import statistics
import sys
from dataclasses import replace

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, safety

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
ARGS = ("--n", str(N), "--threads", str(THREADS), "--runs", str(RUNS))

print(machine.stamp())
print(f"потоков: {THREADS}; шагов на поток: {N:_}; прогонов: {RUNS}")
sides = {"с GIL": safety.run_in(sys.executable, "races", *ARGS)}
found = safety.free_threaded_pythons()
if found:
    ft = found[0]
    print(f"free-threaded сборка: {ft.label}, {ft.path}")
    try:
        sides["free-threaded"] = safety.run_in(ft.path, "races", *ARGS)
    except safety.OtherInterpreterFailed as exc:
        last = str(exc).strip().splitlines()[-1]
        print(f"не измерено: {ft.path} завершился с ошибкой ({last})")
else:
    print(
        "free-threaded сборки на этой машине нет: правая половина не измерена. "
        "Нужен python3.13t или python3.14t в PATH, в POTOK_EXTRA_PYTHONS или в "
        "~/.cache/potok/pythons/ (например, `uv python install 3.14t`); "
        "ниже — только сторона с GIL."
    )

for res in sides.values():
    state = "GIL включён" if res["gil_enabled"] else "GIL выключен"
    print(f"--- {res['python']}; после работы: {state}")
    for p in safety.PATTERNS:
        runs = res["result"][p]
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
    share = [100 * sum(x > 0 for x in res["result"][p]) / RUNS for p in safety.PATTERNS]
    ys = [i + (k - (len(sides) - 1) / 2) * width for i in range(len(safety.PATTERNS))]
    # python_build() of the child, taken after the work: it names the GIL state
    bars = ax.barh(ys, share, height=width, color=plots.PALETTE[k], label=res["python"])
    medians = [statistics.median(res["result"][p]) for p in safety.PATTERNS]
    ax.bar_label(bars, labels=[f"{m:g}" for m in medians], padding=3, fontsize=8)
ax.set_yticks(range(len(safety.PATTERNS)), [LABELS[p] for p in safety.PATTERNS])
ax.invert_yaxis()
ax.set_xlim(0, 115)
ax.set_xlabel(f"прогонов с неверным результатом, % (из {RUNS})")
ax.set_title(f"{THREADS} потока, общие данные: что ломается")
ax.legend(loc="lower right", fontsize=8)
ax.grid(axis="y", visible=False)
gil_side = sides["с GIL"]
both = " и ".join(res["python"] for res in sides.values())
plots.stamp(fig, replace(machine.Stamp(**gil_side["stamp"]), python=both))
plt.show()

# %%
# Что проверяется
# ---------------


def wrong(res: dict, pattern: str) -> int:
    return sum(res["result"][pattern])


safe = ("append", "setdefault", "local")
for res in sides.values():
    claims.check(
        f"{res['python']}: одиночные операции (append, setdefault) и threading.local "
        "не теряют ничего",
        confirmed=all(wrong(res, p) == 0 for p in safe),
        evidence=", ".join(f"{LABELS[p]}: {wrong(res, p)}" for p in safe),
    )
claims.check(
    "на сборке с GIL (3.10+) гонки в += и «проверить, потом действовать» не видны",
    confirmed=wrong(gil_side, "counter") == 0
    and wrong(gil_side, "check-then-act") == 0,
    evidence=(
        f"потеряно прибавлений: {wrong(gil_side, 'counter')}, "
        f"ключей вставлено дважды: {wrong(gil_side, 'check-then-act')}"
    ),
    reason_if_not="GIL переключился между чтением и записью — гонка есть и тут",
)
ft_side = sides.get("free-threaded")
if ft_side is not None and not ft_side["gil_enabled"]:
    claims.check(
        "no-gil-races-wrong",
        "без GIL += и «проверить, потом действовать» дают неверные результаты",
        confirmed=wrong(ft_side, "counter") > 0
        and wrong(ft_side, "check-then-act") > 0,
        evidence=(
            f"потеряно прибавлений: {wrong(ft_side, 'counter')}, "
            f"ключей вставлено дважды: {wrong(ft_side, 'check-then-act')}"
        ),
        reason_if_not="потоки не пересеклись во времени (машина занята)",
    )
elif ft_side is not None:
    print(
        "free-threaded сборка работала с включённым GIL (его включило расширение "
        "или PYTHON_GIL=1): её прогоны — это прогоны с GIL, без-GIL-сторона не "
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
