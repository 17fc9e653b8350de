"""Build checks of the gallery's figures and thumbnails (potok_sphinx.figures,
potok_sphinx.thumbnails) on a small site: one example draws a figure wider than
the column with a legend in 6-point type, one only prints; the page shows the
figure as the front page does.

What a reader sees in a browser (sizes as shown, the theme's variant) is held by
tests/browser/test_figures.py on the real site; here, what the build writes.
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("sphinx", reason="the build checks need the docs group")

from matplotlib.colors import to_hex
from PIL import Image
from potok_sphinx import figures
from sites import NO_NETWORK, build, html, make_site

from potok import plots

FIGURE = '''"""
Пример с графиком
=================

Рисует рисунок шире колонки.
"""

import matplotlib.pyplot as plt

from potok import plots

fig, (left, right) = plots.figure(1, 2, width=10, height=4)
left.plot([1, 2, 3], [1, 4, 9], label="квадраты")
left.legend(fontsize=6)
left.set_title("Квадраты")
right.bar([1, 2], [3, 5], color=plots.PALETTE[1])
right.set_title("Столбцы")
plots.stamp(fig)
plt.show()
'''

PRINTS = '''"""
Пример без графика
==================

Только печатает.
"""

from potok import claims

claims.check("prints", "пример печатает", confirmed=True, evidence="напечатал",
             reason_if_not="пример ничего не напечатал")
'''

INDEX = """# Проба

```{figure} auto_examples/01_test/images/sphx_glr_plot_figure_001_2_00x.png
---
width: 560px
name: front-figure
alt: Рисунок из примера.
---

Подпись.
```

```{toctree}
auto_examples/index
```
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = make_site(
        tmp_path_factory.mktemp("figures"),
        index=INDEX,
        examples={"plot_figure.py": FIGURE, "plot_prints.py": PRINTS},
    )
    proc = build(root, **NO_NETWORK)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


def facts(path) -> dict:
    with Image.open(path) as img:
        return {**img.text, "width": img.width, "height": img.height}


def test_figure_is_held_to_the_column_and_its_smallest_type(site):
    images = site / "docs/auto_examples/01_test/images"
    one = facts(images / "sphx_glr_plot_figure_001.png")
    two = facts(images / "sphx_glr_plot_figure_001_2_00x.png")
    assert one["width"] == round(plots.COLUMN_WIDTH * plots.DPI)  # not 1000
    assert two["width"] == 2 * one["width"]
    # the 6-point legend was raised to the smallest size the site allows
    smallest = plots.MIN_TEXT_PT * plots.DPI / 72
    assert float(one[figures.MIN_TEXT]) == pytest.approx(smallest, abs=0.01)
    assert float(two[figures.MIN_TEXT]) == pytest.approx(2 * smallest, abs=0.01)


def test_each_figure_has_a_dark_twin_from_the_same_run(site):
    images = site / "docs/auto_examples/01_test/images"
    for name in ("sphx_glr_plot_figure_001", "sphx_glr_plot_figure_001_2_00x"):
        light, dark = facts(images / f"{name}.png"), facts(images / f"{name}_dark.png")
        assert (light[figures.THEME], dark[figures.THEME]) == ("light", "dark")
        assert light[figures.RUN] == dark[figures.RUN] != ""
        assert (light["width"], light["height"]) == (dark["width"], dark["height"])
    with Image.open(images / "sphx_glr_plot_figure_001_dark.png") as img:
        corner = img.convert("RGB").getpixel((0, 0))
    assert to_hex([c / 255 for c in corner]) == plots.DARK_BACKGROUND


