"""Fixtures for the browser tests: the built site on localhost, headless Chromium.

Every test that takes a ``page_path`` argument runs once for every page of the
built site (discovered from docs/_build/html, never listed) that
``tests.chromium.representative`` keeps: every page made from its own source, and
of the gallery's pages made from one template, the first of each kind
(``POTOK_BROWSER_ALL=1``: every page). Run them with
``nox -s browser`` after ``nox -s docs``. Without Playwright (the ``browser``
dependency group) they are not collected: ``nox -s tests`` does not install it.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.chromium import (
    HTML,
    PAGE_BUDGET,
    SiteMissing,
    launch,
    representative,
    require_site,
    serve,
    site_pages,
)

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

if importlib.util.find_spec("playwright") is None:
    collect_ignore_glob = ["test_*.py"]

#: page path -> transferred bytes, filled by test_page_weight_within_budget
WEIGHTS: dict[str, int] = {}


def pytest_report_header(config):
    try:
        pages = site_pages(require_site())
    except SiteMissing as exc:
        return f"browser: {exc}"
    return f"browser: {len(pages)} pages in {HTML}"


def pytest_generate_tests(metafunc):
    if "page_path" in metafunc.fixturenames:
        try:
            pages = site_pages(require_site())
        except SiteMissing:
            pages = []
        metafunc.parametrize("page_path", representative(pages), scope="module")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    if not WEIGHTS:
        return
    tr = terminalreporter
    tr.section("page weight: bytes transferred, cold cache, HTML + assets, 2x images")
    total = sum(WEIGHTS.values())
    for path, size in sorted(WEIGHTS.items(), key=lambda kv: -kv[1]):
        flag = "  OVER BUDGET" if size > PAGE_BUDGET else ""
        tr.write_line(f"{size / 1000:9.1f} kB  {path}{flag}")
    tr.write_line(
        f"{len(WEIGHTS)} pages, {total / 1e6:.2f} MB in all; "
        f"budget {PAGE_BUDGET / 1e6:.1f} MB per page"
    )


@pytest.fixture(scope="session")
def html() -> Path:
    try:
        return require_site()
    except SiteMissing as exc:
        pytest.fail(str(exc), pytrace=False)


#: every error the local server answered, in order (see Visit.server_errors)
SERVER_ERRORS: list[str] = []


@pytest.fixture(scope="session")
def base_url(html) -> str:
    with serve(html, errors=SERVER_ERRORS) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with launch() as b:
        yield b


@dataclass
class Visit:
    """One page opened in a fresh browser context, and what happened meanwhile."""

    path: str
    url: str
    page: object = None
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    server_log_start: int = 0

    def server_errors(self) -> list[str]:
        """Errors the server answered since this page was opened."""
        return SERVER_ERRORS[self.server_log_start :]


@pytest.fixture(scope="session")
def open_page(browser, base_url):
    """``open_page(path, dark=False, wait="load", **context_options) -> Visit``.

    Each call opens a fresh context (cold cache, own storage), closed at the end
    of the session or by ``visit.page.context.close()``. Requests to any host but
    the local server are recorded and aborted, so a page that reaches for a CDN
    fails the same way with or without network.
    """
    origin = base_url.rstrip("/")

    def _open(path: str, *, dark: bool = False, wait: str = "load", **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        if dark:
            options.setdefault("color_scheme", "dark")
        context = browser.new_context(**options)
        if dark:
            # furo's theme switch stores the reader's choice under "theme"
            context.add_init_script("localStorage.setItem('theme', 'dark');")
        v = Visit(path=path, url=base_url + path, server_log_start=len(SERVER_ERRORS))

        def route(r):
            url = r.request.url
            if url.startswith((origin + "/", "data:", "blob:")):
                r.continue_()
            else:
                v.foreign.append(url)
                r.abort()

        def on_console(msg):
            if msg.type == "error":
                where = msg.location.get("url", "")
                v.console_errors.append(f"{msg.text} ({where})")

        def on_failed(request):
            if request.url.startswith(origin):
                v.failed.append(f"{request.url}: {request.failure}")

        def on_response(response):
            if response.status >= 400:
                v.failed.append(f"{response.url}: HTTP {response.status}")

        context.route("**/*", route)
        page = v.page = context.new_page()
        page.on("console", on_console)
        page.on("pageerror", lambda e: v.console_errors.append(f"uncaught: {e}"))
        page.on("requestfailed", on_failed)
        page.on("response", on_response)
        response = page.goto(v.url, wait_until=wait)
        status = response.status if response else "no response"
        assert response is not None and response.ok, f"{path}: HTTP {status}"
        return v

    return _open


def _module_visit(open_page, path, **kwargs):
    v = open_page(path, **kwargs)
    yield v
    v.page.context.close()


@pytest.fixture(scope="module")
def desktop(open_page, page_path):
    """The page as a desktop reader first meets it: cold cache, furo's default
    (automatic) theme on a light system.

    Rendered at device pixel ratio 2, so the 2x figures load and are weighed, as
    on most phones and many laptops. The light and dark checks share this load.
    """
    yield from _module_visit(open_page, page_path, device_scale_factor=2)


#: what furo's theme button does: remember the choice and set it on <body>
SET_THEME = """(theme) => {
  localStorage.setItem("theme", theme);
  document.body.dataset.theme = theme;
}"""


@pytest.fixture
def light(desktop):
    """The page in furo's light theme."""
    desktop.page.evaluate(SET_THEME, "light")
    return desktop


@pytest.fixture
def dark(desktop):
    """The page after the reader switches furo's theme to dark."""
    desktop.page.evaluate(SET_THEME, "dark")
    return desktop


@pytest.fixture(scope="module")
def phone(open_page, page_path):
    """The page on a phone: 375x812 CSS pixels, touch, pixel ratio 2."""
    yield from _module_visit(
        open_page,
        page_path,
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


@pytest.fixture(scope="session")
def page_weights() -> dict[str, int]:
    return WEIGHTS


@pytest.fixture(scope="session")
def axe_source() -> Path:
    if not AXE.is_file():
        pytest.fail(
            f"axe-core is missing: {AXE} not found. Install the repository's npm "
            "dependencies with `npm ci`.",
            pytrace=False,
        )
    return AXE
