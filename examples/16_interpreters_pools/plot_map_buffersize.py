"""
Executor.map над длинным входом: buffersize
===========================================

:meth:`Executor.map <concurrent.futures.Executor.map>` не ленив: прежде чем
отдать первый результат, он читает вход **целиком** и отправляет в пул по
задаче на каждый элемент. На входе в сто элементов этого не видно. На входе в
миллион строк файла это миллион объектов :class:`~concurrent.futures.Future` в
памяти и ожидание до первого результата, а бесконечный вход (генератор,
``itertools.count()``) ``map`` не переварит никогда.

С Python 3.14 у ``map`` есть параметр ``buffersize``: сколько задач держать
отправленными, но ещё не отданными. Когда буфер полон, чтение входа ждёт, пока
вызывающий заберёт результат. Пример измеряет оба способа на одном и том же
входе в пуле потоков: когда пришёл первый результат, когда все, и сколько
памяти понадобилось.
"""

# %%
# Код
# ---
#
# .. literalinclude:: _map_buffersize.py
#
# :download:`_map_buffersize.py`
#
# ``one_map`` — ``map`` над ``range(N)`` в пуле из двух потоков; задача
# крошечная, так что видно, сколько стоит сам ``map``. ``peak_memory`` — тот
# же ``map`` под :mod:`tracemalloc`: наибольший объём памяти, выделенной
# Python'ом. Модуль выполняет самый новый найденный Python 3.14 или новее со
# сборкой с GIL (``potok.interpreters.Child``).

# sphinx_gallery_tags = ["потоки"]
import _map_buffersize
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

N = measure.scale(5_000, 1_000)  # элементов на входе
BUFFERSIZES = [None, 4, 64]
REPEATS = measure.scale(3, 1)

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
        "Не измерено: buffersize появился в Python 3.14, а такого интерпретатора "
        f"здесь нет. {survey.not_measured(['3.14', '3.15'])}"
    )

got = {}
if python is not None:
    with interpreters.Child(python) as child:
        got = child.call(_map_buffersize.compare, N, BUFFERSIZES, REPEATS)
    first = {
        b: measure.Timing(tuple(r["first"] for r in rs))
        for b, rs in got["times"].items()
    }
    total = {
        b: measure.Timing(tuple(r["total"] for r in rs))
        for b, rs in got["times"].items()
    }
    print(f"--- {got['stamp'].python}, map над range({N}), пул из 2 потоков ---")
    for b in first:
        print(f"buffersize={b}: первый результат через {first[b]}")
        print(f"{'':>15} все результаты через {total[b]}")
        print(f"{'':>15} памяти на пике: {got['memory'][b] / 1e6:.2f} МБ")
    print(
        f"бесконечный вход, buffersize={BUFFERSIZES[-1]}: первые 5 — {got['endless']}"
    )

# %%
# Графики
# -------
#
# Слева — через сколько пришёл первый результат, в середине — все, справа —
# память на пике. Точка — медиана, отрезок — от минимума до максимума; слева и
# справа оси логарифмические.

if got:
    fig, (left, middle, right) = plots.figure(1, 3, width=11, height=3.8)
    names = [f"buffersize=\n{b}" for b in first]
    plots.medians(left, range(len(first)), list(first.values()), per=1e-3,
                  linestyle="none")  # fmt: skip
    left.set_yscale("log")
    left.set_ylabel("первый результат через, мс")
    plots.medians(middle, range(len(total)), list(total.values()), linestyle="none")
    middle.set_ylim(bottom=0)
    middle.set_ylabel("все результаты через, с")
    right.bar(range(len(first)), [got["memory"][b] / 1e6 for b in first],
              color=plots.PALETTE[0])  # fmt: skip
    right.set_yscale("log")
    right.set_ylabel("память на пике (tracemalloc), МБ")
    for ax in (left, middle, right):
        ax.set_xticks(range(len(names)), names, fontsize=8)
        ax.grid(axis="x", visible=False)
    fig.suptitle(f"map над {N} элементами, пул из 2 потоков")
    plots.stamp(fig, got["stamp"])
    plt.show()

