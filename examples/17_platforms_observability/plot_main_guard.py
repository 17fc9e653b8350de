"""
Защита ``if __name__ == "__main__"``: что без неё делает spawn
==============================================================

При методе запуска **spawn** (единственном в Windows и методе по умолчанию в
macOS) дочерний процесс — новый интерпретатор. Чтобы найти функцию, которую
ему передали по имени (``__main__.work``), он **импортирует главный скрипт
заново** — под именем ``__mp_main__``, то есть выполняет весь его верхний
уровень. Если там запускаются процессы, ребёнок попробует запустить своих
детей, и :mod:`multiprocessing` это запрещает. **forkserver** (по умолчанию в
Linux с Python 3.14) тоже импортирует главный скрипт.

Пример пишет два маленьких скрипта во временную папку и запускает каждый при
каждом методе запуска этой машины. spawn есть и в Linux: что видно ниже при
spawn, то же происходит в Windows и macOS.
"""

# %%
# Два скрипта
# -----------
#
# Они отличаются одной строкой. Первая строка верхнего уровня печатает, в каком
# процессе и под каким именем модуля она выполняется; задачи возвращают номер
# процесса, который их выполнил, — так видно, кто из печатавших был рабочим
# процессом пула. Метод запуска скрипт получает аргументом командной строки.

# sphinx_gallery_tags = ["процессы"]
import multiprocessing
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from potok import claims, machine, plots

WITHOUT_GUARD = """\
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor

print(f"верхний уровень: __name__ = {__name__}, pid {os.getpid()}", flush=True)


def work(x):
    return os.getpid()


context = multiprocessing.get_context(sys.argv[1])
with ProcessPoolExecutor(2, mp_context=context) as pool:
    pids = set(pool.map(work, range(8)))
print(f"задачи выполнили процессы {sorted(pids)}")
"""

WITH_GUARD = """\
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor

print(f"верхний уровень: __name__ = {__name__}, pid {os.getpid()}", flush=True)


def work(x):
    return os.getpid()


if __name__ == "__main__":
    context = multiprocessing.get_context(sys.argv[1])
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        pids = set(pool.map(work, range(8)))
    print(f"задачи выполнили процессы {sorted(pids)}")
"""

SCRIPTS = {"без защиты": WITHOUT_GUARD, "с защитой": WITH_GUARD}
METHODS = multiprocessing.get_all_start_methods()

# %%
# Запуск
# ------
#
# Каждый скрипт — отдельный процесс того же Python, что выполняет пример
# (``sys.executable``), с выводом в трубу. Процессы пишут в неё одновременно, и
# их строки иногда слипаются (глава :doc:`/chapters/05-threading`). В выводе
# ниже папки в путях к файлам сокращены до ``…/``: в настоящем они полные.


def short(text):
    """Пути машины — до имени файла: ``…/python3.13``, ``…/program.py``."""
    absolute = r"(?<![\w.:/-])(?:[A-Za-z]:)?[/\\~][^\s()\"']*[/\\](?=[^\s()\"'/\\])"
    relative = r"(?<![\w…])[\w.-]+(?:[/\\][\w.-]+)*[/\\](?=[\w.-]+\.py\b)"
    return re.sub(relative, "…/", re.sub(absolute, "…/", text))


def run(source, method, folder):
    script = Path(folder) / "program.py"
    script.write_text(source, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), method],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        cwd=folder,
    )
    return done.returncode, short(done.stdout), short(done.stderr)


print(machine.stamp())
results = {}
with tempfile.TemporaryDirectory() as folder:
    for method in METHODS:
        for name, source in SCRIPTS.items():
            results[method, name] = run(source, method, folder)


def last_error(stderr):
    errors = re.findall(r"^[\w.]+(?:Error|Pool)\b.*", stderr, re.M)
    return errors[-1] if errors else "(нет)"


def top_level_runs(stdout):
    return stdout.count("верхний уровень:")


for (method, name), (code, out, err) in results.items():
    print(f"\n=== {method}, {name}: код выхода {code}")
    print(out.rstrip() or "(ничего)")
    if code:
        print(f"последняя ошибка: {last_error(err)}")

# %%
# Что написал упавший ребёнок
# ---------------------------
#
# Текст :exc:`RuntimeError` из первого упавшего запуска, как есть:
# :mod:`multiprocessing` сам называет и причину, и лекарство.

failed = [err for (code, _, err) in results.values() if code and "RuntimeError" in err]
if failed:
    block = re.search(r"^RuntimeError:.*?(?=^\S|\Z)", failed[0], re.S | re.M)
    print(block.group(0).rstrip() if block else last_error(failed[0]))
else:
    print("ни один запуск не упал с RuntimeError")

