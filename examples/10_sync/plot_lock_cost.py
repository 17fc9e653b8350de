"""
Сколько стоит блокировка: без соперников и с ними
=================================================

:class:`threading.Lock` защищает общие данные, но каждый захват и каждое
освобождение — это работа. Здесь измеряется, сколько наносекунд уходит на одну пару
«захватить — отпустить» (``with lock: pass``), когда:

* блокировка **общая**: её по очереди захватывают 1, 2 или 4 потока — с двумя и
  больше у неё есть соперники (блокировка *оспаривается*);
* у каждого потока **своя** блокировка: работа та же, но соперников нет никогда.

Разница между двумя линиями — цена соперничества, а не самой блокировки.
"""

# %%
# Код
# ---
#
# Потоки запускает ``potok.sync.hammer(kind, threads, n)``: каждый из ``threads``
# потоков ``n`` раз выполняет ``with lock: pass`` — с общей блокировкой
# (``"shared"``) или со своей (``"private"``). Потоки стартуют вместе, у
# :class:`threading.Barrier`, и функция дожидается их всех. Время — полное время
# вызова (запуск потоков в нём тоже есть, но на ``n`` захватов это мало), и оно
# делится на число пар «захватить — отпустить» во всех потоках. Варианты
# измеряются по очереди (A B A B …), чтобы занятость машины пришлась на все.
#
# Измеряет дочерний процесс ``python -m potok.sync hammer ...``: интерпретатора,
# который выполняет пример, и free-threaded сборки, если она есть на машине
# (её ищут так же, как в главе :doc:`/chapters/11-thread-safety`). Без GIL
# соперничество за блокировку настоящее: потоки захватывают её одновременно на
# разных ядрах.

import sys
from dataclasses import replace

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, safety, sync

N = measure.scale(60_000, 10_000)  # пар «захватить — отпустить» на поток
THREADS = [1, 2, 4]
REPEATS = measure.scale(5, 3)
LABELS = {"shared": "одна общая блокировка", "private": "у каждого потока своя"}
ARGS = ("--n", str(N), "--threads", ",".join(map(str, THREADS)))
ARGS += ("--repeats", str(REPEATS))

print(machine.stamp())
print(f"пар «захватить — отпустить» на поток: {N:_}; повторов: {REPEATS}")
sides = {"с GIL": safety.run_in(sys.executable, "hammer", *ARGS, module="potok.sync")}
found = safety.free_threaded_pythons()
if found:
    print(f"free-threaded сборка: {found[0].label}, {found[0].path}")
    try:
        sides["free-threaded"] = safety.run_in(
            found[0].path, "hammer", *ARGS, module="potok.sync"
        )
    except safety.OtherInterpreterFailed as exc:
        last = str(exc).strip().splitlines()[-1]
        print(f"не измерено: {found[0].path} завершился с ошибкой ({last})")
else:
    print(
        "free-threaded сборки на этой машине нет: соперничество без GIL не измерено. "
        "Нужен python3.13t или python3.14t в PATH, в POTOK_EXTRA_PYTHONS или в "
        "~/.cache/potok/pythons/; ниже — только сторона с GIL."
    )


def ns_per_op(samples: list[float], threads: int) -> tuple[float, float, float]:
    t = measure.Timing(tuple(samples))
    ops = threads * N
    return (t.median / ops * 1e9, t.min / ops * 1e9, t.max / ops * 1e9)


costs = {
    side: {
        (kind, t): ns_per_op(res["result"][kind][str(t)], t)
        for kind in sync.HAMMER_KINDS
        for t in THREADS
    }
    for side, res in sides.items()
}
for side, res in sides.items():
    print(f"--- {res['python']}")
    print(f"{'вариант':<24} | потоков | нс на пару (медиана; мин – макс)")
    for kind in sync.HAMMER_KINDS:
        for t in THREADS:
            med, lo, hi = costs[side][kind, t]
            print(f"{LABELS[kind]:<24} | {t:>7} | {med:7.1f}; {lo:.1f} – {hi:.1f}")

# %%
# График
# ------
#
# По панели на интерпретатор. По горизонтали — число потоков, по вертикали —
# время одной пары «захватить — отпустить», поделённое поровну на все потоки
# (сколько стоит одна пара с точки зрения программы в целом). Полоса — от
# лучшего до худшего повтора.

