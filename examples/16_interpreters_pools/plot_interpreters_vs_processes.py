"""
Когда пул интерпретаторов обгоняет пул процессов
================================================

Что ``InterpreterPoolExecutor`` ускоряет вычисления на чистом Python не хуже
пула процессов, показывает пример
:ref:`sphx_glr_auto_examples_08_today_plot_interpreter_pool.py`. Здесь — две
другие его стороны, которые решают выбор между ними: **сколько стоит запустить
исполнителя** и **сколько стоит переслать задаче данные**.

Субинтерпретатор живёт в том же процессе: ему не нужен ни новый процесс, ни
канал между процессами. Но он начинает с пустого ``sys.modules`` и импортирует
всё заново, а данные получает одним из путей со страницы
:ref:`sphx_glr_auto_examples_16_interpreters_pools_plot_shared_memoryview.py`:
``bytes`` — прямой копией, список — через pickle.
"""

# %%
# Код
# ---
#
# .. literalinclude:: _interpreters_vs_processes.py
#
# :download:`_interpreters_vs_processes.py`
#
# ``start_costs`` по очереди, круг за кругом, запускает пул из одного
# исполнителя, даёт ему одну пустую задачу и закрывает его: пул интерпретаторов
# и пул процессов при каждом методе запуска, который есть на этой платформе.
# ``transfer_costs`` в прогретых пулах измеряет одну задачу ``len(данные)``:
# ``bytes`` разной длины и списки чисел разной длины. Модуль выполняет самый
# новый найденный Python 3.14 или новее со сборкой с GIL
# (``potok.interpreters.Child``), с тем же методом запуска процессов, что у
# примера.

# sphinx_gallery_tags = ["процессы", "субинтерпретаторы"]
import _interpreters_vs_processes
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots, start_methods

KIB = 1024
BYTES = measure.scale([KIB, 256 * KIB, 4096 * KIB], [KIB, 64 * KIB])
ITEMS = measure.scale([100, 10_000, 100_000], [100, 10_000])
REPEATS = measure.scale(3, 2)
START_REPEATS = measure.scale(2, 1)

print(machine.stamp())
survey = interpreters.available()
me = interpreters.here()
found = {p.key: p for p in survey.interpreters} | {me.key: me}
pythons = [
    found[key]
    for key in interpreters.ORDER
    if key in found and found[key].interpreter_pool and not found[key].free_threaded
]
python = pythons[-1] if pythons else None
print("измеряется в:", python.label if python else "нигде")
if python is None:
    print(
        "Не измерено: InterpreterPoolExecutor появился в Python 3.14, а такого "
        f"интерпретатора здесь нет. {survey.not_measured(['3.14', '3.15'])}"
    )

got = {}
if python is not None:
    env = {start_methods.START_METHOD_ENV: start_methods.start_method()}
    with interpreters.Child(python, env=env) as child:
        got["start"] = child.call(_interpreters_vs_processes.start_costs, START_REPEATS)
        for kind, sizes in (("bytes", BYTES), ("list", ITEMS)):
            got[kind] = child.call(
                _interpreters_vs_processes.transfer_costs, kind, sizes, REPEATS
            )
    stamp = got["start"]["stamp"]
    print(f"--- {stamp.python}, метод запуска примера: {stamp.start_method} ---")
    print("запуск пула из одного исполнителя, задача, shutdown:")
    for name, t in got["start"]["timings"].items():
        print(f"  {name:>22}: {t}")
    for kind, sizes, unit in (("bytes", BYTES, "байт"), ("list", ITEMS, "чисел")):
        print(f"одна задача len(данные), {kind}:")
        for name, series in got[kind]["costs"].items():
            cells = ", ".join(
                f"{size} {unit} — {measure.format_seconds(t.median)}"
                for size, t in zip(sizes, series, strict=True)
            )
            print(f"  {name:>15}: {cells}")

# %%
# График
# ------
#
# Слева — жизнь пула из одного исполнителя: запуск, одна задача, ``shutdown``.
# В середине и справа — одна задача в прогретом пуле в зависимости от размера
# данных: ``bytes`` и список чисел. Точка — медиана, отрезок — от минимума до
# максимума; в середине и справа обе оси логарифмические.

if got:
    fig, (left, middle, right) = plots.figure(1, 3, width=12, height=4.2)
    starts = got["start"]["timings"]
    plots.medians(left, range(len(starts)), list(starts.values()), per=1e-3,
                  linestyle="none")  # fmt: skip
    ticks = [n.replace("процессы, ", "процессы\n") for n in starts]
    left.set_xticks(range(len(starts)), ticks, fontsize=8, rotation=20)
    left.set_ylim(bottom=0)
    left.set_ylabel("время, мс")
    left.set_title("Запуск пула и одна задача")
    for ax, kind, sizes, label in (
        (middle, "bytes", [s / KIB for s in BYTES], "размер bytes, КиБ"),
        (right, "list", ITEMS, "длина списка, чисел"),
    ):
        for name, series in got[kind]["costs"].items():
            plots.medians(ax, sizes, series, per=1e-3, label=name)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel("время задачи, мс")
        ax.set_title(f"Задача с данными: {kind}")
        ax.legend()
    plots.stamp(fig, stamp)
    plt.show()