# %%
# Что проверяется
# ---------------

if got:
    label, stamp = python.label, got["stamp"]
    eager, small, big = (str(b) for b in BUFFERSIZES)
    claims.check(
        "buffersize-first-result-sooner",
        f"{label}: с buffersize первый результат приходит во много раз раньше: "
        "map не отправляет в пул весь вход",
        confirmed=first[small].median * 10 < first[eager].median,
        evidence=f"без buffersize {first[eager].median * 1e3:.1f} мс, "
        f"buffersize={small}: {first[small].median * 1e3:.2f} мс",
        numbers={"eager_ms": first[eager].median * 1e3,
                 "buffered_ms": first[small].median * 1e3},
        reason_if_not="вход слишком короткий, или машина была занята во время "
        "короткого замера",
        stamp=stamp,
    )  # fmt: skip
    memory = got["memory"]
    claims.check(
        "buffersize-memory-bounded",
        f"{label}: с buffersize памяти нужно во много раз меньше: в ней не лежит по "
        "Future на каждый элемент входа",
        confirmed=memory[big] * 10 < memory[eager],
        evidence=f"без buffersize {memory[eager] / 1e6:.2f} МБ, "
        f"buffersize={big}: {memory[big] / 1e6:.3f} МБ",
        numbers={"eager_mb": memory[eager] / 1e6, "buffered_mb": memory[big] / 1e6},
        reason_if_not="вход слишком короткий, чтобы разница достигла десяти раз, или "
        "buffersize в этой версии устроен иначе",
        stamp=stamp,
    )
    claims.check(
        "buffersize-endless-input",
        f"{label}: с buffersize map работает и с бесконечным входом",
        confirmed=got["endless"] == [1, 2, 3, 4, 5],
        evidence=f"первые пять результатов: {got['endless']}",
        reason_if_not="в этой версии Python map с buffersize отдаёт результаты иначе, "
        "чем описано в главе",
        stamp=stamp,
    )
    claims.check(
        "big-buffer-not-slower",
        f"{label}: с достаточно большим буфером ({big}) map в целом не медленнее, "
        "чем без буфера",
        confirmed=total[big].median <= 1.2 * total[eager].median,
        evidence=f"все результаты: без buffersize {total[eager].median:.2f} с, "
        f"buffersize={big}: {total[big].median:.2f} с, "
        f"buffersize={small}: {total[small].median:.2f} с",
        numbers={f"total_{b}_s": t.median for b, t in total.items()},
        reason_if_not="машина была занята во время замера",
        stamp=stamp,
    )

# %%
# Что видно
# ---------
#
# Без ``buffersize`` первый результат ждёт, пока ``map`` отправит в пул весь
# вход: время до него растёт с длиной входа, а память — по объекту ``Future``
# (и задаче в очереди пула) на каждый элемент. С ``buffersize`` первый
# результат приходит сразу, а память не зависит от длины входа — её хватает и
# на бесконечный генератор.
#
# Слишком маленький буфер — несколько задач на весь пул — может замедлить
# ``map`` в целом: новая задача уходит в пул только тогда, когда вызывающий
# забрал очередной результат, и потоки пула простаивают, пока главный поток
# ждёт своей очереди к GIL. Буфер в десятки задач на поток убирает эту
# задержку и всё равно держит память постоянной; сколько вышло здесь —
# напечатано выше. Для пула процессов то же делает ``buffersize`` вместе с
# ``chunksize``: буфер считается в порциях.
#
# До 3.14 ленивого ``map`` в :mod:`concurrent.futures` нет: длинный вход режут
# на куски и вызывают ``map`` для каждого, или держат в полёте не больше *k*
# задач вручную — ``submit`` и :func:`~concurrent.futures.wait` с
# ``return_when=FIRST_COMPLETED``.
