"""
Задачи работающей программы: python -m asyncio ps и pstree
==========================================================

С Python 3.14 asyncio умеет показать задачи **другого**, уже работающего
процесса, ничего в нём не выполняя и не останавливая его:
``python -m asyncio ps PID`` печатает таблицу задач, ``python -m asyncio pstree
PID`` — дерево: какая задача чего ждёт (:ref:`python:asyncio-introspection-tools`).
Для этого инструмент читает память чужого процесса, как отладчик, и система
должна это разрешить (:ref:`python:permission-requirements`).

Этот пример ищет на машине, которая собирает сайт, Python 3.14 или новее,
запускает в нём небольшую программу и показывает **настоящий** вывод обеих
команд. Если такого Python нет или система не дала прочитать процесс, страница
так и говорит: вывода, который не был получен здесь, на ней нет.
"""

# %%
# Программа, на которую смотрим
# -----------------------------
#
# «Краулер»: главная задача в группе задач скачивает две страницы, каждая
# страница — в своей группе — свои части. Части ждут ответа «сети»
# (``asyncio.sleep``) час, так что, пока мы смотрим, все задачи на месте. Имена
# задач — латиницей; почему, сказано ниже.

from potok import aio_deep, claims, machine, today

print(aio_deep.ps_program())

# %%
# Какой Python это умеет
# ----------------------
#
# Кандидаты ищутся так же, как в примере
# :ref:`sphx_glr_auto_examples_08_today_plot_python_today.py`: интерпретатор,
# который выполняет пример, ``python3.14``, ``python3.15`` и соседние имена в
# ``PATH`` и пути из переменной окружения ``POTOK_EXTRA_PYTHONS``.


def version(interp):
    return tuple(int(p) for p in interp.version.split(".")[:2] if p.isdigit())


print(machine.stamp())
found = today.interpreters()
for interp in found:
    print(f"найден {interp.label}: {interp.path}")
able = [i for i in found if version(i) >= aio_deep.INTROSPECT_PYTHON]
chosen = max(able, key=version) if able else None
if chosen is None:
    print(
        "\nPython 3.14 или новее на этой машине не найден: вывод asyncio ps и "
        "pstree здесь не получен, и на этой странице его нет."
    )
else:
    print(f"\nсмотрим из {chosen.label}")

# %%
# Вывод ps и pstree
# -----------------
#
# Программа запущена в выбранном интерпретаторе; когда все её задачи начали ждать,
# тот же интерпретатор выполнил ``python -m asyncio ps PID`` и ``pstree PID``.
# Ниже — их стандартный вывод как есть (и стандартный поток ошибок, если команда
# не удалась).

result = aio_deep.introspect_in(chosen.path) if chosen is not None else None
if result is not None and "unavailable" in result:
    print(f"не получилось: {result['unavailable']}")
elif result is not None:
    print(f"получено в: {machine.Stamp(**result['stamp'])}")
    for key in ("ps:latin", "pstree:latin"):
        out = result["commands"][key]
        command = key.split(":")[0]
        print(f"\n$ python -m asyncio {command} PID  (код выхода {out['returncode']})")
        print(out["stdout"].rstrip() or "(пусто)")
        if out["returncode"] != 0:
            print(f"stderr: {out['stderr'].rstrip()}")

# %%
# Как читать. В таблице ``ps`` у каждой задачи есть её имя (то, что передано в
# ``create_task(..., name=...)``), стек корутин, на котором она стоит, и задача,
# которая её ждёт; ``pstree`` складывает то же в дерево — от ``main`` через группы
# страниц к частям. Давать задачам имена стоит уже ради этого: безымянные
# называются ``Task-1``, ``Task-2`` и так далее. Так можно понять, чего ждёт
# зависший сервис, не останавливая его и ничего в нём не меняя.
#
# Имена не латиницей
# ------------------
#
# Та же программа с именами задач по-русски — и снова ``ps``. Инструмент
# читает строки из памяти чужого процесса сам, без его интерпретатора, и строки
# не из ASCII — имена функций, файлов и задач — он читал неверно (ошибка
# `gh-149214 <https://github.com/python/cpython/issues/149214>`_). Проверка
# ниже говорит, так ли это у интерпретатора, найденного здесь; если да, вывод
# ниже покажет пустые имена.

if result is not None and "unavailable" not in result:
    for key in ("ps:latin", "pstree:latin", "ps:cyrillic"):
        out = result["commands"][key]
        command, alphabet = key.split(":")
        if out["returncode"] != 0:
            claims.check(
                f"python -m asyncio {command} показывает задачи другого процесса",
                confirmed=False,
                evidence=f"код выхода {out['returncode']}: {out['stderr'].strip()}",
                reason_if_not="система не разрешила читать память чужого процесса "
                "(права ptrace, контейнер без CAP_SYS_PTRACE)",
            )
            continue
        pages = aio_deep.PS_PAGES if alphabet == "latin" else aio_deep.PS_PAGES_RU
        names = aio_deep.task_names(pages)
        missing = [n for n in names if n not in out["stdout"]]
        where = "латиницей" if alphabet == "latin" else "по-русски"
        claims.check(
            f"python -m asyncio {command} называет каждую задачу по имени "
            f"(имена {where})",
            confirmed=not missing,
            evidence=f"все {len(names)} имён в выводе"
            if not missing
            else f"нет в выводе: {', '.join(missing)}",
            reason_if_not="этот выпуск Python неверно читает из чужого процесса "
            "строки не из ASCII (gh-149214)",
        )
    if result["commands"]["ps:cyrillic"]["returncode"] == 0:
        print("\n$ python -m asyncio ps PID  (имена задач по-русски)")
        print(result["commands"]["ps:cyrillic"]["stdout"].rstrip())
