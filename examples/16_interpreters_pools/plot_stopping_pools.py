"""
Как остановить пул процессов: shutdown, cancel_futures, terminate и kill
========================================================================

Пул процессов занят: одна задача выполняется, ещё несколько ждут в очереди.
Программе пора заканчивать. Способов четыре:

* ``shutdown()`` — дождаться всех задач, и идущих, и ждущих;
* ``shutdown(cancel_futures=True)`` (Python 3.9) — отменить ждущие задачи и
  дождаться идущих;
* :meth:`~concurrent.futures.ProcessPoolExecutor.terminate_workers` (Python
  3.14) — послать процессам пула SIGTERM, не дожидаясь никого;
* :meth:`~concurrent.futures.ProcessPoolExecutor.kill_workers` (Python 3.14) —
  то же с SIGKILL, который процесс не может ни перехватить, ни проигнорировать.

Пример измеряет, через сколько после вызова не остаётся ни одного процесса
пула и чем кончается каждая задача, а потом повторяет два последних способа с
процессом, который игнорирует SIGTERM.
"""

# %%
# Код
# ---
#
# .. literalinclude:: _stopping_pools.py
#
# :download:`_stopping_pools.py`
#
# ``busy_pool`` запускает пул из одного процесса и отправляет ``TASKS`` задач
# по ``SECONDS`` секунд ожидания; ``stop_once`` останавливает его одним из
# способов и ждёт, пока не останется ни одного процесса пула. Способы идут по
# очереди, круг за кругом. Модуль выполняет самый новый найденный Python 3.14
# или новее (``potok.interpreters.Child``), с тем же методом запуска
# процессов, что у примера; если такого нет — этот же Python, без двух новых
# способов.

# sphinx_gallery_tags = ["процессы"]
import _stopping_pools
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots, start_methods

TASKS = 4
SECONDS = 0.15  # ожидания в каждой задаче
REPEATS = measure.scale(2, 1)

print(machine.stamp())
survey = interpreters.available()
me = interpreters.here()
found = {p.key: p for p in survey.interpreters} | {me.key: me}
newer = [
    found[k] for k in interpreters.ORDER if k in found and found[k].interpreter_pool
]
python = newer[-1] if newer else me
print(f"измеряется в: {python.label}")
if not newer:
    print(
        "Не измерено: terminate_workers() и kill_workers() — им нужен Python 3.14, "
        f"а такого интерпретатора здесь нет. {survey.not_measured(['3.14', '3.15'])}"
    )

env = {start_methods.START_METHOD_ENV: start_methods.start_method()}
with interpreters.Child(python, env=env) as child:
    got = child.call(_stopping_pools.stop_all, TASKS, SECONDS, REPEATS)
    stubborn = child.call(_stopping_pools.stubborn, SECONDS) if newer else {}
stamp = got["stamp"]
gone = {
    how: measure.Timing(tuple(r["gone"] for r in rs)) for how, rs in got["runs"].items()
}
for how, rs in got["runs"].items():
    print(f"{how:>30}: процессов нет через {gone[how]}")
    print(f"{'':>30}  задачи: {', '.join(rs[-1]['fates'])}")

# %%
# Процесс, который игнорирует SIGTERM
# -----------------------------------
#
# ``initializer`` пула ставит ``signal.signal(SIGTERM, SIG_IGN)``. Через
# ``SECONDS`` секунд после вызова пример считает, сколько процессов пула ещё
# живо; после ``terminate_workers()`` он вызывает ещё и ``kill_workers()``.

for how, what in stubborn.items():
    line = f"{how}: процессов пула живо: {what['alive']}"
    if "alive_after_kill_workers" in what:
        line += f", после kill_workers(): {what['alive_after_kill_workers']}"
    print(f"{line}; задачи: {', '.join(what['fates'])}")

# %%
# График
# ------
#
# Через сколько после вызова не осталось ни одного процесса пула (медиана,
# отрезок — от минимума до максимума; ось логарифмическая). Пунктиры — одна
# задача и все задачи подряд.

fig, ax = plots.figure(height=3.8)
plots.medians(ax, range(len(gone)), list(gone.values()), linestyle="none")
ax.set_xticks(
    range(len(gone)), [h.replace("(cancel", "(\ncancel") for h in gone], fontsize=8
)
ax.axhline(
    SECONDS, color=plots.REFERENCE, linestyle=":", label=f"одна задача: {SECONDS} с"
)
ax.axhline(TASKS * SECONDS, color=plots.REFERENCE, linestyle="--",
           label=f"все {TASKS} задачи: {TASKS * SECONDS:.2f} с")  # fmt: skip
ax.set_yscale("log")
ax.set_ylabel("процессов пула нет через, с")
ax.set_title(f"Пул из 1 процесса: 1 задача идёт, {TASKS - 1} ждут")
ax.legend(loc="lower left", fontsize=8)
plots.stamp(fig, stamp)
plt.show()

# %%
# Что проверяется
# ---------------

