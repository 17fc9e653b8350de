"""
Общий словарь: чтение, запись и свой словарь
============================================

Встроенные ``dict``, ``list`` и ``set`` на free-threaded сборке
потокобезопасны: у каждого объекта своя маленькая блокировка
(:pep:`703`, «per-object locks»), а чтение словаря и списка обходится без неё
вовсе. Но потокобезопасный — не значит масштабируемый: эти типы не задуманы как
общие коллекции для многих потоков сразу. Здесь каждый поток делает ``n``
обращений к своим ключам тремя способами:

* **читает общий словарь** — ``hits += shared[key]``; словарь заполнил главный
  поток;
* **пишет в общий словарь** — ``merged[key] = 1``: каждая запись берёт
  блокировку словаря, и все потоки меняют одну и ту же таблицу;
* **пишет в свой словарь** и один раз в конце сливает его в общий под
  :class:`threading.Lock`.
"""

# %%
# Код
# ---
#
# Ниже — весь код замера: три функции-способа, ``run`` (потоки стартуют вместе у
# барьера и сообщают своё процессорное время; записи проверяются: ни одна не
# потерялась) и ``contention`` (все способы и числа потоков по очереди; заодно
# — какой командой интерпретатор загружает словарь в цикле чтения).
#
# .. literalinclude:: _shared_dict.py
#
# Чтобы запустить пример у себя, скачайте и этот модуль и положите его рядом:
# :download:`_shared_dict.py`.
#
# Код выполняет новейшая free-threaded сборка, которая нашлась, с
# ``-X gil=0`` (``potok.interpreters.Child``).

# sphinx_gallery_tags = ["потоки", "free-threaded"]
import _shared_dict
import matplotlib.pyplot as plt

from potok import claims, cpu, interpreters, machine, measure, plots

N = measure.scale(250_000, 20_000)  # обращений на поток
REPEATS = measure.scale(5, 2)
CPUS = machine.usable_cpus()
WORKERS = sorted({1, 2, min(CPUS, 4)})
LABELS = {
    "read": "чтение общего словаря",
    "write": "запись в общий словарь",
    "own": "свой словарь, слияние в конце",
}

print(machine.stamp())
survey = interpreters.available()
here = interpreters.here()
free = here if here.free_threaded else survey.newest(free_threaded=True)
print(survey.not_measured(interpreters.FREE_THREADED) or "free-threaded: всё найдено")
res = None
try:
    if free is not None:
        with interpreters.Child(free, options=["-X", "gil=0"]) as child:
            res = child.call(_shared_dict.contention, WORKERS, N, REPEATS)
except interpreters.ChildFailed as exc:
    if free is here:
        raise
    print(f"не измерено: {free.label} ({str(exc).strip().splitlines()[-1]})")


def per_op(kind: str, v: str) -> list[measure.Timing]:
    """Время на одно обращение (с) или процессорное время на обращение (нс)
    для каждого числа потоков."""
    if kind == "cpu_ns":
        return [measure.Timing(tuple(res["cpu_ns"][f"{v} {w}"])) for w in WORKERS]
    return [
        measure.Timing(tuple(s / (w * N) for s in res["wall"][f"{v} {w}"]))
        for w in WORKERS
    ]


def speed(v: str, w: int) -> float:
    """Во сколько раз больше обращений в секунду делают ``w`` потоков."""
    wall = per_op("wall", v)
    return wall[0].median / wall[WORKERS.index(w)].median


def together(v: str, w: int) -> float:
    """Сколько CPU заняли ``w`` потоков на самом деле (медиана)."""
    busy = per_op("cpu_ns", v)[WORKERS.index(w)].median * w * N / 1e9
    return busy / measure.Timing(tuple(res["wall"][f"{v} {w}"])).median


if res is not None:
    state = "GIL включён" if res["gil"] else "GIL выключен"
    print(
        f"--- {res['stamp'].python}; после работы: {state}; словарь в цикле "
        f"чтения загружает {' '.join(res['read_load'])}"
    )
    for v, label in LABELS.items():
        for w in WORKERS:
            ns = per_op("cpu_ns", v)[WORKERS.index(w)].median
            print(
                f"  {label:<30} потоков {w}: ×{speed(v, w):.2f} обращений в "
                f"секунду, {ns:.0f} нс процессора на обращение, занято CPU: "
                f"{together(v, w):.2f}"
            )
print(cpu.machine_load())

# %%
# График
# ------
#
# Слева — во сколько раз больше обращений в секунду сделали все потоки вместе,
# чем один поток (полоса — от худшего до лучшего повтора; пунктир — идеал).
# Справа — процессорное время потока на одно обращение: растущая линия значит,
# что потоки мешают друг другу.