# %%
# Что проверяется
# ---------------

if got:
    label = python.label
    starts = {name: t.median for name, t in got["start"]["timings"].items()}
    interp_start = starts.pop("интерпретаторы")
    slower = [n for n, s in starts.items() if s > interp_start]
    faster = [n for n, s in starts.items() if s <= interp_start]
    claims.check(
        "interpreter-start-between",
        f"{label}: пул интерпретаторов запускается дороже пула процессов с fork, "
        "но дешевле пула процессов со spawn",
        confirmed="процессы, fork" in faster and "процессы, spawn" in slower
        if "процессы, fork" in starts
        else "процессы, spawn" in slower,
        evidence=f"интерпретатор {interp_start * 1e3:.0f} мс; "
        + ", ".join(f"{n} {s * 1e3:.0f} мс" for n, s in starts.items()),
        numbers={"interpreter_ms": interp_start * 1e3}
        | {n.split(", ")[1] + "_ms": s * 1e3 for n, s in starts.items()},
        reason_if_not="машина была занята во время замера",
        stamp=stamp,
    )

    def ms(kind: str, at: int) -> tuple[float, float]:
        """Медианы задачи в мс при размере номер at: интерпретатор, процесс."""
        costs = got[kind]["costs"]
        return tuple(costs[n][at].median * 1e3 for n in ("интерпретаторы", "процессы"))

    def said(kind: str, at: int) -> str:
        i, p = ms(kind, at)
        size = f"{BYTES[at] // KIB} КиБ" if kind == "bytes" else f"{ITEMS[at]} чисел"
        return f"{size}: интерпретатор {i:.2f} мс, процесс {p:.2f} мс"

    i, p = ms("bytes", -1)
    claims.check(
        "bytes-cheaper-to-interpreter",
        f"{label}: задача в пуле интерпретаторов получает большие bytes в разы "
        "быстрее, чем в пуле процессов",
        confirmed=i * 3 < p,
        evidence=said("bytes", -1),
        numbers={"interpreter_ms": i, "process_ms": p},
        reason_if_not="размер слишком мал, чтобы пересылка была заметна",
        stamp=stamp,
    )
    i, p = ms("bytes", 0)
    claims.check(
        "small-task-cheaper-in-interpreter",
        f"{label}: маленькая задача в пуле интерпретаторов обходится дешевле, чем "
        "в пуле процессов",
        confirmed=i < p,
        evidence=said("bytes", 0),
        numbers={"interpreter_ms": i, "process_ms": p},
        reason_if_not="машина была занята во время замера",
        stamp=stamp,
    )
    i, p = ms("list", -1)
    claims.check(
        "pickled-list-no-cheaper",
        f"{label}: список (он идёт через pickle) пул интерпретаторов пересылает не "
        "быстрее пула процессов",
        confirmed=i >= 0.8 * p,
        evidence=said("list", -1),
        numbers={"interpreter_ms": i, "process_ms": p},
        reason_if_not="в этой версии pickle между интерпретаторами стал дешевле",
        stamp=stamp,
    )

# %%
# Что видно на графиках
# ---------------------
#
# **Запуск.** Новый субинтерпретатор не бесплатен: он создаёт свои модули и
# импортирует всё, что нужно задаче, заново, — в 3.14 это не оптимизировано.
# Поэтому пул интерпретаторов запускается дольше, чем пул процессов с ``fork``
# (копия готового процесса), но быстрее, чем со ``spawn`` (новый интерпретатор
# в новом процессе импортирует всё с нуля). ``forkserver`` — между ними: он
# копирует заранее запущенный сервер, а модули пула импортирует в каждом
# процессе. Какая точка где у вас — смотрите на левый график и на
# вердикт выше.
#
# **Данные.** ``bytes`` (и ``str``) в субинтерпретатор копируются напрямую, без
# pickle и без канала: на больших данных пул интерпретаторов выигрывает в разы,
# а ``memoryview`` не копируется вовсе. Маленькая задача тоже дешевле: нет
# записи в канал и чтения из него. Но список, словарь, свой класс идут через
# pickle — и здесь пул интерпретаторов не выигрывает ничего.
#
# Итог: пул интерпретаторов обгоняет пул процессов, когда пул живёт долго (его
# запуск окупается), задачи мелкие и частые, а данные — ``bytes``, ``str`` или
# буферы (``memoryview``). Если задачи получают большие списки и словари или
# нужны NumPy и другие расширения, которые в субинтерпретаторе не загружаются
# (:ref:`sphx_glr_auto_examples_16_interpreters_pools_plot_interpreter_refusals.py`),
# остаётся пул процессов.
