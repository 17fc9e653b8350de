"""Keep every page self-contained: no request to another host, ever.

sphinx-gallery writes its execution-times pages (``sg_execution_times.rst``) with
a raw HTML block that loads jQuery, Bootstrap and DataTables from three CDNs to
make the table sortable. The table is short and already sorted by time, so the
block is dropped as the page is read: the site then reads the same offline and
tells no third party who reads it. (:mod:`.russian` puts the page's English
in Russian.)

If a later sphinx-gallery still leaves a remote URL in such a page, the build
fails naming the page. So does any page whose scripts or style sheets come from
another host: e.g. MathJax, which Sphinx loads from a CDN on every page with a
formula (serve a local copy with ``mathjax_path`` before writing formulas).
tests/browser/ checks the built site for any request to another host as well.

The same pages are left out of the site's search (Sphinx's file-wide
``:nosearch:`` field, added as they are read): a reader who searches for
«время» or «выполнения» wants a chapter, not a table of how long each example
ran on the build machine. (They are already out of the sitemap:
``sitemap_excludes`` in conf.py.)

Upstream: sphinx-gallery 0.15 made the times table a DataTable loaded from
CDNs (sphinx-gallery/sphinx-gallery#1198); 0.22.1, the locked version, has no
option to turn it off. Removable when a release serves those files locally or
offers such an option; until then the check above fails the build if the page
changes shape.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

#: ``.. raw:: html`` and its indented body (every line indented deeper than it)
RAW_HTML = re.compile(r"^( *)\.\. raw:: html\n(?:\1 +.*\n|[ \t]*\n)*", re.M)
ORPHAN = re.compile(r"^:orphan:[ \t]*$", re.M)
NOSEARCH = re.compile(r"^:nosearch:", re.M)
REMOTE = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""", re.I)


def is_times_page(docname: str) -> bool:
    """One of sphinx-gallery's execution-times pages (sg_execution_times)."""
    return docname.rsplit("/", 1)[-1] == "sg_execution_times"


def strip_remote_assets(app: Sphinx, docname: str, source: list[str]) -> None:
    if not is_times_page(docname):
        return
    text = RAW_HTML.sub("", source[0])
    if REMOTE.search(text):
        raise ExtensionError(
            f"potok_sphinx.offline: {app.env.doc2path(docname)} still loads "
            "something from "
            "another host after its raw HTML was dropped; sphinx-gallery changed "
            "its execution-times page: update docs/_ext/potok_sphinx/offline.py"
        )
    source[0] = text


def leave_out_of_search(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: a times page gets ``:nosearch:`` among its file-wide fields
    (they must come first: sphinx-gallery begins the page with ``:orphan:``)."""
    if not is_times_page(docname) or NOSEARCH.search(source[0]):
        return
    text = source[0]
    orphan = ORPHAN.search(text)
    if orphan and not text[: orphan.start()].strip():
        source[0] = f"{text[: orphan.end()]}\n:nosearch:{text[orphan.end() :]}"
    else:
        source[0] = f":nosearch:\n\n{text}"


def _remote(url: str) -> bool:
    return "://" in url or url.startswith("//")


def refuse_remote_files(app, pagename, templatename, context, doctree) -> None:
    files = [*context.get("script_files", ()), *context.get("css_files", ())]
    urls = [str(getattr(f, "filename", f)) for f in files]
    remote = [url for url in urls if _remote(url)]
    if remote:
        raise ExtensionError(
            f"potok_sphinx.offline: page {pagename!r} would load "
            f"{', '.join(remote)} from "
            "another host; serve a local copy (for MathJax: set mathjax_path in "
            "docs/conf.py to a file under docs/_static)"
        )
