"""
fork() в процессе с потоками
============================

:func:`os.fork` копирует процесс целиком — всю память, все открытые файлы, все
блокировки в том состоянии, в каком они были, — но из потоков в дочернем
процессе остаётся **только один**: тот, что вызвал ``fork()``. Если в этот момент
другой поток держал блокировку, в копии она так и останется захваченной, а
отпустить её некому: поток-владелец в копию не попал. Дочерний процесс, который
попробует её взять, зависнет навсегда.

Поэтому с Python 3.12 ``os.fork()`` в процессе, где работают другие потоки,
выдаёт :exc:`DeprecationWarning` «This process (pid=N) is multi-threaded, use of
fork() may lead to deadlocks in the child.» На Linux и macOS CPython узнаёт
число потоков у ОС, так что считаются и потоки, которые запустил код на C, а не
:mod:`threading`. Здесь это показано честно: второй поток держит блокировку,
главный поток вызывает ``fork()``, а дочерний процесс пробует взять ту же
блокировку с тайм-аутом и сообщает кодом выхода, получилось ли.
"""

# %%
# Код
# ---
#
# Ниже — весь код. ``fork_with_thread`` запускает поток, который берёт
# блокировку и ждёт события; вызывает ``os.fork()`` внутри
# :class:`warnings.catch_warnings` (предупреждения записываются, а не печатаются).
# Дочерний процесс выполняет одну строку — ``lock.acquire(timeout=...)`` — и
# сразу выходит через :func:`os._exit`, не выполняя больше ничего; о том, взял ли
# он блокировку, он сообщает кодом выхода. Родитель дожидается его
# (:func:`os.waitpid`), отпускает поток и дожидается потока.
#
# Пример делает это только на Linux: на Windows ``fork()`` нет, а на macOS
# ``fork()`` в процессе с потоками опасен и без наших блокировок (системные
# библиотеки к нему не готовы, поэтому там и ``multiprocessing`` по умолчанию
# использует ``spawn``); там функция возвращает ``None``, и пример об этом
# говорит.

# sphinx_gallery_tags = ["потоки", "процессы"]
import os
import sys
import threading
import warnings

from potok import claims, machine, measure


def fork_with_thread(child_wait: float) -> dict | None:
    if not sys.platform.startswith("linux"):
        return None
    lock = threading.Lock()
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            holding.set()
            release.wait(30)

    t = threading.Thread(target=hold, name="держит-блокировку")
    t.start()
    try:
        holding.wait(30)
        active = threading.active_count()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pid = os.fork()
            if pid == 0:  # дочерний процесс: только это, и сразу выйти
                os._exit(0 if lock.acquire(timeout=child_wait) else 1)
        _, status = os.waitpid(pid, 0)
    finally:
        release.set()
        t.join()
    code = os.waitstatus_to_exitcode(status)
    return {
        "threads": active,
        "child": {0: "свободна", 1: "занята"}.get(code, f"код выхода {code}"),
        "warnings": [f"{w.category.__name__}: {w.message}" for w in caught],
    }


print(machine.stamp())
before = threading.active_count()
result = fork_with_thread(child_wait=measure.scale(0.5, 0.2))
if result is None:
    print(
        f"Не показано: пример вызывает os.fork() только на Linux, а здесь "
        f"{sys.platform}. multiprocessing здесь по умолчанию запускает процессы "
        "через spawn, и этой ловушки нет."
    )
else:
    print(f"потоков в родителе в момент fork(): {result['threads']}")
    print(f"блокировка в дочернем процессе: {result['child']}")
    for text in result["warnings"]:
        print(f"предупреждение: {text}")
    if not result["warnings"]:
        print(f"предупреждений нет ({machine.python_build()})")
print(f"потоков после примера: {threading.active_count()} (до: {before})")

# %%
# Что проверяется
# ---------------

if result is not None:
    claims.check(
        "lock-stays-taken-in-child",
        "блокировка, которую держал другой поток, в дочернем процессе остаётся "
        "захваченной",
        confirmed=result["child"] == "занята",
        evidence=f"дочерний процесс нашёл её: {result['child']}",
        numbers={"taken": result["child"] == "занята"},
        reason_if_not="в этой версии Python дочерний процесс получает блокировки "
        "освобождёнными",
    )
    warned = any("multi-threaded" in w for w in result["warnings"])
    if sys.version_info >= (3, 12):
        claims.check(
            "fork-warns-since-3.12",
            "с Python 3.12 fork() в процессе с потоками даёт DeprecationWarning",
            confirmed=warned,
            evidence=f"предупреждений: {len(result['warnings'])}",
            numbers={"warnings": len(result["warnings"])},
            reason_if_not="CPython не смог посчитать потоки процесса",
        )
    else:
        claims.check(
            "fork-silent-before-3.12",
            "до Python 3.12 fork() в процессе с потоками молчит",
            confirmed=not warned,
            evidence=f"предупреждений: {len(result['warnings'])}",
            numbers={"warnings": len(result["warnings"])},
            reason_if_not="в эту сборку Python перенесли предупреждение из версии 3.12",
        )

# %%
# Что это значит на практике
# --------------------------
#
# Дочерний процесс нашёл блокировку захваченной, хотя сам её не брал: её взял
# поток родителя, которого в копии нет. Взял бы он её без тайм-аута — висел бы
# вечно. То же бывает с блокировками, которых вы не видите, — внутри библиотек
# на C: документация :func:`os.fork` напоминает, что и сам CPython вызывает в
# дочернем процессе небезопасные после такого ``fork()`` функции (``malloc``,
# ``free``). Что делать:
#
# * в программе с потоками запускайте процессы через ``spawn`` или
#   ``forkserver`` (:func:`multiprocessing.set_start_method` или
#   ``mp_context=multiprocessing.get_context("forkserver")`` у пула). С Python
#   3.14 на Linux по умолчанию и так ``forkserver``, а не ``fork``;
# * если ``fork()`` всё же нужен, сразу после него в дочернем процессе вызывайте
#   :func:`os.exec* <os.execv>` или ограничьтесь тем, что безопасно; привести
#   в порядок собственные блокировки помогает :func:`os.register_at_fork`;
# * предупреждение не отключайте фильтром: оно о настоящей ошибке, которая
#   проявляется редко и поэтому особенно неприятна.
