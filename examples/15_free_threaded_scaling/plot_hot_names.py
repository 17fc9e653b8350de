"""
Горячие имена: что CPython разрешает делить без потерь
======================================================

Чтение общего объекта пишет в его счётчик ссылок (пример
:ref:`sphx_glr_auto_examples_15_free_threaded_scaling_plot_shared_refcount.py`).
Но функции, классы и модули общие у потоков всегда, поэтому для них CPython
делает исключения, и в разных версиях — разные: в 3.13t функции модуля,
классы и модули становятся :term:`бессмертными <бессмертный объект>`, когда
запускается первый поток, кроме главного; в 3.14t их ссылки считаются
:term:`отложенно <отложенный подсчёт ссылок>` или в счётчике у каждого потока,
и туда же добавлен :class:`threading.local`; литералы кода бессмертны в обеих
версиях (таблица — в главе :doc:`/chapters/15-free-threaded-scaling`).

Всё остальное — экземпляры, списки, словари, замыкания — обычные объекты. Здесь
потоки в цикле берут одну и ту же строку ``"fast"`` девятью способами и
измеряют, во сколько раз каждое обращение дорожает, когда рядом работает
второй поток.
"""

# %%
# Код
# ---
#
# Ниже — весь код: по функции на способ (``literal`` … ``hoisted``), ``run``
# запускает их в одном или двух потоках и возвращает процессорное время на
# одно обращение, ``contention`` измеряет все способы по очереди и сообщает,
# какие из объектов на этой сборке бессмертны. Значение везде — строковый
# литерал (он бессмертен), так что разница только в том, через что оно взято.
#
# .. literalinclude:: _hot_names.py
#
# Чтобы запустить пример у себя, скачайте и этот модуль и положите его рядом:
# :download:`_hot_names.py`.
#
# Код выполняет каждая free-threaded сборка, которая нашлась, с ``-X gil=0``
# (``potok.interpreters.Child``): разница между версиями — предмет примера.

# sphinx_gallery_tags = ["потоки", "free-threaded"]
import _hot_names
import matplotlib.pyplot as plt

from potok import claims, cpu, interpreters, machine, measure, plots

N = measure.scale(300_000, 30_000)  # обращений на поток
REPEATS = measure.scale(5, 2)
LABELS = {
    "literal": "MODE — литерал в глобальной",
    "function": "helper() — функция модуля",
    "module": "MODULE.MODE — атрибут модуля",
    "class": "Config.mode — атрибут класса",
    "instance": "CONFIG.mode — экземпляр",
    "list": "TABLE[0] — список",
    "local": "LOCAL.mode — threading.local",
    "alias": "config.mode — экземпляр в локальной",
    "hoisted": "CONFIG.mode до цикла",
}

print(machine.stamp())
survey = interpreters.available()
builds = [p for p in survey.interpreters if p.free_threaded]
print(survey.not_measured(interpreters.FREE_THREADED) or "free-threaded: всё найдено")
results = {}
for python in builds:
    try:
        with interpreters.Child(python, options=["-X", "gil=0"]) as child:
            results[python] = child.call(_hot_names.contention, [1, 2], N, REPEATS)
    except interpreters.ChildFailed as exc:
        if python.key == interpreters.here().key:
            raise
        print(f"не измерено: {python.label} ({str(exc).strip().splitlines()[-1]})")


def ratio(res: dict, pattern: str) -> float:
    """Во сколько раз дороже обращение, когда рядом работает второй поток."""
    ns = res["cpu_ns"]
    return (
        measure.Timing(tuple(ns[f"{pattern} 2"])).median
        / measure.Timing(tuple(ns[f"{pattern} 1"])).median
    )


def together(res: dict, pattern: str) -> float:
    """Сколько CPU заняли два потока на самом деле (медиана повторов)."""
    busy = measure.Timing(tuple(res["cpu_ns"][f"{pattern} 2"])).median * 2 * N / 1e9
    return busy / measure.Timing(tuple(res["wall"][f"{pattern} 2"])).median


