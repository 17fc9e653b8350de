"""Serve the built site on localhost and drive it in the system's headless Chromium.

Shared by the browser tests (tests/browser/) and usable by hand::

    from tests.chromium import serve, launch
    with serve() as base, launch() as browser:
        page = browser.new_page()
        page.goto(base + "index.html")

Playwright drives Debian's ``chromium`` package (``apt-get install -y chromium``);
its own browser download (``playwright install``) is never needed. Set
``POTOK_CHROMIUM`` to use another Chromium binary.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "docs" / "_build" / "html"
BUILD_COMMAND = "nox -s docs"

#: Transferred bytes (HTML + every asset it loads, cold cache) a page may weigh.
#: A chapter is text plus a few PNG figures drawn at 1x and 2x; furo's own CSS and
#: JS are ~100 kB. 1.5 MB is ~8 s on a slow 3G phone link (1.6 Mbit/s) and leaves
#: room for about five 2x figures per page: a page past it needs a look (smaller
#: figures, fewer per page, or a split), not a bigger number.
PAGE_BUDGET = 1_500_000

#: Flags for a quiet, reproducible headless run that talks to nothing but the site.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class SiteMissing(RuntimeError):
    pass


def require_site(html: Path = HTML) -> Path:
    """The built site's folder, or a clear error naming it and the build command."""
    if not (html / "index.html").is_file():
        raise SiteMissing(
            f"the built site is missing: {html} has no index.html. "
            f"Build it first with `{BUILD_COMMAND}`."
        )
    return html


def site_pages(html: Path = HTML) -> list[str]:
    """Every HTML page of the built site, as paths relative to its root.

    Discovered from the build, so a new chapter or example is tested without
    anyone listing it. Sphinx's own folders (``_static``, ``_sources``, ...) hold
    no pages a reader opens.
    """
    pages = []
    for path in sorted(html.rglob("*.html")):
        rel = path.relative_to(html)
        if any(part.startswith((".", "_")) for part in rel.parts[:-1]):
            continue
        pages.append(rel.as_posix())
    return pages


#: ``POTOK_BROWSER_ALL=1``: the browser tests open every page, not the sample
#: :func:`representative` takes (about an hour on a 2-core machine for this site)
ALL_ENV = "POTOK_BROWSER_ALL"


def representative(pages: list[str]) -> list[str]:
    """The pages the browser tests open: every page made by its own source
    (chapters, the guide, the glossary, the front page, the claims page, the
    gallery's own index, ...), and of the pages the gallery makes one per
    section from one template, the first: the first example page of each
    section, one section index, one execution-times page.

    Those pages differ by content only, and the build checks read that content
    for every one of them (tests/test_figures.py: each figure's twin, its text
    size, its thumbnail; the strict build: every reference and image). Opening
    all 69 examples and 36 generated indexes in every view would take the gate
    past its time. ``POTOK_BROWSER_ALL=1`` takes every page.
    """
    if os.environ.get(ALL_ENV, "").strip() == "1":
        return pages
    seen: set[str] = set()
    chosen = []
    for page in pages:
        parts = page.split("/")
        generated = len(parts) == 3 and parts[0] == "auto_examples"
        if generated and parts[2].startswith("plot_"):
            kind = f"example {parts[1]}"  # the first of each section
        elif generated and parts[2] in ("index.html", "sg_execution_times.html"):
            kind = parts[2]  # the first section's
        elif parts[-1] == "sg_execution_times.html":
            kind = parts[-1]
        else:
            chosen.append(page)
            continue
        if kind not in seen:
            seen.add(kind)
            chosen.append(page)
    return chosen


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    errors: list[str] | None = None

    def log_message(self, format, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        if self.errors is not None:
            self.errors.append(f"{self.path}: HTTP {code}")
        super().send_error(code, message, explain)


@contextlib.contextmanager
def serve(html: Path = HTML, errors: list[str] | None = None) -> Iterator[str]:
    """Serve ``html`` on a free localhost port in a thread; yield the base URL.

    Every request the server answers with an error is appended to ``errors``,
    including those no page script sees (the browser's own /favicon.ico).
    """
    require_site(html)
    handler_class = type("Handler", (_QuietHandler,), {"errors": errors})
    handler = functools.partial(handler_class, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


#: where Debian's package puts it (also found through PATH)
DEBIAN_CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> str:
    """The Chromium binary to drive, or a clear error saying how to install it."""
    candidates = [
        os.environ.get("POTOK_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        DEBIAN_CHROMIUM,
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError(
        "no Chromium found for the browser tests: install Debian's package "
        "(`apt-get install -y chromium`) or set POTOK_CHROMIUM to a Chromium binary"
    )


@contextlib.contextmanager
def launch(**kwargs):
    """A headless system Chromium driven by Playwright; closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(),
            args=CHROMIUM_ARGS,
            headless=True,
            **kwargs,
        )
        try:
            yield browser
        finally:
            browser.close()


_IDS: dict[Path, set[str]] = {}
_ID_RE = re.compile(r"""\s(?:id|name)=["']([^"']+)["']""")


def anchors(file: Path) -> set[str]:
    """Every id and name in a built HTML file (targets of #fragments)."""
    if file not in _IDS:
        _IDS[file] = set(_ID_RE.findall(file.read_text(encoding="utf-8")))
    return _IDS[file]


def local_file(html: Path, base_url: str, url: str) -> Path | None:
    """The file under ``html`` that a same-site URL points at, else None."""
    if not url.startswith(base_url):
        return None
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    rel = path.lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return html / rel


# --- what the browser tests report -----------------------------------------------


def listing(problems) -> str:
    """Problems one a line, indented under the assertion's first line."""
    return "\n  " + "\n  ".join(problems)


def axe_violations(visit, axe_source, rules: list[str] | None = None) -> list[str]:
    """Serious and critical axe-core violations on the page, one line each."""
    visit.page.add_script_tag(path=str(axe_source))
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    violations = visit.page.evaluate(
        "async (options) => (await axe.run(document, options)).violations", options
    )
    found = []
    for v in violations:
        if v["impact"] not in ("serious", "critical"):
            continue
        nodes = [" ".join(n["target"]) for n in v["nodes"][:5]]
        more = f" (+{len(v['nodes']) - 5} more)" if len(v["nodes"]) > 5 else ""
        found.append(f"{v['impact']} {v['id']}: {v['help']} at {nodes}{more}")
        summary = v["nodes"][0].get("failureSummary", "")
        found.append("    " + summary.replace("\n", " ")[:300])
    return found