def test_the_page_shows_both_variants_each_linking_to_its_full_size(site):
    page = html(site, "auto_examples/01_test/plot_figure")
    (box,) = page.select("div.potok-figure")
    links = box.select("a")
    assert [a["class"][-1] for a in links] == ["only-light", "only-dark"]
    for a, suffix in zip(links, ("_2_00x.png", "_2_00x_dark.png"), strict=True):
        assert a["href"].endswith("sphx_glr_plot_figure_001" + suffix)
        assert (site / "docs/_build/html/auto_examples/01_test" / a["href"]).is_file()
        img = a.select_one("img")
        assert img["loading"] == "lazy"
        assert img["width"] == "736" and img["alt"] == "Квадраты, Столбцы"
        assert "2x" in img["srcset"]
        # a phone keeps the width at which 8-point type is 10 CSS px
        minimum = int(re.search(r"min-width: (\d+)px", img["style"]).group(1))
        assert minimum == 663, img["style"]


def test_a_gallery_figure_on_another_page_is_the_same_component(site):
    page = html(site, "index")
    figure = page.select_one("#front-figure")
    imgs = figure.select(".potok-figure a > img")
    assert len(imgs) == 2
    assert imgs[0]["src"].endswith("sphx_glr_plot_figure_001.png")
    assert imgs[1]["src"].endswith("sphx_glr_plot_figure_001_dark.png")
    assert "width: 560px" in imgs[0]["style"]


def test_thumbnails_a_key_panel_and_a_card(site):
    thumbs = site / "docs/auto_examples/01_test/images/thumb"
    panel = facts(thumbs / "sphx_glr_plot_figure_thumb.png")
    assert panel["potok:thumbnail"] == "panel"
    assert (panel["width"], panel["height"]) == (400, 280)
    figure = facts(
        site / "docs/auto_examples/01_test/images/sphx_glr_plot_figure_001.png"
    )
    assert panel[figures.RUN] == figure[figures.RUN]
    card = facts(thumbs / "sphx_glr_plot_prints_thumb.png")
    assert card["potok:thumbnail"] == "card"
    for name in ("plot_figure", "plot_prints"):
        dark = facts(thumbs / f"sphx_glr_{name}_thumb_dark.png")
        assert dark[figures.THEME] == "dark"
    page = html(site, "auto_examples/index")
    for container in page.select(".sphx-glr-thumbcontainer"):
        classes = [img["class"] for img in container.select("img")]
        assert classes == [["only-light"], ["only-dark"]], classes


def test_a_thumbnail_follows_its_example_when_the_figure_goes(tmp_path):
    """An example that stops drawing gets a card, not its old figure's
    thumbnail (sphinx-gallery keeps a thumbnail file that is there)."""
    root = make_site(tmp_path, examples={"plot_figure.py": FIGURE})
    assert build(root, **NO_NETWORK).returncode == 0
    thumb = (
        root / "docs/auto_examples/01_test/images/thumb/sphx_glr_plot_figure_thumb.png"
    )
    assert facts(thumb)["potok:thumbnail"] == "panel"
    script = root / "examples/01_test/plot_figure.py"
    script.write_text(PRINTS.replace("без графика", "с графиком"), encoding="utf-8")
    proc = build(root, **NO_NETWORK)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert facts(thumb)["potok:thumbnail"] == "card"
    assert facts(figures.dark_path(thumb))["potok:thumbnail"] == "card"


def test_a_figure_not_drawn_with_its_dark_twin_runs_again(tmp_path):
    """A light figure saved by another scraper (sphinx-gallery's own) beside a
    dark one of an older run: the example runs again, so the page never shows
    two different measurements in its two themes."""
    root = make_site(tmp_path, examples={"plot_figure.py": FIGURE})
    assert build(root, **NO_NETWORK).returncode == 0
    light = root / "docs/auto_examples/01_test/images/sphx_glr_plot_figure_001.png"
    Image.new("RGB", (10, 10), "white").save(light)  # no potok:run chunk
    proc = build(root, **NO_NETWORK)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "plot_figure.py runs again" in proc.stdout + proc.stderr
    assert facts(light)[figures.RUN] == facts(figures.dark_path(light))[figures.RUN]
