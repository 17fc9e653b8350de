"""Build details out of the reader's way, and the page's own small errors.

- the folded box «Как воспроизвести» (potok_sphinx.reader), one per example;
- the execution-times pages out of search and the sitemap
  (potok_sphinx.offline, ``sitemap_excludes``);
- the 404 page in Russian (``notfound_context``).

The functions on their own first, then one small site built with all of it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the build checks need the docs group")

from potok_sphinx import offline, reader
from sites import NO_NETWORK, build, make_site


def test_the_box_folds_the_commands_and_keeps_them():
    block = reader.run_block(reader.source_of("0.0.0", None, {}), "plot_x.py")
    folded = reader.fold(block)
    assert folded[0] == ".. dropdown:: Как воспроизвести"
    assert "   :class-container: potok-run" in folded
    body = "\n".join(folded)
    assert "rubric" not in body  # the box's title replaces the heading
    assert "python -m potok compare plot_x.py --site АДРЕС" in body
    assert all(not line or line.startswith("   ") for line in folded[1:])


def test_times_pages_leave_search():
    source = ["\n:orphan:\n\n.. _sphx_glr_sg_execution_times:\n\n\nComputation times\n"]
    offline.leave_out_of_search(None, "auto_examples/sg_execution_times", source)
    assert source[0].startswith("\n:orphan:\n:nosearch:\n\n.. _sphx_glr_")
    offline.leave_out_of_search(None, "auto_examples/sg_execution_times", source)
    assert source[0].count(":nosearch:") == 1
    other = ["\n:orphan:\n\nx\n"]
    offline.leave_out_of_search(None, "chapters/04-gil", other)
    assert other == ["\n:orphan:\n\nx\n"]


# --- a small site with all of it -------------------------------------------------

EXAMPLE = '''\
"""
Простой пример
==============

Один график.
"""

import matplotlib.pyplot as plt

fig, ax = plt.subplots()
ax.plot([1, 2])
plt.show()
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_site(
        tmp_path_factory.mktemp("reader_view"), examples={"plot_plain.py": EXAMPLE}
    )
    proc = build(root, POTOK_SITE_URL="https://example.org/potok/", **NO_NETWORK)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return root / "docs" / "_build" / "html"


def soup(built: Path, name: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup((built / name).read_text(encoding="utf-8"), "html.parser")


def test_rerun_box_is_folded_above_the_downloads(built):
    html = (built / "auto_examples/01_test/plot_plain.html").read_text("utf-8")
    page = soup(built, "auto_examples/01_test/plot_plain.html")
    [box] = page.select("details.potok-run")
    assert box.summary.get_text(strip=True).startswith("Как воспроизвести")
    assert not box.has_attr("open")
    text = re.sub(r"<[^>]+>", "", str(box))
    # a test site is no release: its potok is installed from the clone
    assert f"uv run --with {reader.CLONE} plot_plain.py" in text
    assert not reader.unpinned_installs(text)
    assert "Запустить у себя" not in html
    assert html.index("potok-run") < html.index("sphx-glr-download-python")


def test_times_pages_are_found_by_no_search_and_in_no_sitemap(built):
    index = (built / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    times = {
        i for i, name in enumerate(data["docnames"]) if "sg_execution_times" in name
    }
    assert times, "the site has execution-times pages"
    for word, docs in data["terms"].items():
        docs = docs if isinstance(docs, list) else [docs]
        assert not times & set(docs), f"search finds {word!r} on a times page"
    for docs in data["titleterms"].values():
        assert not times & set(docs if isinstance(docs, list) else [docs])
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    assert "auto_examples/01_test/plot_plain.html" in sitemap
    assert "sg_execution_times" not in sitemap


def test_the_404_page_is_in_russian(built):
    page = soup(built, "404.html")
    assert page.title.get_text().startswith("Страница не найдена")
    assert page.h1.get_text(strip=True).startswith("Страница не найдена")
    assert "Page not found" not in str(page)
