"""Search: a reader types a Russian word form and finds the chapters about it.

Sphinx's search stems Russian words (snowball), so an inflected form must find a
page that uses another form of the word. Extend SEARCHES as chapters are added:
one row per (word form, page that must be among the results).
"""

from __future__ import annotations

import pytest

from tests.chromium import site_pages

#: (what the reader types, a page that must be found)
SEARCHES = [
    ("потоками", "chapters/04-gil.html"),
    ("потоками", "chapters/02-processes-threads.html"),
    ("потоками", "chapters/05-threading.html"),
    ("процессов", "chapters/02-processes-threads.html"),
    ("процессов", "chapters/06-futures.html"),
    ("блокировки", "chapters/04-gil.html"),
    ("блокировки", "chapters/05-threading.html"),
    ("ядрами", "chapters/01-cpu.html"),
    ("ядрами", "chapters/03-kernel-user-threads.html"),
    ("кешей", "chapters/01-cpu.html"),
    ("гонки", "chapters/04-gil.html"),
]

FOUND = "#search-results .search-summary"
SEARCH_DONE = f"() => document.querySelector('{FOUND}')?.textContent.trim()"
RESULT_LINKS = """() => Array.from(
  document.querySelectorAll('#search-results ul.search a'),
).map(a => new URL(a.href).pathname)"""


@pytest.mark.parametrize(("word", "expected"), SEARCHES)
def test_search_finds_the_chapter(open_page, html, word, expected):
    assert expected in site_pages(html), f"{expected} is not in the build"
    v = open_page("index.html")
    box = v.page.locator("input.sidebar-search")
    box.fill(word)
    box.press("Enter")
    v.page.wait_for_url("**/search.html?q=*")
    v.page.wait_for_function(SEARCH_DONE, timeout=15_000)
    found = [path.lstrip("/") for path in v.page.evaluate(RESULT_LINKS)]
    summary = v.page.inner_text(FOUND)
    v.page.context.close()
    assert expected in found, f"searching {word!r} did not find {expected}: {found}"
    # Sphinx's Russian catalog leaves this empty; docs/_static/potok.js fills it
    assert summary.startswith("Поиск завершён: найден"), summary
