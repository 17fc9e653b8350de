"""«Где это измерено» and the gallery's tags on the built site, in Chromium.

A chapter lists its examples as cards (``minigallery``), a glossary entry of an
API lists, in a closed «Где это измерено», the examples whose code uses it
(sphinx-gallery's backreferences), and the gallery filters its cards by the
tags each example declares (``# sphinx_gallery_tags``), with Russian labels.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TAGS = re.compile(r"^#\s*sphinx_gallery_tags\s*=\s*(.+)$", re.M)
VISIBLE_CARDS = """() => Array.from(document.querySelectorAll(
  "article .sphx-glr-thumbcontainer")).filter(el => el.offsetParent !== null)
  .map(el => el.querySelector(".sphx-glr-thumbnail-title").textContent.trim())"""


def titles_tagged(tag: str) -> set[str]:
    """The titles of the examples that declare ``tag``, read from their files."""
    found = set()
    for script in (ROOT / "examples").glob("*/plot_*.py"):
        source = script.read_text("utf-8")
        m = TAGS.search(source)
        if m and tag in ast.literal_eval(m[1]):
            found.add(ast.get_docstring(ast.parse(source)).splitlines()[0].strip())
    return found


#: the card titles in the section whose heading reads ``heading``
SECTION_CARDS = """(heading) => {
  const h = Array.from(document.querySelectorAll("article h2"))
    .find(h => h.textContent.includes(heading));
  return Array.from(h.parentElement.querySelectorAll(".sphx-glr-thumbnail-title"))
    .map(e => e.textContent.trim());
}"""
#: the «Где это измерено» of the glossary term ``term``, as a selector-free handle
TERM_WHERE = """(term) => {
  const dt = Array.from(document.querySelectorAll("dl.glossary dt"))
    .find(dt => dt.textContent.replace("¶", "").trim() === term);
  return dt.nextElementSibling.querySelector("details.potok-where");
}"""


def test_gallery_filters_by_tag_with_russian_labels(open_page):
    v = open_page("auto_examples/index.html?sg-tags=asyncio")
    page = v.page
    wanted = titles_tagged("asyncio")
    assert len(wanted) >= 5
    assert set(page.evaluate(VISIBLE_CARDS)) == wanted
    labels = page.eval_on_selector_all(
        "#sg-tag-list .sphx-glr-tag-label", "els => els.map(e => e.textContent)"
    )
    assert labels == ["🏷 Метки:", "Сбросить"]
    tags = page.eval_on_selector_all(
        "#sg-tag-list .sphx-glr-tag", "els => els.map(e => e.textContent)"
    )
    assert {"потоки", "процессы", "asyncio", "free-threaded"} <= set(tags)
    page.click("#sphx-glr-tag-clear")
    assert len(page.evaluate(VISIBLE_CARDS)) == len(
        list((ROOT / "examples").glob("*/plot_*.py"))
    )
    assert not v.console_errors and not v.foreign
    page.context.close()


def test_chapter_lists_its_examples_as_cards(open_page):
    v = open_page("chapters/10-sync.html")
    cards = v.page.evaluate(SECTION_CARDS, "Примеры к главе")
    assert cards == [
        "Взаимная блокировка: два потока, две блокировки",
        "fork() в процессе с потоками",
        "Сколько стоит блокировка: без соперников и с ними",
        "Производитель, потребители и queue.Queue",
    ]
    v.page.context.close()


def test_glossary_entry_shows_where_its_api_is_measured(open_page):
    v = open_page("glossary.html")
    details = v.page.evaluate_handle(TERM_WHERE, "блокировка").as_element()
    assert details is not None, "«блокировка» has no «Где это измерено»"
    assert details.evaluate("d => d.open") is False
    details.query_selector("summary").click()
    cards = [
        t.inner_text().strip()
        for t in details.query_selector_all(".sphx-glr-thumbnail-title")
    ]
    # the examples whose code takes a threading.Lock (or an RLock)
    assert "Сколько стоит блокировка: без соперников и с ними" in cards
    assert "Взаимная блокировка: два потока, две блокировки" in cards
    # the thumbnails are lazy: each loads once it nears the screen; of a
    # thumbnail's light and dark variants only the theme's is shown and loads
    images = [
        img
        for img in details.query_selector_all("img")
        if img.evaluate("i => i.checkVisibility()")
    ]
    assert images and all(
        img.evaluate(
            """i => new Promise(ok => {
              i.scrollIntoView({block: 'center', behavior: 'instant'});
              if (i.complete) return ok(i.naturalWidth > 0);
              i.addEventListener('load', () => ok(i.naturalWidth > 0));
              i.addEventListener('error', () => ok(false));
            })"""
        )
        for img in images
    ), "a thumbnail of «Где это измерено» did not load"
    v.page.context.close()
