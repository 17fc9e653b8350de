"""The EPUB edition: the site as one book, built from the HTML build's gallery.

Every build of the site has an EPUB edition, ``potok.epub`` at the site's root,
linked from the left sidebar of every page. It is Sphinx's ``epub`` builder run
on the same sources right after the HTML build (``nox -s docs``; ``nox -s
epub`` also checks it with EPUBCheck):

    python docs/_ext/potok_sphinx/epub.py docs/_build/html

builds it into ``docs/_build/epub`` and puts it into the HTML site. It never
runs an example: sphinx-gallery reuses the HTML build's results (same
interpreter, same cache key), and :func:`refuse_to_run_examples` stops the
EPUB build, naming them, if any example would run again. The HTML build deletes
the ``potok.epub`` an earlier build left (:func:`forget_old_book`), so the link
never leads to a book of another build: it is either this build's or missing.

What the EPUB builder needs here, each fix naming its upstream issue:

- **sphinx-gallery's figures** (``image_srcset``: an ``imgsgnode``, not an
  image) have visitors for ``html`` and ``latex`` only (sphinx-gallery#1285,
  open). The EPUB builder borrows the ``html`` ones only while no extension
  registers any visitor for ``epub`` at all: Sphinx then drops every
  format-wide visitor (sphinx-doc/sphinx#14587, open), and the build fails
  with ``unknown node type``. :func:`register_visitors` gives ``epub`` every
  ``html`` visitor it lacks, and sphinx-gallery's figures one of its own
  (:func:`visit_imgsg_epub`): one ``<img>`` of the sharpest image, with its
  alt text escaped. Both can go when sphinx-gallery registers ``epub`` (and
  Sphinx merges the handlers of a builder's format with its own).
- **HTML that is not XHTML** passes through raw nodes (:class:`RawHtmlForEpub`):
  sphinx-gallery's thumbnails carry ``tooltip=`` (not an attribute; here
  ``title=``) and repeat ``id='sg-tag-list'`` in one page (a placeholder for
  its tags' script, which a book does not run), and sphinx-design draws
  chevrons as inline SVG without its namespace. EPUBCheck fails on each.
- **matplotlib's plot directive** copies ``plot_directive.css`` when the build
  has finished, after the EPUB was packed; it is copied before.
- **The table of contents' heading** is English («Table of Contents») in a
  book of any language (Sphinx's ``GUIDE_TITLES`` are not translated: its own
  "XXX" note in ``sphinx/builders/_epub_base.py``); :func:`prepare_book` gives it
  Sphinx's own Russian.
- The site's own stylesheets (``potok.css``: selectors EPUBCheck's parser does
  not read) stay out of the book; ``potok-epub.css`` styles it instead.
- Download links (the book cannot hold the scripts) lead to the site's copies
  when the build knows its address (``potok_site_url``), else are plain text.
"""

from __future__ import annotations

import html
import posixpath
import re
import shutil
import sys
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: the book's file, in the EPUB build's folder and at the HTML site's root
BOOK = "potok.epub"
#: the sidebar's link to it (docs/_templates)
SIDEBAR = "sidebar/potok-epub.html"
#: stylesheets of the HTML site that the book does not use
HTML_ONLY_CSS = {"potok.css", "potok-versions.css"}
#: the book's own stylesheet (docs/_static)
EPUB_CSS = "potok-epub.css"
#: plot directive's figures in the book: PNG (its SVG has an external DTD and
#: empty paths, which EPUBCheck refuses)
PLOT_FORMATS = "png:200"


def is_epub(app: Sphinx) -> bool:
    return app.builder.name == "epub"


def is_html(app: Sphinx) -> bool:
    """An HTML site (html, dirhtml), not the book (whose format is html too)."""
    return app.builder.format == "html" and not is_epub(app)


# --- sphinx-gallery's figures in the book ---------------------------------------------


def _sharpest(srcset: str) -> str:
    """The largest image of sphinx-gallery's ``srcset`` option
    (``/path/x_001.png, /path/x_001_2_00x.png 2.00x``)."""
    best, scale = "", -1.0
    for entry in srcset.split(","):
        parts = entry.split()
        if not parts:
            continue
        factor = float(parts[1].rstrip("x")) if len(parts) > 1 else 1.0
        if factor > scale:
            best, scale = parts[0], factor
    return best


