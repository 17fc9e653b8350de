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
# задач — латиницей; почему, сказано ниже. Вот вся программа:
#
# .. literalinclude:: _crawler.py
#
# :download:`_crawler.py`
#
# Смотрит на неё модуль ``_ps``: он запускает «краулер», ждёт строки ``ready``
# (все задачи уже ждут) и выполняет ``python -m asyncio ps PID`` и ``pstree
# PID`` — тем же интерпретатором, в котором работает сам. Вот он весь:
#
# .. literalinclude:: _ps.py
#
# :download:`_ps.py`

# sphinx_gallery_tags = ["asyncio"]
import re

import _crawler
import _ps

from potok import claims, interpreters, machine

# %%
# Какой Python это умеет
# ----------------------
#
# ``interpreters.available()`` — интерпретаторы, которые нашла сборка сайта (у
# читателя дома — ``python3.14``, ``python3.15`` и соседние имена в ``PATH``).
# Из тех, что не старее 3.14, берётся самый новый, сборка с GIL — если она есть.
# Модуль ``_ps`` выполняется в нём: ``interpreters.Child`` запускает этот Python
# и вызывает в нём ``_ps.look``.


def version(python):
    return tuple(int(part) for part in python.version.split(".")[:2])


print(machine.stamp())
survey = interpreters.available()
able = [p for p in (interpreters.here(), *survey.interpreters) if version(p) >= (3, 14)]
chosen = max(able, key=lambda p: (not p.free_threaded, version(p)), default=None)
looks = {}
if chosen is None:
    print(
        "Python 3.14 или новее на этой машине не найден: вывод asyncio ps и "
        "pstree здесь не получен, и на этой странице его нет."
    )
    if why := survey.not_measured(["3.14", "3.14t", "3.15", "3.15t"]):
        print(why)
else:
    print(f"смотрим из {chosen.label}")
    try:
        with interpreters.Child(chosen) as child:
            looks["latin"] = child.call(_ps.look, "latin", ["ps", "pstree"])
            looks["cyrillic"] = child.call(_ps.look, "cyrillic", ["ps"])
    except interpreters.ChildFailed as exc:
        print(f"не получилось: {str(exc).strip().splitlines()[-1]}")
        looks = {}

# %%
# Вывод ps и pstree
# -----------------
#
# Ниже — стандартный вывод обеих команд как есть (и стандартный поток ошибок,
# если команда не удалась); только папки в путях к файлам сокращены до ``…/``:
# в настоящем выводе пути полные.


def short(text):
    return re.sub(r"/\S*/(?=[^/\s]+\.py\b)", "…/", text.rstrip())


for alphabet, seen in looks.items():
    if seen["failed"]:
        print(f"«краулер» не запустился: {seen['failed'].strip().splitlines()[-1]}")
    for command, out in seen["commands"].items():
        names = "" if alphabet == "latin" else ", имена задач по-русски"
        print(f"\n$ python -m asyncio {command} PID  (код выхода {out['returncode']}"
              f"{names})")  # fmt: skip
        print(short(out["stdout"]) or "(пусто)")
        if out["returncode"] != 0:
            print(f"stderr: {short(out['stderr'])}")
if looks:
    print(f"\nполучено в: {looks['latin']['stamp']}")

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
# Последний вывод выше — та же программа с именами задач по-русски. Инструмент
# читает строки из памяти чужого процесса сам, без его интерпретатора, и строки
# не из ASCII — имена функций, файлов и задач — он читал неверно (ошибка
# `gh-149214 <https://github.com/python/cpython/issues/149214>`_). Проверка
# ниже говорит, так ли это у интерпретатора, найденного здесь; если да, в том
# выводе имена пустые.

for alphabet, seen in looks.items():
    pages = _crawler.PAGES[alphabet]
    names = [*pages, *(part for parts in pages.values() for part in parts)]
    where = "латиницей" if alphabet == "latin" else "по-русски"
    for command, out in seen["commands"].items():
        missing = [n for n in names if n not in out["stdout"]]
        ok = out["returncode"] == 0 and not missing
        claims.check(
            f"{command}-names-tasks-{alphabet}",
            f"python -m asyncio {command} называет каждую задачу другого процесса "
            f"по имени (имена {where})",
            confirmed=ok,
            evidence=f"все {len(names)} имён в выводе"
            if ok
            else f"код выхода {out['returncode']}, нет в выводе: {', '.join(missing)}",
            numbers={"returncode": out["returncode"], "missing": len(missing)},
            reason_if_not="этот выпуск Python неверно читает из чужого процесса "
            "строки не из ASCII (gh-149214)"
            if out["returncode"] == 0
            else "система не разрешила читать память чужого процесса (права "
            "ptrace, контейнер без CAP_SYS_PTRACE)",
            stamp=seen["stamp"],
        )
