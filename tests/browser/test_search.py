"""Search: a reader types a Russian word form and finds the chapters about it.

Sphinx's search stems Russian words (snowball), so an inflected form must find a
page that uses another form of the word. Extend SEARCHES as chapters are added:
one row per (word form, page that must be among the results). A row whose page
is not in this build yet is skipped, naming the page.
"""

from __future__ import annotations

import pytest

from tests.chromium import site_pages

#: (what the reader types, a page that must be found)
SEARCHES = [
    ("потоками", "chapters/04-gil.html"),
    ("процессов", "chapters/04-gil.html"),
    ("блокировки", "chapters/04-gil.html"),
    # the chapters being written; they count as soon as they are built
    ("потоками", "chapters/02-processes-threads.html"),
    ("потоками", "chapters/05-threading.html"),
    ("процессов", "chapters/02-processes-threads.html"),
    ("процессов", "chapters/06-futures.html"),
    ("блокировки", "chapters/05-threading.html"),
]

FOUND = "#search-results .search-summary"
SEARCH_DONE = f"() => document.querySelector('{FOUND}')?.textContent.trim()"
RESULT_LINKS = """() => Array.from(
  document.querySelectorAll('#search-results ul.search a'),
).map(a => new URL(a.href).pathname)"""


@pytest.mark.parametrize(("word", "expected"), SEARCHES)
def test_search_finds_the_chapter(open_page, html, word, expected):
    if expected not in site_pages(html):
        pytest.skip(f"{expected} is not in this build yet")
    v = open_page("index.html")
    box = v.page.locator("input.sidebar-search")
    box.fill(word)
    box.press("Enter")
    v.page.wait_for_url("**/search.html?q=*")
    v.page.wait_for_function(SEARCH_DONE, timeout=15_000)
    found = [path.lstrip("/") for path in v.page.evaluate(RESULT_LINKS)]
    summary = v.page.inner_text(FOUND)
    v.page.context.close()
    assert expected in found, (
        f"searching {word!r} did not find {expected}: {found} ({summary})"
    )
