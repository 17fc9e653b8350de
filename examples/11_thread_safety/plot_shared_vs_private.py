"""
Один общий объект или свои копии: масштабирование без GIL
=========================================================

Без GIL потоки работают на разных ядрах одновременно — но только пока не
трогают одно и то же. Каждый из потоков здесь записывает ``N`` обновлений тремя
способами:

* **общий список** — все потоки вызывают ``shared.append(i)`` у одного списка
  (это безопасно: без GIL список защищает своя блокировка — и потоки в ней
  стоят в очереди);
* **общий счётчик под Lock** — все прибавляют к одному числу под одной
  :class:`threading.Lock`;
* **свои копии** — каждый поток создаёт свой список и пишет в него, а списки
  склеиваются один раз в конце.

Работа каждого потока одинакова, так что при идеальном масштабировании два
потока делают вдвое больше обновлений в секунду, чем один.
"""

# %%
# Где выполняется замер
# ---------------------
#
# Функции — в ``potok.safety`` (``update`` и ``contention``). Как и в примере
# :ref:`sphx_glr_auto_examples_11_thread_safety_plot_hidden_races.py`, замер
# выполняет дочерний процесс ``python -m potok.safety contention ...``: на
# интерпретаторе, который выполняет пример (с GIL), и на free-threaded сборке,
# если она нашлась. Варианты и числа потоков чередуются (A B A B …), каждый —
# с прогревом и несколькими повторами.

import sys
from dataclasses import replace

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, safety

N = measure.scale(150_000, 20_000)  # обновлений на поток
REPEATS = measure.scale(3, 2)
CPUS = machine.usable_cpus()
WORKERS = sorted({1, 2, min(CPUS, 4)})
LABELS = {
    "shared-list": "общий список (append)",
    "shared-lock": "общий счётчик под Lock",
    "private": "свои копии, склейка в конце",
}
ARGS = ("--n", str(N), "--workers", ",".join(map(str, WORKERS)))
ARGS += ("--repeats", str(REPEATS))

print(machine.stamp())
print(f"обновлений на поток: {N:_}; потоков: {WORKERS}; повторов: {REPEATS}")
sides = {"с GIL": safety.run_in(sys.executable, "contention", *ARGS)}
found = safety.free_threaded_pythons()
if found:
    print(f"free-threaded сборка: {found[0].label}, {found[0].path}")
    try:
        sides["free-threaded"] = safety.run_in(found[0].path, "contention", *ARGS)
    except safety.OtherInterpreterFailed as exc:
        last = str(exc).strip().splitlines()[-1]
        print(f"не измерено: {found[0].path} завершился с ошибкой ({last})")
else:
    print(
        "free-threaded сборки на этой машине нет: масштабирование без GIL не "
        "измерено. Нужен python3.13t или python3.14t в PATH, в POTOK_EXTRA_PYTHONS "
        "или в ~/.cache/potok/pythons/ (например, `uv python install 3.14t`); "
        "ниже — только сторона с GIL."
    )


def speedups(res: dict) -> dict[str, list[float]]:
    """Updates per second relative to one thread: w * t(1) / t(w)."""
    out = {}
    for v in safety.VARIANTS:
        t = {int(w): measure.Timing(tuple(s)) for w, s in res["result"][v].items()}
        out[v] = [w * t[1].median / t[w].median for w in WORKERS]
    return out


speed = {side: speedups(res) for side, res in sides.items()}
for side, res in sides.items():
    state = "GIL включён" if res["gil_enabled"] else "GIL выключен"
    print(f"--- {res['python']}; после работы: {state}")
    for v in safety.VARIANTS:
        one = measure.Timing(tuple(res["result"][v]["1"]))
        gains = ", ".join(
            f"потоков {w}: ×{s:.2f}"
            for w, s in zip(WORKERS, speed[side][v], strict=True)
        )
        print(f"  {LABELS[v]:<28} один поток: {one}; {gains}")

# %%
# График
# ------
#
# По панели на интерпретатор. По вертикали — во сколько раз больше обновлений в
# секунду делают все потоки вместе, чем один поток. Пунктир — идеал: ×N, но не
# больше числа ядер.

