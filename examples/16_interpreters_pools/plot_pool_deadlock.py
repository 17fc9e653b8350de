"""
Пул, который ждёт сам себя
==========================

Задача пула потоков отправляет в **тот же** пул подзадачу и ждёт её
результата: ``pool.submit(...).result()``. Пока свободные потоки в пуле есть,
всё работает. Но если каждый поток пула занят такой задачей, подзадачи стоят в
очереди пула, и выполнить их некому: каждый поток ждёт подзадачу, которую
может выполнить только освободившийся поток. Это **взаимная блокировка пула**;
документация :mod:`concurrent.futures` приводит её вторым примером к
:class:`~concurrent.futures.ThreadPoolExecutor`. Программа не падает и ничего
не печатает — она стоит.

Здесь такая блокировка настоящая, но у ``result()`` есть тайм-аут, так что
пример всегда заканчивается. Пока потоки стоят, пример снимает их стеки
:mod:`faulthandler`; потом меняет размер пула и проверяет правило: блокировки
нет, пока в пуле есть поток, который не ждёт.
"""

# %%
# Задача, которая ждёт подзадачу
# ------------------------------
#
# ``outer`` отправляет в пул ``square`` и ждёт её результата не дольше
# ``timeout`` секунд; ``run`` отправляет в пул из ``workers`` потоков две такие
# задачи (или, с ``inner_pool``, подзадачи уходят в отдельный пул) и записывает,
# кто когда ждал и кто когда считал.

# sphinx_gallery_tags = ["потоки"]
import faulthandler
import re
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots

TIMEOUT = measure.scale(0.3, 0.2)  # секунд на result() подзадачи
OUTER = 2  # задач, которые ждут подзадачу
SIZES = [1, 2, 3, 4]  # потоков в пуле
REPEATS = measure.scale(3, 1)


def square(x, spans, origin):
    now = time.perf_counter() - origin
    spans.append((threading.current_thread().name, "подзадача", now, now))
    return x * x


def outer(pool, x, timeout, spans, inners, origin):
    start = time.perf_counter() - origin
    inner = pool.submit(square, x, spans, origin)
    inners.append(inner)
    try:
        return inner.result(timeout=timeout)  # ждёт, пока подзадачу возьмёт поток
    finally:
        end = time.perf_counter() - origin
        spans.append((threading.current_thread().name, "ждёт result()", start, end))


def run(workers, timeout, *, inner_pool=False, on_stuck=None):
    spans, inners, origin = [], [], time.perf_counter()
    with ThreadPoolExecutor(workers, thread_name_prefix="пул") as pool, \
         ThreadPoolExecutor(1, thread_name_prefix="второй") as second:  # fmt: skip
        target = second if inner_pool else pool
        tasks = [pool.submit(outer, target, i, timeout, spans, inners, origin)
                 for i in range(OUTER)]  # fmt: skip
        while on_stuck and not all(t.done() for t in tasks):
            # все задачи ждут, а их подзадачи ещё не начаты: пул стоит
            if len(inners) == OUTER and not any(
                f.running() or f.done() for f in inners
            ):
                on_stuck()
                break
            time.sleep(0.001)
        outcomes = [type(t.exception()).__name__ if t.exception() else "готово"
                    for t in tasks]  # fmt: skip
    first = min(start for _, what, start, _ in spans if what == "подзадача")
    return {"outcomes": outcomes, "spans": spans, "first_inner": first}


# %%
# Пул из двух потоков и две такие задачи
# --------------------------------------
#
# Когда обе задачи ждут, а обе подзадачи ещё в очереди, главный поток вызывает
# :func:`faulthandler.dump_traceback` — так выглядят стеки зависшей программы.
# Ниже — только потоки пула, от путей к файлам оставлены имена.


def dump_pool_stacks(found):
    idents = [t.ident for t in threading.enumerate() if t.name.startswith("пул_")]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as f:
        faulthandler.dump_traceback(file=f, all_threads=True)
        f.seek(0)
        blocks = f.read().split("\n\n")
    ours = [
        b for b in blocks if any(re.match(rf"Thread 0x0*{i:x}\b", b) for i in idents)
    ]
    found += [re.sub(r'File "[^"]*?([^/\\"]+)"', r'File "\1"', b.strip()) for b in ours]


print(machine.stamp())
before = threading.active_count()
stacks = []
stuck = run(2, TIMEOUT, on_stuck=lambda: dump_pool_stacks(stacks))
print(f"итоги задач: {stuck['outcomes']}")
print(f"первая подзадача началась через {stuck['first_inner']:.3f} с")
print(f"тайм-аут result(): {TIMEOUT} с")
for block in stacks:
    print(block + "\n")

# %%
# Сколько потоков нужно
# ---------------------
#
# Та же пара задач в пулах из 1–4 потоков и, для сравнения, с подзадачами в
# отдельном пуле. ``REPEATS`` прогонов каждого варианта.

variants = {f"{n} пот.": {"workers": n} for n in SIZES}
variants["2 пот. + свой пул подзадач"] = {"workers": 2, "inner_pool": True}
runs = {name: [run(timeout=TIMEOUT, **kw) for _ in range(REPEATS)]
        for name, kw in variants.items()}  # fmt: skip
# когда началась первая подзадача: пока пул стоит, ни одна
timings = {name: measure.Timing(tuple(r["first_inner"] for r in rs))
           for name, rs in runs.items()}  # fmt: skip
timeouts = {name: sum(o == "TimeoutError" for r in rs for o in r["outcomes"])
            for name, rs in runs.items()}  # fmt: skip
for name in variants:
    print(f"{name:>26}: первая подзадача через {timings[name]}; "
          f"TimeoutError: {timeouts[name]} из {OUTER * REPEATS}")  # fmt: skip