def visit_imgsg_epub(self, node) -> None:
    """One ``<img>`` of the sharpest version of a gallery figure: e-readers
    have screens of every density, and many ignore ``srcset``."""
    uri = _sharpest(node["srcset"]) if node.get("srcset") else node["uri"]
    source = Path(self.builder.srcdir) / uri.lstrip("/")
    target = Path(self.builder.outdir) / self.builder.imagedir / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    src = posixpath.join(self.builder.imgpath, source.name)
    classes = " ".join(node.get("class") or [])
    self.body.append(
        f'<img src="{html.escape(src)}" alt="{html.escape(node.get("alt", ""))}"'
        + (f' class="{html.escape(classes)}"' if classes else "")
        + " />"
    )
    raise nodes.SkipNode


def register_visitors(app: Sphinx) -> None:
    """builder-inited (the book): every ``html`` visitor ``epub`` lacks, and
    sphinx-gallery's figures their own (see the module's docstring)."""
    if not is_epub(app):
        return
    handlers = app.registry.translation_handlers
    epub = handlers.setdefault("epub", {})
    for name, pair in handlers.get("html", {}).items():
        epub.setdefault(name, pair)
    try:
        from sphinx_gallery.directives import imgsgnode
    except ImportError:
        return
    epub[imgsgnode.__name__] = (visit_imgsg_epub, None)


# --- raw HTML that is not XHTML -------------------------------------------------------

#: a thumbnail's attributes up to its ``tooltip=``, which is not always the
#: second (``data-sgtags`` comes before it when the example has tags)
_TOOLTIP = re.compile(
    r"(<div class=\"sphx-glr-thumbcontainer\""
    r"(?:\s+(?!tooltip=)[\w:-]+=(?:\"[^\"]*\"|'[^']*'))*)\s+tooltip="
)
_TAG_LIST = re.compile(r"<div id='sg-tag-list' class='sphx-glr-tag-list'></div>")
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


class RawHtmlForEpub(SphinxPostTransform):
    """Raw HTML the book would carry as invalid XHTML, fixed (see the module)."""

    builders = ("epub",)
    default_priority = 900  # after sphinx-design's dropdowns (199)

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(nodes.raw)):
            if "html" not in node.get("format", "").split():
                continue
            text = node.astext()
            fixed = _SVG.sub("", _TAG_LIST.sub("", _TOOLTIP.sub(r"\1 title=", text)))
            if fixed != text:
                node.replace_self(nodes.raw("", fixed, format="html"))


class DownloadsForEpub(SphinxPostTransform):
    """A download link in the book leads to the site's copy (the book holds
    no scripts), or is plain text when the build does not know the site's
    address."""

    builders = ("epub",)
    default_priority = 900

    def run(self, **kwargs) -> None:
        site = self.app.config.potok_site_url
        for node in list(self.document.findall(addnodes.download_reference)):
            text = node.astext()
            if site and node.get("filename"):
                url = f"{site.rstrip('/')}/_downloads/{node['filename']}"
                new = nodes.reference("", "", internal=False, refuri=url)
                new += nodes.Text(text)
            else:
                new = nodes.inline(text, text)
            node.replace_self(new)


# --- the book's pages -----------------------------------------------------------------


def prepare_book(app: Sphinx) -> None:
    """builder-inited (the book): its stylesheet, and plot_directive.css where
    the book can have it (matplotlib copies it when the build has finished)."""
    if not is_epub(app):
        return
    app.add_css_file(EPUB_CSS)
    # The table of contents' heading is English in every language: Sphinx's
    # GUIDE_TITLES (sphinx/builders/_epub_base.py, "XXX These strings should be
    # localized according to epub_language") never pass through its catalog,
    # which has them in Russian («Оглавление»). Can go when Sphinx translates them.
    from sphinx.locale import _ as translated

    builder = app.builder
    builder.guide_titles = {
        k: str(translated(v)) for k, v in builder.guide_titles.items()
    }
    import matplotlib

    css = Path(matplotlib.get_data_path()) / "plot_directive" / "plot_directive.css"
    if css.is_file():
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(css, static / css.name)


def page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """html-page-context: the book's pages without the site's stylesheets; the
    site's pages with the link to the book in the sidebar (not the 404 page,
    which is served at any depth)."""
    if is_epub(app):
        context["css_files"] = [
            css
            for css in context.get("css_files", [])
            if posixpath.basename(str(getattr(css, "filename", css)))
            not in HTML_ONLY_CSS
        ]
        return
    if not is_html(app) or pagename == getattr(app.config, "notfound_pagename", "404"):
        return
    sidebars = list(context.get("sidebars") or [])
    if sidebars and SIDEBAR not in sidebars:
        # under the search box (and the version selector), above the contents
        after = [s for s in ("sidebar/search.html", "sidebar/potok-versions.html")]
        at = max((sidebars.index(s) + 1 for s in after if s in sidebars), default=1)
        sidebars.insert(at, SIDEBAR)
        context["sidebars"] = sidebars
    context["potok_book"] = BOOK


