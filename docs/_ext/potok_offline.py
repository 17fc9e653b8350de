"""Keep every page self-contained: no request to another host, ever.

sphinx-gallery writes its execution-times pages (``sg_execution_times.rst``) with
a raw HTML block that loads jQuery, Bootstrap and DataTables from three CDNs to
make the table sortable. The table is short and already sorted by time, so the
block is dropped as the page is read: the site then reads the same offline and
tells no third party who reads it. The table's English labels are put in
Russian, and its memory column (all zeros unless sphinx-gallery's
``show_memory`` is on) is dropped.

If a later sphinx-gallery still leaves a remote URL in such a page, the build
fails naming the page. So does any page whose scripts or style sheets come from
another host: e.g. MathJax, which Sphinx loads from a CDN on every page with a
formula (serve a local copy with ``mathjax_path`` before writing formulas).
tests/browser/ checks the built site for any request to another host as well.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

#: ``.. raw:: html`` and its indented body (every line indented deeper than it)
RAW_HTML = re.compile(r"^( *)\.\. raw:: html\n(?:\1 +.*\n|[ \t]*\n)*", re.M)
REMOTE = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""", re.I)

#: sphinx-gallery's English strings on these pages -> Russian
TITLE = (
    "Computation times\n=================\n",
    "Время выполнения примеров\n" + "=" * 25 + "\n",
)
HEADER = (
    "   * - Example\n     - Time\n     - Mem (MB)\n",
    "   * - Пример\n     - Время\n     - Память, МБ\n",
)
#: the third cell of each row: memory, all zeros unless show_memory is on
MEMORY_CELL = re.compile(r"^(   \* - .*\n     - .*\n)     - .*\n", re.M)
TOTAL = re.compile(
    r"^\*\*(?P<time>[^*]+)\*\* total execution time for (?P<n>\d+) files? "
    r"\*\*from (?P<where>[^*]+)\*\*:$",
    re.M,
)


def _total(m: re.Match) -> str:
    where = m["where"]
    where = "во всех галереях" if where == "all galleries" else f"в ``{where}``"
    return f"Примеров {where}: {m['n']}, общее время выполнения **{m['time']}**."


def _is_times_page(docname: str) -> bool:
    return docname.rsplit("/", 1)[-1] == "sg_execution_times"


def strip_remote_assets(app: Sphinx, docname: str, source: list[str]) -> None:
    if not _is_times_page(docname):
        return
    text = RAW_HTML.sub("", source[0])
    text = TOTAL.sub(_total, text)
    for english, russian in (TITLE, HEADER):
        text = text.replace(english, russian)
    if not app.config.sphinx_gallery_conf.get("show_memory"):
        text = MEMORY_CELL.sub(r"\1", text)
    if REMOTE.search(text):
        raise ExtensionError(
            f"potok_offline: {app.env.doc2path(docname)} still loads something from "
            "another host after its raw HTML was dropped; sphinx-gallery changed "
            "its execution-times page: update docs/_ext/potok_offline.py"
        )
    source[0] = text


def _remote(url: str) -> bool:
    return "://" in url or url.startswith("//")


def refuse_remote_files(app, pagename, templatename, context, doctree) -> None:
    files = [*context.get("script_files", ()), *context.get("css_files", ())]
    urls = [str(getattr(f, "filename", f)) for f in files]
    remote = [url for url in urls if _remote(url)]
    if remote:
        raise ExtensionError(
            f"potok_offline: page {pagename!r} would load {', '.join(remote)} from "
            "another host; serve a local copy (for MathJax: set mathjax_path in "
            "docs/conf.py to a file under docs/_static)"
        )


def setup(app: Sphinx) -> dict:
    app.connect("source-read", strip_remote_assets)
    # late, after every extension has added its files to the page
    app.connect("html-page-context", refuse_remote_files, priority=950)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