after = threading.active_count()
print(f"потоков в процессе: до примера {before}, после {after}")

# %%
# Графики
# -------
#
# Слева — что делали потоки пула из двух потоков: полоса «ждёт result()» тянется
# до тайм-аута, а подзадачи (точки) выполняются только после него, когда
# поток освободился. Справа — через сколько после отправки задач началась первая
# подзадача, при разном размере пула (медиана, отрезок — от минимума до
# максимума; ось логарифмическая).

fig, (left, right) = plots.figure(1, 2, width=10, height=4)
names = sorted({name for name, *_ in stuck["spans"]})
for row, name in enumerate(names):
    for who, what, start, end in stuck["spans"]:
        if who != name:
            continue
        if what == "ждёт result()":
            left.broken_barh(
                [(start, end - start)], (row - 0.3, 0.6), color=plots.PALETTE[5]
            )
        else:
            left.plot(start, row, "o", color=plots.PALETTE[2])
left.axvline(TIMEOUT, color=plots.REFERENCE, linestyle="--", label="тайм-аут result()")
left.plot([], [], "s", color=plots.PALETTE[5], label="ждёт result()")
left.plot([], [], "o", color=plots.PALETTE[2], label="подзадача выполнена")
left.set_yticks(range(len(names)), names)
left.set_ylim(-0.5, len(names) + 0.3)
left.set_xlabel("время от старта, с")
left.set_title("Пул из 2 потоков, 2 ждущие задачи")
left.legend(loc="upper left", fontsize=8, ncol=2)
plots.medians(right, range(len(timings)), list(timings.values()), linestyle="none")
right.set_xticks(
    range(len(timings)), [n.replace(" + ", "\n+ ") for n in timings], fontsize=8
)
right.axhline(TIMEOUT, color=plots.REFERENCE, linestyle="--", label="тайм-аут")
right.set_yscale("log")
right.set_ylabel("первая подзадача началась через, с")
right.set_title("Размер пула")
right.legend()
plots.stamp(fig)
plt.show()

# %%
# Что проверяется
# ---------------

stood = all(timings[f"{n} пот."].min >= 0.95 * TIMEOUT for n in SIZES if n <= OUTER)
spare = all(timeouts[f"{n} пот."] == 0 for n in SIZES if n > OUTER)
in_result = sum(" in result" in block for block in stacks)
claims.check(
    "pool-deadlocks-when-every-worker-waits",
    "если каждый поток пула ждёт подзадачу из того же пула, ни одна подзадача не "
    "начинается до тайм-аута",
    confirmed=stood and in_result == OUTER,
    evidence=", ".join(
        f"{n} пот.: первая через {timings[f'{n} пот.'].min:.2f} с"
        for n in SIZES
        if n <= OUTER
    )
    + f" (тайм-аут {TIMEOUT} с); стеков в result(): {in_result}",
    numbers={"stacks_in_result": in_result, "timeout_s": TIMEOUT}
    | {f"first_inner_{n}_s": timings[f"{n} пот."].min for n in SIZES if n <= OUTER},
    reason_if_not="детектор не успел снять стеки до тайм-аута",
)
claims.check(
    "spare-worker-no-deadlock",
    "с хотя бы одним потоком сверх ждущих задач блокировки нет",
    confirmed=spare,
    evidence=", ".join(
        f"{n} пот.: {timeouts[f'{n} пот.']}" for n in SIZES if n > OUTER
    ),
    numbers={f"timeouts_{n}": timeouts[f"{n} пот."] for n in SIZES},
    reason_if_not="машина была занята: свободный поток не взял подзадачу до тайм-аута",
)
claims.check(
    "separate-pool-no-deadlock",
    "подзадачи в отдельном пуле не блокируются при любом размере первого",
    confirmed=timeouts["2 пот. + свой пул подзадач"] == 0,
    evidence=f"TimeoutError: {timeouts['2 пот. + свой пул подзадач']}",
    numbers={"timeouts": timeouts["2 пот. + свой пул подзадач"]},
    reason_if_not="машина была занята: второй пул не взял подзадачу до тайм-аута",
)
claims.check(
    "deadlock-timeout-leaves-no-thread",
    "тайм-аут развязывает пул: после примера не остаётся ни одного его потока",
    confirmed=after == before,
    evidence=f"потоков до {before}, после {after}",
    numbers={"threads_before": before, "threads_after": after},
    reason_if_not="поток пула не завершился, или в процессе запустился чужой поток",
)

# %%
# Что видно
# ---------
#
# Оба стека кончаются в ``result`` → ``wait`` модуля ``concurrent.futures``:
# потоки живы, но стоят. Подзадачи лежат в очереди пула, и в стеках их нет
# вовсе — их никто не начал. Пул из одного и из двух потоков стоит до
# тайм-аута, из трёх — нет: третий поток выполняет подзадачи по очереди.
# Когда первая задача сдаётся, её поток берёт из очереди подзадачи, и вторая
# задача может успеть получить ответ — поэтому ``TimeoutError`` бывает не у
# всех. Без тайм-аута не сдался бы никто.
#
# «Добавить потоков» — ненадёжное исправление: правило «потоков больше, чем
# ждущих задач» нарушит первый же всплеск нагрузки. Надёжные:
#
# * **не ждать внутри задачи** результат задачи того же пула: пусть задача
#   вернёт то, что нужно отправить дальше, а ждёт тот, кто вне пула;
# * **отдельный пул для каждого уровня** (как ``inner_pool`` выше): подзадачам
#   всегда есть кому достаться;
# * если ожидание неизбежно — ``result(timeout=...)`` и
#   ``faulthandler.dump_traceback_later``, чтобы зависание стало ошибкой со
#   стеками, а не тишиной.