if res is not None:
    fig, (left, right) = plots.figure(1, 2, width=11, height=4.4)
    for v, label in LABELS.items():
        wall = per_op("wall", v)
        plots.speedup(
            left, WORKERS, {label: wall}, baseline=wall[0].median, ideal=False
        )
        plots.medians(right, WORKERS, per_op("cpu_ns", v), label=label)
    left.plot(
        WORKERS,
        [min(w, CPUS) for w in WORKERS],
        linestyle="--",
        color=plots.REFERENCE,
        label=f"идеал: ×N, не больше CPU ({CPUS})",
    )
    left.set_xlabel("число потоков")
    left.set_ylabel("обращений в секунду, раз от одного потока")
    left.set_ylim(bottom=0)
    left.legend(fontsize=8)
    right.set_xticks(WORKERS)
    right.set_xlabel("число потоков")
    right.set_ylabel("процессорное время на обращение, нс")
    right.set_ylim(bottom=0)
    right.legend(fontsize=8)
    fig.suptitle(f"{free.label}, -X gil=0: общий словарь и свой")
    plots.stamp(fig, res["stamp"])
    plt.show()

# %%
# Что проверяется
# ---------------

if res is not None and not res["gil"]:
    key = free.key.replace(".", "")
    dearer = {
        v: per_op("cpu_ns", v)[1].median / per_op("cpu_ns", v)[0].median for v in LABELS
    }

    def why(busy: float) -> str:
        if busy > 1.4:  # потоки работали вместе, а разницы нет
            return "разница утонула в шуме"
        return f"потоки не работали одновременно (заняли {busy:.2f} CPU): " + (
            cpu.machine_load()
        )

    busy = min(together(v, 2) for v in ("write", "own"))
    claims.check(
        "shared-dict-writes-contend",
        "без GIL запись в общий словарь двумя потоками сразу дороже, чем одним, а "
        "запись в свой словарь — нет",
        confirmed=busy > 1.4 and dearer["write"] > 1.3 and dearer["own"] < 1.2,
        evidence=f"процессорное время на запись, 2 потока ÷ 1 поток: общий "
        f"×{dearer['write']:.2f}, свой ×{dearer['own']:.2f}; занято CPU: {busy:.2f}",
        numbers={"write": dearer["write"], "own": dearer["own"], "cpus": busy},
        reason_if_not=why(busy),
        stamp=res["stamp"],
    )
    # 3.13 загружает локальную переменную со ссылкой (LOAD_FAST): каждое
    # чтение пишет в счётчик общего словаря; 3.14 — взаймы (LOAD_FAST_BORROW)
    borrow = any("BORROW" in name for name in res["read_load"])
    busy = together("read", 2)
    claims.check(
        f"shared-dict-reads-{key}",
        f"{free.label}: чтение общего словаря "
        + (
            "не дорожает рядом со вторым потоком: словарь загружается без ссылки"
            if borrow
            else "дорожает рядом со вторым потоком: каждая загрузка "
            "словаря меняет его счётчик ссылок"
        ),
        confirmed=busy > 1.4
        and (dearer["read"] < 1.2 if borrow else dearer["read"] > 1.2),
        evidence=f"чтение ×{dearer['read']:.2f} ({' '.join(res['read_load'])}); "
        f"занято CPU: {busy:.2f}",
        numbers={"read": dearer["read"], "borrow": borrow, "cpus": busy},
        reason_if_not=why(busy),
        stamp=res["stamp"],
    )

# %%
# Что видно на графике
# --------------------
#
# **Запись в общий словарь** не должна масштабироваться: каждая запись берёт
# блокировку словаря, и даже когда она свободна, строка кеша с ней и с таблицей
# словаря переезжает от ядра к ядру. **Свой словарь** в одном потоке чуть
# дороже (его ещё надо слить), зато его линия справа должна быть ровной:
# потоки не делят ничего, кроме одного слияния в конце. Так советует и запрос
# о разделе про производительность в руководстве по free-threaded Python
# (`#151 <https://github.com/Quansight-Labs/free-threaded-compatibility/issues/151>`_):
# копите у себя, сливайте в конце.
#
# **Чтение** не берёт блокировку, но загружает сам словарь: в 3.13 это новая
# ссылка (команды ``LOAD_FAST`` и ``LOAD_FAST_LOAD_FAST``), то есть запись в
# счётчик общего словаря на каждом шаге, и чтение дорожает рядом со вторым
# потоком; с 3.14 ссылка берётся взаймы (``LOAD_FAST_BORROW``) и счётчик не
# меняется. Какую команду выполнила измеренная сборка, напечатано выше.
# Значения здесь — маленькие целые (бессмертные); если значения в словаре
# обычные объекты, каждое чтение ещё и берёт ссылку на значение, как в примере
# :ref:`sphx_glr_auto_examples_15_free_threaded_scaling_plot_shared_refcount.py`.
#
# Что изменится на другой машине
# ------------------------------
#
# Два логических процессора показывают только шаг от одного потока к двум, и
# то если оба свободны (сколько CPU потоки заняли, напечатано выше). С ростом
# числа ядер запись в общий словарь становится относительно всё хуже, а свой
# словарь — нет.