# %%
# Сколько раз выполнился верхний уровень
# --------------------------------------
#
# Сколько строк «верхний уровень» напечатали все процессы одного запуска
# (штриховка — запуск упал): всё сверх одной — повторный импорт скрипта.

fig, ax = plots.figure(height=3.8)
width = 0.38
for i, name in enumerate(SCRIPTS):
    xs = [m + (i - 0.5) * width for m in range(len(METHODS))]
    runs = [top_level_runs(results[method, name][1]) for method in METHODS]
    failed_runs = [results[method, name][0] != 0 for method in METHODS]
    bars = ax.bar(xs, runs, width, label=name, color=plots.PALETTE[i])
    for bar in (b for b, broken in zip(bars, failed_runs, strict=True) if broken):
        bar.set(hatch="//", edgecolor="black")
    ax.bar_label(
        bars,
        labels=[
            f"{r}" + (" (упал)" if b else "")
            for r, b in zip(runs, failed_runs, strict=True)
        ],
    )
ax.set_xticks(range(len(METHODS)), METHODS)
ax.set_ylim(0, ax.get_ylim()[1] + 0.6)
ax.set_ylabel("выполнений верхнего уровня, раз")
ax.set_xlabel("метод запуска; пул из 2 процессов, 8 задач")
ax.axhline(1, color=plots.REFERENCE, linestyle=":", label="только родитель")
ax.legend(loc="upper left")
ax.set_title("Сколько процессов выполнили верхний уровень скрипта")
plots.stamp(fig)
plt.show()

# %%
# Что проверяем
# -------------

stamp, unexpected = machine.stamp(), "неожиданно: смотрите вывод выше"
if "fork" in METHODS:
    code, out, _ = results["fork", "без защиты"]
    claims.check(
        "fork-needs-no-guard",
        "при fork скрипт без защиты работает: ребёнок — копия родителя, скрипт "
        "заново не выполняется",
        confirmed=code == 0 and top_level_runs(out) == 1,
        evidence=f"код выхода {code}, верхний уровень: {top_level_runs(out)} раз",
        numbers={"returncode": code, "runs": top_level_runs(out)},
        reason_if_not=unexpected,
        stamp=stamp,
    )
code, out, err = results["spawn", "без защиты"]
claims.check(
    "spawn-without-guard-fails",
    "при spawn скрипт без защиты падает: ребёнок, импортируя скрипт, пытается "
    "запустить свой пул, и multiprocessing выбрасывает RuntimeError",
    confirmed=code != 0 and "RuntimeError" in err,
    evidence=f"код выхода {code}; RuntimeError в выводе детей: "
    f"{'да' if 'RuntimeError' in err else 'нет'}; у родителя: {last_error(err)}",
    numbers={"returncode": code},
    reason_if_not=unexpected,
    stamp=stamp,
)
guarded = {method: results[method, "с защитой"] for method in METHODS}
claims.check(
    "guard-works-with-every-method",
    "с защитой скрипт работает при каждом методе запуска",
    confirmed=all(code == 0 for code, _, _ in guarded.values()),
    evidence=", ".join(f"{m}: код {c}" for m, (c, _, _) in guarded.items()),
    numbers={f"{m}_returncode": c for m, (c, _, _) in guarded.items()},
    reason_if_not=unexpected,
    stamp=stamp,
)
runs = top_level_runs(guarded["spawn"][1])
claims.check(
    "spawn-reruns-top-level",
    "и с защитой при spawn верхний уровень скрипта выполняется не только в "
    "родителе, но и в каждом рабочем процессе",
    confirmed=runs > 1,
    evidence=f"выполнен {runs} раз при пуле из 2 процессов",
    numbers={"runs": runs},
    reason_if_not=unexpected,
    stamp=stamp,
)

# %%
# Как читать
# ----------
#
# * **fork**: одна строка — от родителя. Ребёнок получил копию памяти, искать
#   ``work`` ему не нужно, и скрипт без защиты работает — этим он и прятал ошибку.
# * **spawn**: с защитой строк три — родитель (``__main__``) и оба рабочих
#   процесса (``__mp_main__``). Без защиты рабочие процессы доходят до
#   ``ProcessPoolExecutor`` и падают с :exc:`RuntimeError`, а родитель получает
#   :class:`~concurrent.futures.process.BrokenProcessPool`.
# * **forkserver**: с Python 3.14 скрипт импортирует один процесс-сервер (его
#   номера нет среди рабочих), а его копии получают модуль готовым; до 3.14 —
#   каждый рабочий процесс (`gh-126631
#   <https://github.com/python/cpython/issues/126631>`_).
#
# Под ``if __name__ == "__main__":`` уходит всё, что запускает процессы или
# долго работает (чтение данных, загрузка моделей): иначе оно выполнится в
# каждом ребёнке. Наверху остаются импорты, функции, классы и константы.