fates = {how: rs[-1]["fates"] for how, rs in got["runs"].items()}
claims.check(
    "shutdown-waits-for-all",
    "shutdown() ждёт все задачи, и идущие, и ждущие в очереди",
    confirmed=gone["shutdown()"].min >= 0.8 * TASKS * SECONDS
    and set(fates["shutdown()"]) == {"выполнена"},
    evidence=f"{gone['shutdown()']}; задачи: {fates['shutdown()']}",
    numbers={"seconds": gone["shutdown()"].median},
    reason_if_not="в этой версии Python shutdown() не дожидается всех задач",
    stamp=stamp,
)
cancelled = fates["shutdown(cancel_futures=True)"]
claims.check(
    "cancel-futures-keeps-queued-call",
    "shutdown(cancel_futures=True) отменяет не все ждущие задачи: те, что пул уже "
    "положил в очередь для своих процессов, он дожидается",
    confirmed=2 <= cancelled.count("выполнена") <= 3 and "отменена" in cancelled,
    evidence=f"{gone['shutdown(cancel_futures=True)']}; задачи: {cancelled}",
    numbers={
        "done": cancelled.count("выполнена"),
        "cancelled": cancelled.count("отменена"),
    },
    reason_if_not="служебный поток пула не успел положить ждущие задачи в очередь "
    "до shutdown (машина была занята), или в этой версии очередь устроена иначе",
    stamp=stamp,
)
if "kill_workers()" in gone:
    fast = max(gone["terminate_workers()"].median, gone["kill_workers()"].median)
    claims.check(
        "terminate-kill-stop-at-once",
        f"{python.label}: terminate_workers() и kill_workers() останавливают пул, "
        "не дожидаясь задач: идущие получают BrokenProcessPool",
        confirmed=fast < SECONDS / 2
        and "BrokenProcessPool" in fates["terminate_workers()"]
        and "BrokenProcessPool" in fates["kill_workers()"],
        evidence=f"процессов нет через {fast * 1e3:.1f} мс; задачи: "
        f"{fates['kill_workers()']}",
        numbers={"seconds": fast},
        reason_if_not="машина была занята, и процессы пула завершались дольше обычного",
        stamp=stamp,
    )
    term, kill = stubborn["terminate_workers()"], stubborn["kill_workers()"]
    claims.check(
        "kill-stops-what-terminate-cannot",
        f"{python.label}: процесс, который игнорирует SIGTERM, переживает "
        "terminate_workers() (и kill_workers() после него), а kill_workers() — нет",
        confirmed=term["alive"] > 0
        and term["alive_after_kill_workers"] > 0
        and kill["alive"] == 0,
        evidence=f"живо после terminate: {term['alive']}, после kill_workers() "
        f"вдогонку: {term['alive_after_kill_workers']}; после kill: {kill['alive']}",
        numbers={
            "alive_after_terminate": term["alive"],
            "alive_after_kill": kill["alive"],
        },
        reason_if_not="в этой версии пул иначе обращается с сигналами, или на занятой "
        "машине процесс не успел завершиться",
        stamp=stamp,
    )

# %%
# Что видно
# ---------
#
# ``shutdown()`` ждёт всё: все задачи выполнятся. Так ведёт себя и выход из
# блока ``with``.
#
# ``shutdown(cancel_futures=True)`` отменяет ждущие задачи, но не все. Пул
# процессов заранее кладёт задачи в очередь для своих процессов, чтобы процесс,
# закончив задачу, не ждал следующую. В очереди помещается на одну задачу
# больше, чем процессов (константа ``EXTRA_QUEUED_CALLS = 1`` в
# ``concurrent/futures/process.py``), а задача, которую процесс взял, из неё
# уходит. Задача в очереди для пула уже «идёт»: отменить её нельзя, и
# ``shutdown`` ждёт её вместе с идущей. С одним процессом это одна или две
# задачи: сколько успело попасть в очередь, зависит от того, когда процесс взял
# первую.
#
# ``terminate_workers()`` и ``kill_workers()`` возвращаются сразу, и через
# миллисекунды процессов нет. Идущие задачи (и те, что в очереди) получают
# :exc:`~concurrent.futures.process.BrokenProcessPool`, ждущие — отменены.
# Пользоваться пулом после этого нельзя. Разница между ними — в сигнале: SIGTERM
# процесс может перехватить и спокойно завершиться (или проигнорировать, как
# здесь), SIGKILL — нет. Оба вызывают ``shutdown(wait=False,
# cancel_futures=True)``, после чего пул забывает свои процессы, поэтому
# ``kill_workers()`` *после* ``terminate_workers()`` уже ничего не делает:
# процесс, переживший SIGTERM, остаётся, и пример убирает его сам. Если
# задача может не отвечать на SIGTERM (код на C, чужая библиотека, свой
# обработчик сигнала), сразу берите ``kill_workers()``.
#
# До 3.14 ни того, ни другого нет: остаётся ``shutdown(wait=False,
# cancel_futures=True)`` и завершение процессов своими средствами (у
# :class:`multiprocessing.pool.Pool` для этого есть ``terminate()``, глава о
# процессах и общих данных).
