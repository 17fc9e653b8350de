"""The chapters' diagrams: what each one shows, and that every one has alt text.

Structure, not pixels: each function in potok_sphinx.drawings draws a figure carrying
the labels its chapter's alt text describes. The plot directive does not insist
on ``:alt:``, so the pages' sources are read here and a diagram without it fails,
naming its file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.colors import to_hex
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text
from potok_sphinx import drawings

from potok.plots import DARK_BACKGROUND, PALETTE

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


EXPECTED = {
    "cpu": [
        "Процессор: один корпус, один сокет",
        "Ядро 0",
        "Ядро 1",
        "Устройство\nуправления",
        "АЛУ",
        "Регистры",
        "L1 команд",
        "L1 данных",
        "L2",
        "L3 — общий для всех ядер",
        "Контроллер памяти",
        "Контроллер\nввода-вывода (PCIe)",
        "Оперативная память",
        "Диски, сеть, видеокарта",
    ],
    "thread_models": [
        "1:1",
        "M:1",
        "M:N",
        "Linux (NPTL), Windows, macOS",
        "GNU Pth (до 2006), greenlet",
        "П1",
        "П4",
        "Я1",
        "Я3",
    ],
    "gil_handoff": [
        "Поток A",
        "Поток B",
        "держит GIL,\nвыполняет байт-код",
        "в точке проверки\nотпускает GIL",
        "ждёт GIL",
        "ждёт GIL\n(до 5 мс)",
        "не дождался:\nпросит отдать GIL",
        "берёт GIL,\nвыполняет байт-код",
        "запрос",
        "GIL",
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_diagram_draws_its_labels_on_white(name):
    fig = getattr(drawings, name)()
    try:
        found = texts(fig)
        missing = [t for t in EXPECTED[name] if t not in found]
        assert not missing, f"drawings.{name}() lacks {missing}; it has {found}"
        assert to_hex(fig.get_facecolor()) == "#ffffff"
        fonts = {t.get_fontname() for t in fig.findobj(Text)}
        assert fonts <= {"DejaVu Sans"}, fonts
    finally:
        plt.close(fig)


def test_thread_models_counts_threads_per_model():
    fig = drawings.thread_models()
    try:
        found = texts(fig)
        # 1:1 three and three, M:1 three onto one, M:N four onto two
        assert sum(t.startswith("П") and len(t) == 2 for t in found) == 10
        assert sum(t.startswith("Я") and len(t) == 2 for t in found) == 6
        dashed = [
            p
            for p in fig.axes[0].patches
            if isinstance(p, FancyArrowPatch)
            and p.get_linestyle() not in ("-", "solid")
        ]
        assert len(dashed) == 2, "M:N: two threads that may move to the other"
        legend = [t for t in found if t.startswith("П — поток программы")]
        assert legend and "пунктир" in legend[0]
    finally:
        plt.close(fig)


def test_diagrams_use_the_site_palette():
    fig = drawings.gil_handoff()
    try:
        edges = {to_hex(p.get_edgecolor()) for p in fig.axes[0].patches}
        assert {PALETTE[0].lower(), PALETTE[5].lower()} <= edges
    finally:
        plt.close(fig)


# --- the pages that embed them ---------------------------------------------------

#: ``.. plot::`` (reST, or inside MyST's {eval-rst}) and a MyST ```{plot} fence
DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)(\.\. plot::|(```+|:::+)\{plot\})")


def plot_blocks(text: str):
    """(line number, options, code, MyST fence?) of every plot directive."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = DIRECTIVE.match(line)
        if not m:
            continue
        fence = not m.group(2).startswith("..")
        options: dict[str, str] = {}
        code = []
        for follow in lines[i + 1 :]:
            body = follow.strip()
            if fence and body.startswith(("```", ":::")):
                break
            if not fence and body and not follow.startswith(m["indent"] + " "):
                break
            opt = re.match(r":([\w-]+):(.*)$", body)
            if opt and not code:
                options[opt[1]] = opt[2].strip()
            elif body:
                code.append(body)
        yield i + 1, options, code, fence


def pages() -> list[Path]:
    skip = {"_build", "auto_examples", "_intersphinx"}
    return sorted(
        p
        for p in DOCS.rglob("*")
        if p.suffix in (".md", ".rst") and not skip & set(p.relative_to(DOCS).parts)
    )


def test_every_diagram_has_alt_text_and_draws_a_known_diagram():
    problems, seen = [], 0
    for page in pages():
        for line, options, code, fence in plot_blocks(page.read_text("utf-8")):
            seen += 1
            where = f"{page.relative_to(ROOT)}:{line}"
            if fence:
                problems.append(
                    f"{where}: MyST cannot run the plot directive from a "
                    "```{plot} fence; wrap `.. plot::` in ```{eval-rst} "
                    "(see docs/conf.py)"
                )
            if not options.get("alt"):
                problems.append(
                    f"{where}: a diagram without :alt: text (describe what it "
                    "shows for readers who cannot see it)"
                )
            for name in re.findall(r"drawings\.(\w+)\(", " ".join(code)):
                if not callable(getattr(drawings, name, None)):
                    problems.append(f"{where}: potok_sphinx.drawings has no {name}()")
    assert not problems, "\n".join(problems)
    assert seen >= 3, f"only {seen} diagrams found in the chapters"


def test_the_check_catches_a_diagram_without_alt():
    page = (
        "Текст.\n\n```{eval-rst}\n.. plot::\n   :caption: Подпись.\n\n"
        "   from potok_sphinx import drawings\n\n   drawings.cpu()\n```\n"
    )
    [(line, options, code, fence)] = list(plot_blocks(page))
    assert (line, fence) == (4, False)
    assert "alt" not in options and options["caption"] == "Подпись."
    assert code == ["from potok_sphinx import drawings", "drawings.cpu()"]


# --- in a built page ---------------------------------------------------------------


def test_diagram_is_an_svg_image_with_its_alt_text(tmp_path):
    pytest.importorskip("sphinx", reason="the build checks need the docs group")
    from sites import build, html, make_site, text

    site = make_site(tmp_path, "diagram")  # tests/sites/diagram
    proc = build(site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "build succeeded" in proc.stdout
    page = html(site, "index")
    img = page.select_one("img.potok-diagram")
    assert img is not None, "no <img> with the diagram's class"
    assert img["alt"] == "Два потока передают друг другу GIL."
    assert img["src"].endswith(".svg")
    assert (site / "docs/_build/html" / img["src"]).is_file()
    figure = img.find_parent("figure")
    assert figure is not None and "Передача GIL." in text(figure)  # the caption
    # no download links or source code under the picture
    assert not page.select('a[href$=".py"]') and "Source code" not in text(page)
    # and its dark twin beside it, recoloured (potok_sphinx.figures.dark_svg):
    # furo's theme shows one of the two
    light, dark = page.select("img.potok-diagram")
    assert "only-light" in light["class"] and "only-dark" in dark["class"]
    assert dark["alt"] == light["alt"]
    drawn = (site / "docs/_build/html" / dark["src"]).read_text(encoding="utf-8")
    assert dark["src"].endswith("_dark.svg")
    assert DARK_BACKGROUND in drawn and "#ffffff" not in drawn
