"""Start a new gallery example from the template.

    nox -s new-example -- 04_gil my_topic [--title "Заголовок примера"]
    python tools/new_example.py 04_gil my_topic

creates ``examples/04_gil/plot_my_topic.py``: a complete example that runs as it
is (a timing done with ``potok.measure.repeat``, a figure drawn with
``potok.plots`` carrying the machine stamp, a quick scale for the tests) and
passes every convention check in ``tests/test_conventions.py``. Replace its
title, prose and work with yours. It never overwrites a file.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FOLDER_RE = re.compile(r"^\d\d_[a-z0-9]+(?:_[a-z0-9]+)*$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")

TEMPLATE = '''\
"""
{title}
{underline}

Одна-две фразы о вопросе, на который отвечает пример, и о том, что читатель
увидит на графике. Замените заголовок, этот текст и работу ниже на свои; числа,
которые пример измеряет, в текст не переписывайте — он их печатает сам.
"""

# %%
# Работа и её масштаб
# -------------------
#
# Здесь объясните, что измеряется и почему именно так. Работа для других
# процессов живёт в :mod:`potok.workloads`, а не в этом файле. Размер задаёт
# ``measure.scale(по умолчанию, быстрый)``: по умолчанию пример идёт не дольше
# ~10 с на двух ядрах, с ``POTOK_QUICK=1`` (так его запускают тесты) —
# несколько секунд.

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots, workloads

SIZES = measure.scale([200_000, 400_000, 800_000], [20_000, 40_000, 80_000])
REPEATS = measure.scale(5, 3)

print(machine.stamp())

# %%
# Замер
# -----
#
# Для каждого размера — прогрев и несколько повторов (``measure.repeat``);
# печатаются медиана, минимум и максимум.

timings = []
for n in SIZES:
    timing = measure.repeat(
        lambda n=n: workloads.cpu_bound(n), repeats=REPEATS, warmup=1
    )
    timings.append(timing)
    print(f"n = {{n:_}}: {{timing}}")

# %%
# График
# ------
#
# Точка — медиана, отрезок — от минимума до максимума. Пунктир — время,
# пропорциональное размеру (от первой точки): опорная линия, с которой удобно
# сравнивать.

fig, ax = plots.figure()
plots.medians(ax, SIZES, timings, label="медиана, мин–макс")
ax.plot(
    SIZES,
    [timings[0].median * n / SIZES[0] for n in SIZES],
    linestyle="--",
    color=plots.REFERENCE,
    label="пропорционально размеру",
)
ax.set_xlabel("размер работы, итераций")
ax.set_ylabel("время, с")
ax.set_title("Время работы и её размер")
ax.legend()
plots.stamp(fig)
plt.show()

# %%
# Что видно на графике
# --------------------
#
# Опишите, на что смотреть, а не конкретные числа: например, ложатся ли точки
# на пунктир и насколько широк разброс между повторами. То, чему учит страница,
# пример проверяет на только что измеренных числах: ``claims.check`` печатает
# вердикт и записывает его (с числами) в запись прогона.

growth = timings[-1].median / timings[0].median
claims.check(
    "time-grows-with-size",
    "чем больше работа, тем дольше она идёт",
    confirmed=growth > 1,
    evidence=f"×{{growth:.1f}} от меньшего размера к большему",
    numbers={{"growth": growth}},
    reason_if_not="машина была занята во время меньших замеров",
)
'''


class UsageError(Exception):
    pass


def target_path(folder: str, name: str) -> Path:
    """Validate FOLDER and NAME; the path of the new example."""
    folder = folder.strip().strip("/").removeprefix("examples/")
    if not FOLDER_RE.match(folder):
        raise UsageError(
            f"{folder!r} is not a chapter folder name: two digits, an underscore "
            "and lowercase latin words, e.g. 04_gil"
        )
    chapters = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())
    if not (EXAMPLES / folder).is_dir():
        raise UsageError(
            f"examples/{folder} does not exist; the chapter folders are: "
            f"{', '.join(chapters) or '(none)'}. A new chapter first needs its "
            "folder with a GALLERY_HEADER.rst (see CONTRIBUTING.md)"
        )
    stem = name.strip().removesuffix(".py").removeprefix("plot_")
    if not NAME_RE.match(stem):
        raise UsageError(
            f"{name!r} is not a usable example name: lowercase latin letters, "
            "digits and underscores, starting with a letter (it becomes "
            "plot_<name>.py and part of the page's address), e.g. my_topic"
        )
    path = EXAMPLES / folder / f"plot_{stem}.py"
    if path.exists():
        raise UsageError(
            f"{path.relative_to(ROOT)} exists already and was not overwritten; "
            "choose another name or edit that file"
        )
    return path


def render(title: str) -> str:
    title = " ".join(title.split())
    return TEMPLATE.format(title=title, underline="=" * len(title))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="nox -s new-example --", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("folder", help="chapter folder under examples/, e.g. 04_gil")
    ap.add_argument("name", help="example name, e.g. my_topic → plot_my_topic.py")
    ap.add_argument("--title", help="the example's title (Russian)")
    args = ap.parse_args(argv)
    try:
        path = target_path(args.folder, args.name)
    except UsageError as exc:
        print(f"new-example: {exc}", file=sys.stderr)
        return 2
    title = args.title or f"Новый пример: {path.stem.removeprefix('plot_')}"
    path.write_text(render(title), encoding="utf-8")
    rel = path.relative_to(ROOT)
    label = f"sphx_glr_auto_examples_{path.parent.name}_{path.name}"
    print(f"created {rel}")
    print(f"  run it:      POTOK_QUICK=1 python {rel}")
    print(f"  see it:      nox -s docs -- --example {path.stem}")
    print(f"  check it:    nox -s tests-3.13 -- tests/test_conventions.py {rel}")
    print(f"  link to it:  {{ref}}`{label}`")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