fig, axes = plots.figure(1, len(sides), width=5 * len(sides) + 1, height=4.2)
axes = [axes] if len(sides) == 1 else list(axes)
for ax, (side, res) in zip(axes, sides.items(), strict=True):
    for color, v in zip(plots.PALETTE, safety.VARIANTS, strict=False):
        ax.plot(WORKERS, speed[side][v], marker="o", color=color, label=LABELS[v])
    ax.plot(
        WORKERS,
        [min(w, CPUS) for w in WORKERS],
        linestyle="--",
        color=plots.REFERENCE,
        label=f"идеал: ×N, не больше ядер ({CPUS})",
    )
    ax.axhline(1, color=plots.REFERENCE, linewidth=0.8)
    ax.set_xticks(WORKERS)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("число потоков")
    ax.set_ylabel("обновлений в секунду, раз от одного потока")
    gil = "GIL включён" if res["gil_enabled"] else "GIL выключен"
    ax.set_title(f"{res['python'].split(' (')[0]}: {gil}", fontsize=10)
axes[0].legend(fontsize=8)
both = " и ".join(res["python"] for res in sides.values())
plots.stamp(fig, replace(machine.Stamp(**sides["с GIL"]["stamp"]), python=both))
plt.show()

# %%
# Что проверяется
# ---------------

top = WORKERS.index(2)
gil_speed = speed["с GIL"]
claims.check(
    "на сборке с GIL два потока не делают больше обновлений, чем один, ни одним "
    "способом",
    confirmed=all(gil_speed[v][top] < 1.3 for v in safety.VARIANTS),
    evidence=", ".join(
        f"{LABELS[v]}: ×{gil_speed[v][top]:.2f}" for v in safety.VARIANTS
    ),
)
ft = sides.get("free-threaded")
if ft is not None and not ft["gil_enabled"]:
    s = speed["free-threaded"]
    claims.check(
        "без GIL свои копии масштабируются лучше общего счётчика под блокировкой",
        confirmed=s["private"][top] > s["shared-lock"][top],
        evidence=(
            f"2 потока: свои копии ×{s['private'][top]:.2f}, "
            f"общий счётчик ×{s['shared-lock'][top]:.2f}"
        ),
        reason_if_not="машина была занята другими программами",
    )
elif ft is not None:
    print(
        "free-threaded сборка работала с включённым GIL: её замер — это замер с "
        "GIL, масштабирование без GIL не измерено."
    )

# %%
# Что видно на графике
# --------------------
#
# **С GIL** все линии лежат у единицы или ниже: сколько бы ни было потоков,
# байт-код выполняет один, а переключения между ними ещё и отнимают время.
#
# **Без GIL** (правая панель, если она есть) линии должны разойтись. «Свои
# копии» могут тянуться к пунктиру: у каждого потока свой список в своей памяти,
# и ядрам нечего делить. Общий счётчик под блокировкой так не может: все потоки
# стоят в очереди к одной блокировке, а строка кеша с ней и со счётчиком всё
# время переезжает с ядра на ядро. Общий список — между ними: каждое ``append``
# берёт блокировку списка. Подтвердилось ли это на машине, собравшей сайт,
# написано в проверке выше. Если нет, смотрите на штамп: на двух ядрах, которые
# делят с другими программами, два потока редко получают два ядра одновременно,
# и тогда без GIL масштабироваться нечему — ни общему объекту, ни своим копиям.
#
# Почему каждый поток создаёт свой список сам, а не получает готовый от
# главного потока: списки, созданные подряд одним потоком, лежат в памяти рядом,
# и заголовки двух списков могут попасть в одну строку кеша. Без GIL каждое
# ``append`` пишет в заголовок (длина, блокировка списка), и ядра гоняли бы эту
# строку друг у друга, хотя данные у потоков разные, — это называют ложным
# разделением (false sharing). Объект, созданный самим потоком, free-threaded
# сборка размещает в памяти этого потока (у каждого потока своя куча mimalloc,
# :pep:`703`).
#
# Отсюда правило, которое не зависит от сборки: пусть потоки копят результат у
# себя (в локальной переменной, своём списке, :class:`threading.local`) и
# сливают его вместе один раз в конце.
#
# Что изменится на другой машине
# ------------------------------
#
# Чем больше ядер, тем дальше без GIL уходят вверх «свои копии» и тем ниже
# остаётся общий счётчик. Free-threaded 3.13t ещё и заметно медленнее в одном
# потоке, чем 3.14t: в 3.13 у этой сборки был отключён специализирующий
# интерпретатор; время одного потока напечатано выше.