fig, axes = plots.figure(1, len(sides), width=5 * len(sides) + 1, height=4.2)
axes = [axes] if len(sides) == 1 else list(axes)
for ax, (side, res) in zip(axes, sides.items(), strict=True):
    cost = costs[side]
    for color, kind in zip(plots.PALETTE, sync.HAMMER_KINDS, strict=False):
        med = [cost[kind, t][0] for t in THREADS]
        lo = [m - cost[kind, t][1] for m, t in zip(med, THREADS, strict=True)]
        hi = [cost[kind, t][2] - m for m, t in zip(med, THREADS, strict=True)]
        ax.errorbar(
            THREADS,
            med,
            yerr=[lo, hi],
            marker="o",
            capsize=3,
            color=color,
            label=LABELS[kind],
        )
    ax.set_xticks(THREADS)
    ax.set_xlabel("число потоков")
    ax.set_ylabel("время одной пары acquire/release, нс")
    ax.set_ylim(bottom=0)
    ax.set_title(res["python"], fontsize=10)
axes[0].legend()
both = " и ".join(res["python"] for res in sides.values())
plots.stamp(fig, replace(machine.Stamp(**sides["с GIL"]["stamp"]), python=both))
plt.show()

# %%
# Что проверяется
# ---------------

# Цена самой блокировки — свойство машины и Python, а занятость машины только
# добавляет к ней, поэтому здесь берётся лучший повтор (медиана — рядом).
cost = costs["с GIL"]
alone, best = cost["shared", 1][0], cost["shared", 1][1]
claims.check(
    "захват и освобождение блокировки без соперников стоят меньше микросекунды",
    confirmed=best < 1000,
    evidence=f"один поток: лучший повтор {best:.0f} нс на пару, медиана {alone:.0f} нс",
    reason_if_not="машина была очень занята во всех повторах",
)
most = max(THREADS)
claims.check(
    "на сборке с GIL потоки не ускоряют захваты даже со своими блокировками",
    confirmed=cost["private", most][0] >= 0.8 * cost["private", 1][0],
    evidence=(
        f"потоков: {most}, {cost['private', most][0]:.0f} нс на пару; "
        f"один поток: {cost['private', 1][0]:.0f} нс"
    ),
    reason_if_not="машина была занята во время замера одного потока",
)
ft = sides.get("free-threaded")
if ft is not None and not ft["gil_enabled"]:
    c = costs["free-threaded"]
    shared, private = c["shared", 2][0], c["private", 2][0]
    claims.check(
        "без GIL с двумя потоками общая блокировка дороже, чем у каждого своя",
        confirmed=shared > private,
        evidence=f"общая: {shared:.0f} нс, свои: {private:.0f} нс на пару",
        reason_if_not="разница меньше шума замера на занятой машине",
    )
elif ft is not None:
    print("free-threaded сборка работала с включённым GIL: без-GIL-сторона не измерена")

# %%
# Что видно на графике
# --------------------
#
# Точка с одним потоком — цена блокировки без соперников: атомарная операция в
# памяти и вызов метода, меньше микросекунды. Сама по себе блокировка дешёвая.
#
# С несколькими потоками на **сборке с GIL** обе линии не опускаются: байт-код в
# каждый момент выполняет один поток, и пары «захватить — отпустить» всех потоков
# всё равно идут по очереди. Общая блокировка при этом иногда оказывается занята
# потоком, у которого как раз забрали GIL, — тогда поток-соперник засыпает на ней,
# и это стоит переключения потоков, то есть микросекунд, а не наносекунд. Но
# случается это редко (блокировка занята лишь на время ``pass``), поэтому на
# сборке с GIL две линии обычно расходятся меньше, чем колеблются повторы.
#
# На **free-threaded** сборке (правая панель, если она есть) линия «своя
# блокировка» может опуститься: потоки захватывают разные блокировки на разных
# ядрах одновременно. А общая блокировка остаётся узким местом: ядра передают
# друг другу строку кеша, в которой она лежит, и ждут друг друга; на двух ядрах,
# занятых ещё и чужими программами, разница может утонуть в шуме — об этом
# скажет проверка выше.
#
# Что изменится на другой машине
# ------------------------------
#
# Абсолютные наносекунды зависят от процессора и версии Python. Число ядер важно
# только без GIL: чем их больше, тем сильнее расходятся «общая» и «своя».
# Вывод один: держите блокировку недолго и захватывайте её реже — например,
# копите результат в локальной переменной и добавляйте под блокировкой один раз.
