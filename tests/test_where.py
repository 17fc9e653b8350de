"""«Где это измерено» and the gallery's tags, built (potok_sphinx.where, conf.py).

The site ``tests/sites/where`` has two examples: one takes a
``threading.Lock``, the other uses nothing of the standard modules; each
declares its tags. Its page holds a chapter's list of examples (a
``minigallery`` of paths) and a glossary entry whose «Где это измерено» is a
``minigallery`` of the name ``threading.Lock``. That the real site's chapters
and glossary show their examples, and that the filter filters in a browser, is
``tests/browser/test_where.py``.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

pytest.importorskip("sphinx", reason="the build checks need the docs group")

pytestmark = pytest.mark.site("where")


def cards(node) -> list[str]:
    """The titles of the example cards sphinx-gallery drew inside ``node``."""
    return [
        div.get_text(" ", strip=True)
        for div in node.select(".sphx-glr-thumbcontainer .sphx-glr-thumbnail-title")
    ]


def test_glossary_entry_lists_the_examples_that_use_its_api(site):
    page = site.html("index")
    where = page.select_one("details.potok-where")
    assert where is not None, "no «Где это измерено» under the glossary entry"
    assert "Где это измерено" in where.select_one("summary").get_text()
    assert cards(where) == ["Пример с блокировкой"]
    # inside a closed <details>: fetched only when the reader opens it
    # (each card has a light and a dark thumbnail, both lazy)
    loading = [img.get("loading") for img in where.select("img")]
    assert loading and set(loading) == {"lazy"}, loading


def test_chapter_lists_its_examples(site):
    page = site.html("index")
    (section,) = [
        h2.parent for h2 in page.select("section > h2") if "Примеры к главе" in h2.text
    ]
    assert cards(section) == ["Пример без блокировки"]


def test_examples_carry_their_tags_and_the_gallery_a_filter(site):
    index = site.html("auto_examples/index")
    tags = {
        div.select_one(".sphx-glr-thumbnail-title").get_text(strip=True): div.get(
            "data-sgtags"
        )
        for div in index.select(".sphx-glr-thumbcontainer")
    }
    assert tags == {
        "Пример с блокировкой": '["потоки"]',
        "Пример без блокировки": '["процессы", "от двух CPU"]',
    }
    # the filter's place comes first on the page: sg-tags.js fills the first
    assert index.select("[id=sg-tag-list]")[0].find_parent("section").h1
    scripts = [s.get("src", "") for s in index.select("script")]
    sg, ours = (
        next(i for i, s in enumerate(scripts) if f"/{name}" in s)
        for name in ("sg-tags.js", "potok-tags.js")
    )
    assert sg < ours, "potok-tags.js must load after sg-tags.js to relabel its filter"


def test_example_page_names_its_tags_in_russian_as_filter_links(site):
    page = site.html("auto_examples/01_test/plot_plain")
    line = page.select_one(".sphx-glr-example-tags")
    assert line.get_text(" ", strip=True).startswith("🏷 Метки:")
    assert "Tags" not in line.get_text()
    assert [a["href"] for a in line.select("a")] == [
        f"../index.html?sg-tags={quote('процессы')}",
        f"../index.html?sg-tags={quote('от двух CPU')}",
    ]
