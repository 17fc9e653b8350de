"""The EPUB edition: built from the HTML build's output, valid, never stale.

Small sites built with the real conf.py and extension (tests/sites.py), then
their book with ``docs/_ext/potok_sphinx/epub.py``, as ``nox -s docs`` does.
The real site's book is checked by ``nox -s epub`` (EPUBCheck) and, as a
reader meets it, by tests/browser/test_book.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sites import GOOD_EXAMPLE, NO_NETWORK, build, make_site

ROOT = Path(__file__).resolve().parent.parent
BOOK_SCRIPT = ROOT / "docs" / "_ext" / "potok_sphinx" / "epub.py"
EPUBCHECK = Path(os.environ.get("POTOK_EPUBCHECK", "/usr/share/java/epubcheck.jar"))

#: an example with a figure: sphinx-gallery shows it through ``imgsgnode``
#: (``image_srcset``), the node the EPUB builder has no visitor for; its tags
#: put ``data-sgtags`` before the thumbnail's ``tooltip=``, as on the site
PLOTTING_EXAMPLE = '''\
"""
Пример с графиком
=================

Рисует линию.
"""

# sphinx_gallery_tags = ["потоки", "процессы"]

import matplotlib.pyplot as plt

fig, ax = plt.subplots()
ax.plot([1, 2, 3], [1, 4, 9])
ax.set_title("Квадраты & \\"кавычки\\"")
plt.show()
'''

#: what made sphinx-gallery#1285 fail: any extension that registers a visitor
#: for the epub builder makes Sphinx drop every html one (sphinx#14587)
EPUB_VISITOR_EXTENSION = """\
from docutils import nodes


class mark(nodes.General, nodes.Element):
    pass


def setup(app):
    app.add_node(mark, html=(lambda s, n: None, None), epub=(lambda s, n: None, None))
    return {"parallel_read_safe": True}