for res in results.values():
    state = "GIL включён" if res["gil"] else "GIL выключен"
    print(
        f"--- {res['stamp'].python}; после работы: {state}; config в цикле "
        f"alias загружает {' '.join(res['alias_load'])}"
    )
    for p, label in LABELS.items():
        one = measure.Timing(tuple(res["cpu_ns"][f"{p} 1"])).median
        mark = "бессмертен" if res["immortal"].get(p) else ""
        print(
            f"  {label:<37} {one:5.1f} нс в одиночку, ×{ratio(res, p):.2f} рядом со "
            f"вторым потоком (занято CPU: {together(res, p):.2f}) {mark}"
        )
print(cpu.machine_load())

# %%
# График
# ------
#
# По панели на сборку. Столбец — во сколько раз больше процессорного времени
# уходит на одно обращение, когда два потока работают одновременно, чем когда
# поток один. Вертикальная линия — «не дороже»: там, где нечего делить. Синие
# столбцы — пути, которые CPython этой версии, по её документации, исключает
# (бессмертие, отложенный подсчёт, загрузка взаймы); оранжевые — обычные общие
# объекты. Над панелью — сколько CPU заняли два потока (меньше всего за все
# пути).

if results:
    fig, axes = plots.figure(
        1, len(results), width=4.5 * len(results) + 3.5, height=4.2
    )
    axes = [axes] if len(results) == 1 else list(axes)
    for ax, (python, res) in zip(axes, results.items(), strict=True):
        exempt = {"literal", "function", "module", "class", "hoisted"}
        exempt |= {"local"} if python.key != "3.13t" else set()
        exempt |= {"alias"} if "LOAD_FAST_BORROW" in res["alias_load"] else set()
        for kind, color, label in ((True, 0, "исключение CPython"),
                                   (False, 1, "обычный общий объект")):  # fmt: skip
            rows = [i for i, p in enumerate(LABELS) if (p in exempt) == kind]
            values = [ratio(res, list(LABELS)[i]) for i in rows]
            ax.barh(rows, values, color=plots.PALETTE[color], label=label)
        ax.axvline(1, color=plots.REFERENCE, linestyle="--")
        ax.set_yticks(
            range(len(LABELS)),
            list(LABELS.values()) if ax is axes[0] else [""] * len(LABELS),
        )
        ax.invert_yaxis()
        ax.set_xlabel("процессорное время на обращение:\n2 потока ÷ 1 поток, раз")
        busy = min(together(res, p) for p in LABELS)
        ax.set_title(f"{python.label}: заняли {busy:.2f} CPU", fontsize=10)
    axes[0].legend(fontsize=8, loc="lower right")
    plots.stamp(fig, next(iter(results.values()))["stamp"])
    plt.show()

# %%
# Что проверяется
# ---------------
#
# Проверка имеет смысл, только если два потока действительно работали
# одновременно: иначе им не из-за чего дорожать. Поэтому в каждой проверке
# есть, сколько CPU они заняли на тех способах, о которых она говорит.


def judged(res: dict, patterns: tuple, *, dearer: bool) -> dict:
    """Вердикт о способах ``patterns``: все дорожают больше чем в 1,3 раза
    (``dearer``) или все меньше чем в 1,2 раза. Засчитывается, только если два
    потока действительно работали одновременно (заняли больше 1,4 CPU)."""
    ratios = {p: ratio(res, p) for p in patterns}
    busy = min(together(res, p) for p in patterns)
    ok = min(ratios.values()) > 1.3 if dearer else max(ratios.values()) < 1.2
    why = f"потоки не работали одновременно (заняли {busy:.2f} CPU): "
    smt = "потоки шли на одном ядре (SMT) " + (
        "и строке кеша некуда было переезжать, или разница утонула в шуме"
        if dearer
        else "и мешали друг другу и без общего объекта"
    )
    return {
        "confirmed": busy > 1.4 and ok,
        "evidence": ", ".join(f"{p} ×{v:.2f}" for p, v in ratios.items())
        + f"; занято CPU: {busy:.2f}",
        "numbers": {**ratios, "cpus": busy},
        "reason_if_not": smt if busy > 1.4 else why + cpu.machine_load(),
    }


