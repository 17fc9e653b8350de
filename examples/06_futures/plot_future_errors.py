"""
Ошибки в задачах пула: где они всплывают и где пропадают
========================================================

В конспекте ошибки задачи ловят так::

    try:
        result = future.result()
    except Exception as e:
        print(f"Произошла ошибка: {e}")

Это верно, но это только один из путей исключения. Исключение, выброшенное в
задаче, не выходит из потока или процесса пула само: пул ловит его и кладёт в
:class:`~concurrent.futures.Future`. Дальше всё зависит от того, заглянет ли
туда кто-нибудь. Ниже — случаи по очереди: ``result()``, ``exception()`` и
задача, на которую никто не посмотрел. Ещё два случая — на своих страницах:
``map`` с ошибкой посередине
(:ref:`sphx_glr_auto_examples_06_futures_plot_map_stops_on_error.py`) и процесс
пула, который умер целиком
(:ref:`sphx_glr_auto_examples_06_futures_plot_broken_process_pool.py`).
"""

# %%
# Исключение всплывает в result()
# -------------------------------
#
# ``potok.workloads.fail(message)`` делает одно: ``raise ValueError(message)``.
# ``result()`` выбрасывает то же исключение в том потоке, который ждёт результат.

# sphinx_gallery_tags = ["потоки", "процессы"]
import contextlib
import io
import re
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed

from potok import claims, machine, start_methods, workloads

print(machine.stamp())

with ThreadPoolExecutor(max_workers=2) as pool:
    future = pool.submit(workloads.fail, "задача в потоке сломалась")
    try:
        future.result()
    except ValueError as exc:
        print(f"result() выбросил {type(exc).__name__}: {exc}")

# %%
# В пуле процессов так же, но исключение сначала упаковывается :mod:`pickle` в
# дочернем процессе и распаковывается в нашем. Чтобы не пропал след, пул
# прикрепляет к нему текст трассировки из дочернего процесса — как причину
# (``__cause__``), которую Python печатает над основной трассировкой. (Путь к
# файлу в ней ниже сокращён до имени файла.)

with ProcessPoolExecutor(max_workers=1, mp_context=start_methods.mp_context()) as pool:
    future = pool.submit(workloads.fail, "задача в процессе сломалась")
    try:
        future.result()
    except ValueError as exc:
        print(f"result() выбросил {type(exc).__name__}: {exc}")
        print(f"причина: {type(exc.__cause__).__name__}, её текст кончается так:")
        remote = [x for x in str(exc.__cause__).splitlines() if x.strip('" ')]
        for line in remote[-3:]:
            print("    " + re.sub(r'File ".*[/\\]', 'File "…/', line))

# %%
# exception() и обратные вызовы
# -----------------------------
#
# ``potok.workloads.fail_on(value, bad)`` возвращает ``value * 2``, а при
# ``value == bad`` выбрасывает :class:`ValueError`.
# ``exception()`` ждёт завершения задачи так же, как ``result()``, но исключение
# не выбрасывает, а возвращает (или ``None``, если задача прошла успешно). Удобно,
# когда нужно собрать ошибки всех задач, а не остановиться на первой. То же
# делает обратный вызов ``add_done_callback``: он получает готовый
# :class:`~concurrent.futures.Future` и может сам заглянуть в
# ``exception()``.

failures = []


def remember_failure(fut):
    if fut.exception() is not None:
        failures.append(repr(fut.exception()))


with ThreadPoolExecutor(max_workers=2) as pool:
    futures = [pool.submit(workloads.fail_on, i, 2) for i in range(4)]
    for fut in futures:
        fut.add_done_callback(remember_failure)
    number = {fut: i for i, fut in enumerate(futures)}
    for fut in as_completed(futures):
        print(f"задача fail_on({number[fut]}, 2): exception() = {fut.exception()!r}")
print("обратный вызов записал:", failures)

# %%
# Ошибка, на которую никто не посмотрел
# -------------------------------------
#
# Если не вызвать ни ``result()``, ни ``exception()``, исключение так и останется
# лежать в :class:`~concurrent.futures.Future` и исчезнет вместе с ним. Чтобы
# проверить это честно, перехватим всё, что программа пишет в ``stderr`` (туда
# Python печатает необработанные ошибки), и сравним с обычным
# :class:`threading.Thread`, у которого функция падает так же.


def captured_stderr(action):
    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer):
        action()
    return buffer.getvalue()


def forgotten_future():
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(workloads.fail, "об этой ошибке никто не узнает")


def plain_thread():
    t = threading.Thread(target=workloads.fail, args=("ошибка в потоке",))
    t.start()
    t.join()


stderr_chars = {}
for name, action in [
    ("Future без result()", forgotten_future),
    ("Thread", plain_thread),
]:
    text = captured_stderr(action)
    stderr_chars[name] = len(text)
    lines = text.strip().splitlines()
    print(f"{name}: в stderr {len(text)} символов")
    for line in lines[:1] + lines[-1:]:
        print(f"    {line}")
claims.check(
    "unretrieved-error-is-silent",
    "исключение задачи пула, которое никто не забрал, пропадает молча, а у "
    "threading.Thread — печатается",
    confirmed=stderr_chars["Future без result()"] == 0 and stderr_chars["Thread"] > 0,
    evidence=", ".join(
        f"{name}: {n} символов в stderr" for name, n in stderr_chars.items()
    ),
    numbers={
        "future_stderr_chars": stderr_chars["Future без result()"],
        "thread_stderr_chars": stderr_chars["Thread"],
    },
    reason_if_not="другая версия Python изменила, что печатается при ошибке",
)

# %%
# У :class:`threading.Thread` необработанное исключение печатает
# :func:`threading.excepthook`: в ``stderr`` попадает трассировка. У задачи пула
# в ``stderr`` — ноль символов: исключение было, его никто не достал, и программа
# идёт дальше, как будто всё хорошо. Поэтому результат каждой задачи нужно
# забрать — ``result()``, ``exception()``, ``map`` или ``as_completed``, — даже
# если значение задачи не нужно.
#
# (В asyncio иначе: у задачи :class:`asyncio.Task`, чьё исключение никто не
# забрал, при удалении пишется в лог «Task exception was never retrieved».
# В :mod:`concurrent.futures` такого нет.)