"""


def _site(tmp_path: Path) -> Path:
    return make_site(
        tmp_path,
        examples={"plot_good.py": GOOD_EXAMPLE, "plot_figure.py": PLOTTING_EXAMPLE},
    )


def build_book(site: Path, **env: str) -> subprocess.CompletedProcess:
    """The book of the site's finished HTML build, as nox -s docs makes it."""
    return subprocess.run(
        [
            sys.executable,
            str(BOOK_SCRIPT),
            "docs/_build/html",
            "--source",
            "docs",
        ],
        cwd=site,
        env=dict(os.environ, MPLBACKEND="Agg", **NO_NETWORK, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _built(site: Path, *args: str, **env: str) -> Path:
    done = build(site, *args, **NO_NETWORK, **env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    done = build_book(site, **env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return site / "docs" / "_build" / "html" / "potok.epub"


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    """A small site's HTML build and its book."""
    site = _site(tmp_path_factory.mktemp("book"))
    return _built(site)


def _read(book: Path, name: str) -> str:
    with zipfile.ZipFile(book) as z:
        return z.read(name).decode("utf-8")


def test_the_book_is_in_the_site_and_the_sidebar_links_it(book):
    html_dir = book.parent
    assert zipfile.is_zipfile(book)
    with zipfile.ZipFile(book) as z:
        assert z.read("mimetype") == b"application/epub+zip"
    for page in ("index.html", "auto_examples/01_test/plot_figure.html"):
        text = (html_dir / page).read_text(encoding="utf-8")
        link = re.search(r'<a class="potok-book-link" href="([^"]+)"', text)
        assert link, f"{page}: no link to the book in the sidebar"
        assert (html_dir / Path(page).parent / link[1]).resolve() == book.resolve()


def test_the_figure_is_one_sharp_image_with_its_alt_text(book):
    page = _read(book, "auto_examples/01_test/plot_figure.xhtml")
    images = re.findall(r"<img [^>]*>", page)
    figure = [i for i in images if "sphx_glr_plot_figure_001" in i]
    assert len(figure) == 1, images
    assert "_2_00x.png" in figure[0] and "srcset" not in figure[0]
    assert "&amp;" in figure[0] and "&quot;" in figure[0]  # alt text escaped
    src = re.search(r'src="([^"]+)"', figure[0])[1]
    with zipfile.ZipFile(book) as z:
        assert "_images/" + Path(src).name in z.namelist()


def test_cyrillic_and_the_table_of_contents(book):
    nav = _read(book, "nav.xhtml")
    assert "<h1>Оглавление</h1>" in nav and "Table of Contents" not in nav
    titles = re.findall(r"<a href=\"([^\"]+)\">([^<]+)</a>", nav)
    assert ("index.xhtml", "Проба") in titles, titles
    assert ("auto_examples/01_test/index.xhtml", "Раздел") in titles, titles
    # the examples follow their section's page in the reading order (the
    # table of contents stops at the section, as the site's does at depth 3)
    spine = re.findall(r'<itemref idref="([^"]+)"', _read(book, "content.opf"))
    manifest = dict(
        re.findall(r'<item id="([^"]+)" href="([^"]+)"', _read(book, "content.opf"))
    )
    order = [manifest[i] for i in spine]
    section = order.index("auto_examples/01_test/index.xhtml")
    assert "auto_examples/01_test/plot_figure.xhtml" in order[section:]
    assert "auto_examples/01_test/plot_good.xhtml" in order[section:]
    opf = _read(book, "content.opf")
    assert "<dc:language>ru</dc:language>" in opf
    assert "<dc:title>От процессора до многопоточности</dc:title>" in opf
    # the page's code and its output are there
    page = _read(book, "auto_examples/01_test/plot_good.xhtml")
    assert "<pre" in page and "пример выполнился" in page


def test_the_book_has_no_invalid_xhtml_from_upstream(book):
    with zipfile.ZipFile(book) as z:
        pages = [n for n in z.namelist() if n.endswith(".xhtml")]
        text = "".join(z.read(n).decode("utf-8") for n in pages)
        assert "_static/potok.css" not in z.namelist()
        assert "_static/plot_directive.css" in z.namelist()
    assert " tooltip=" not in text
    assert "data-sgtags=" in text  # the tagged thumbnail is in the book
    assert "sg-tag-list" not in text
    assert "potok.css" not in text


@pytest.mark.skipif(not EPUBCHECK.is_file(), reason="needs EPUBCheck (epubcheck)")
def test_epubcheck_passes(book):
    if shutil.which("java") is None:
        pytest.skip("needs java for EPUBCheck")
    done = subprocess.run(
        ["java", "-jar", str(EPUBCHECK), str(book)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_the_book_builds_when_an_extension_registers_epub_visitors(tmp_path):
    """sphinx-gallery#1285: with any epub visitor registered, Sphinx drops the
    html ones (sphinx#14587), and the figure's node was unknown."""
    site = _site(tmp_path)
    ext = site / "docs" / "_ext" / "epub_visitor.py"
    ext.write_text(EPUB_VISITOR_EXTENSION, encoding="utf-8")
    conf = site / "docs" / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8") + '\nextensions.append("epub_visitor")\n',
        encoding="utf-8",
    )
    book = _built(site)
    assert "sphx_glr_plot_figure_001_2_00x.png" in _read(
        book, "auto_examples/01_test/plot_figure.xhtml"
    )


def test_an_html_build_forgets_the_older_book_and_no_example_runs_twice(tmp_path):
    site = _site(tmp_path)
    book = _built(site)
    # an example changed since the HTML build: the book refuses to run it
    script = site / "examples" / "01_test" / "plot_good.py"
    script.write_text(GOOD_EXAMPLE + '\nprint("ещё строка")\n', encoding="utf-8")
    done = build_book(site)
    assert done.returncode != 0
    assert "01_test/plot_good.py" in done.stdout + done.stderr
    assert "nox -s docs" in done.stdout + done.stderr
    # the HTML build of the changed example: the old book leaves the site
    done = build(site, **NO_NETWORK)
    assert done.returncode == 0, done.stderr[-3000:]
    assert not book.exists()
    assert build_book(site).returncode == 0 and book.is_file()


def test_the_book_needs_a_finished_html_build(tmp_path):
    site = _site(tmp_path)
    done = build_book(site)
    assert done.returncode == 1
    assert "build the site first (nox -s docs)" in done.stderr