for python, res in results.items():
    if res["gil"]:
        print(f"{python.label}: GIL включился, без-GIL-сторона не измерена")
        continue
    key, stamp = python.key.replace(".", ""), res["stamp"]
    exempt = ("literal", "function", "module", "class", "hoisted")
    claims.check(
        f"exempt-names-scale-{key}",
        f"{python.label}: литерал, функция модуля, атрибуты модуля и класса и "
        "значение, взятое до цикла, не дорожают рядом со вторым потоком",
        **judged(res, exempt, dearer=False),
        stamp=stamp,
    )
    claims.check(
        f"shared-objects-contend-{key}",
        f"{python.label}: экземпляр и список, общие для потоков, дорожают рядом "
        "со вторым потоком",
        **judged(res, ("instance", "list"), dearer=True),
        stamp=stamp,
    )
    # 3.14 загружает локальную переменную без новой ссылки (LOAD_FAST_BORROW)
    borrow = "LOAD_FAST_BORROW" in res["alias_load"]
    claims.check(
        f"local-alias-{key}",
        f"{python.label}: экземпляр в локальной переменной, загруженной командой "
        f"{' '.join(res['alias_load'])}, "
        + ("не дорожает" if borrow else "дорожает так же, как глобальный"),
        **judged(res, ("alias",), dearer=not borrow),
        stamp=stamp,
    )
    # 3.13t: объект threading.local — обычный общий объект (gh-128691);
    # с 3.14 — отложенный подсчёт ссылок
    old = python.key == "3.13t"
    claims.check(
        f"thread-local-{key}",
        f"{python.label}: обращение к threading.local "
        + ("дорожает: сам объект общий" if old else "не дорожает"),
        **judged(res, ("local",), dearer=old),
        stamp=stamp,
    )

# %%
# Что видно на графике
# --------------------
#
# Литерал, функция модуля, атрибуты модуля и класса и значение, взятое до цикла,
# не должны дорожать: литерал бессмертен, функция, модуль и класс — исключения
# CPython (какие объекты бессмертны на измеренной сборке, напечатано выше).
# ``CONFIG.mode`` и ``TABLE[0]`` берут ссылку на обычный объект главного потока,
# и два потока пишут в один счётчик. Отсюда главный приём: **не держите в
# горячем цикле общий объект — возьмите из него значение заранее**.
#
# Экземпляр в локальной переменной — та же ловушка или нет, в зависимости от
# команды, которой интерпретатор загружает переменную (напечатана выше).
# ``LOAD_FAST`` (3.13) берёт новую ссылку, то есть пишет в счётчик общего
# объекта. ``LOAD_FAST_BORROW`` (с 3.14) берёт ссылку взаймы, не трогая счётчик
# (:ref:`что нового в 3.14 <python:whatsnew314-refcount>`), — но только пока
# переменную никуда не кладут: ``x = config`` снова берёт ссылку.
#
# Объект ``threading.local`` в 3.13t — обычный общий объект, хотя атрибуты у
# каждого потока свои (`gh-128691
# <https://github.com/python/cpython/issues/128691>`_); с 3.14 у него отложенный
# подсчёт ссылок. Если строка «Не измерено» выше называет 3.14t, сравнить версии
# на этой странице нельзя, и отличия 3.14t остаются словами документации.
#
# Что изменится на другой машине
# ------------------------------
#
# Если логических процессоров два и их занимают другие программы, два потока
# работают одновременно не всё время, и цена растёт меньше (сколько CPU они
# заняли, напечатано). Чем больше ядер делят один счётчик, тем сильнее
# дорожают обычные общие объекты; исключения остаются исключениями.
