"""The EPUB edition as a reader finds it: a link in the left sidebar of every
page, which downloads this build's book (potok_sphinx.epub).

The book's own validity is EPUBCheck's job (nox -s epub); here: the link is
seen, it leads to a file the server gives, and that file is an EPUB whose table
of contents holds every chapter, in Russian.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

PAGES = ["index.html", "chapters/14-containers-memory.html"]
LINK = ".sidebar-drawer .potok-book-link"


@pytest.mark.parametrize("path", PAGES)
def test_the_sidebar_links_the_book(open_page, path):
    visit = open_page(path)
    link = visit.page.locator(LINK)
    assert link.count() == 1, f"{path}: no link to the book in the sidebar"
    assert link.is_visible(), f"{path}: the link to the book is hidden"
    assert "EPUB" in link.inner_text()
    href = link.evaluate("a => a.href")
    assert href == visit.url.rsplit("/", path.count("/") + 1)[0] + "/potok.epub"
    response = visit.page.request.get(href)
    assert response.ok, f"{href}: HTTP {response.status}"
    book = zipfile.ZipFile(io.BytesIO(response.body()))
    assert book.read("mimetype") == b"application/epub+zip"
    nav = book.read("nav.xhtml").decode("utf-8")
    chapters = re.findall(r'href="chapters/(\d\d)-[^"]+\.xhtml"', nav)
    assert sorted(set(chapters)) == [f"{n:02d}" for n in range(1, 18)], chapters
    visit.page.context.close()