def forget_old_book(app: Sphinx) -> None:
    """builder-inited (the site): the book an earlier build put here is not
    this build's; the EPUB build puts the new one here when it is made."""
    if is_html(app):
        (Path(app.outdir) / BOOK).unlink(missing_ok=True)


def refuse_to_run_examples(app: Sphinx) -> None:
    """builder-inited (the book), before sphinx-gallery: stop, naming them, if
    any example would run: the book shows the HTML build's results."""
    if not is_epub(app):
        return
    from sphinx_gallery.utils import get_md5sum

    from .gallery import _examples, gallery_dirs

    conf = app.config.sphinx_gallery_conf
    skipped = app.potok.skipped  # type: ignore[attr-defined]
    would = []
    for src, out in gallery_dirs(app):
        for script in _examples([src]):
            if not script.name.startswith("plot_") or script.as_posix() in skipped:
                continue
            rel = script.relative_to(src).as_posix()
            md5 = out / f"{rel}.md5"
            current = md5.is_file() and md5.read_text(encoding="utf-8").strip() == (
                get_md5sum(script, mode="t")
            )
            if conf["run_stale_examples"] or not current:
                would.append(rel)
    if would and conf["plot_gallery"]:
        raise ExtensionError(
            "potok: the EPUB is made from the HTML build's gallery output, and "
            f"{len(would)} example(s) would run again ({', '.join(would[:5])}"
            f"{', ...' if len(would) > 5 else ''}): their results are missing, "
            "changed or were made under another key (interpreter, machine, "
            "potok, uv.lock). Build the site first, in the same environment: "
            "nox -s docs"
        )


# --- the command: build the book from the HTML build's output -------------------------


def main(argv: list[str] | None = None) -> int:
    """Build the book from the finished HTML build in ``html`` and put it there.

    ``python docs/_ext/potok_sphinx/epub.py HTML_DIR [--doctrees DIR]
    [--source DOCS]``: the HTML build's doctrees (default ``HTML_DIR/.doctrees``)
    must hold the mark of a finished build. The book is built from ``DOCS``
    (default: the ``docs`` folder this file is in) into ``DOCS/_build/epub``,
    with this interpreter: the examples' cache key names it, so it must be the
    one the HTML build ran.
    """
    import argparse
    import subprocess

    try:
        from .limits import FINISHED_MARK, SPHINX_STRICT
    except ImportError:  # run as a script: this folder is sys.path[0]
        from limits import FINISHED_MARK, SPHINX_STRICT

    parser = argparse.ArgumentParser(
        prog="python docs/_ext/potok_sphinx/epub.py",
        description="Build the EPUB from the HTML build's output and add it there.",
    )
    parser.add_argument("html", type=Path, help="the finished HTML build")
    parser.add_argument("--doctrees", type=Path, help="its doctrees (HTML/.doctrees)")
    parser.add_argument("--source", type=Path, default=Path(__file__).parents[2])
    args = parser.parse_args(argv)
    site, docs = args.html.resolve(), args.source.resolve()
    doctrees = (args.doctrees or site / ".doctrees").resolve()
    if not (site / "index.html").is_file() or not (doctrees / FINISHED_MARK).is_file():
        print(
            f"potok: {site} holds no finished HTML build (no {FINISHED_MARK} in "
            f"{doctrees}): the book is made from its gallery output; build the "
            "site first (nox -s docs)",
            file=sys.stderr,
        )
        return 1
    out, book_doctrees = docs / "_build" / "epub", docs / "_build" / "doctrees-epub"
    shutil.rmtree(out, ignore_errors=True)  # the book packs all the folder holds
    (book_doctrees / FINISHED_MARK).unlink(missing_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        *SPHINX_STRICT,
        "-b",
        "epub",
        "-d",
        str(book_doctrees),
        "-D",
        f"plot_formats={PLOT_FORMATS}",
        str(docs),
        str(out),
    ]
    done = subprocess.run(cmd)
    book = out / BOOK
    finished = (book_doctrees / FINISHED_MARK).is_file()
    if done.returncode != 0 or not finished or not book.is_file():
        print(
            f"potok: the EPUB build failed or did not finish: {' '.join(cmd)}",
            file=sys.stderr,
        )
        return done.returncode or 1
    shutil.copyfile(book, site / BOOK)
    print(f"book: {site / BOOK} ({book.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
