"""Every page of the built site, as readers meet it in a real browser.

Each test runs once per page (the pages conftest.py chooses); the page is
opened once per kind of reader (desktop light, desktop dark, phone) and every
check of that kind looks at the same load.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from tests.chromium import PAGE_BUDGET, anchors, axe_violations, listing, local_file

JS = {
    p.stem: p.read_text(encoding="utf-8")
    for p in (Path(__file__).parent / "js").glob("*.js")
}


# --- loading ---------------------------------------------------------------------


def test_no_request_to_another_host(light):
    assert not light.foreign, (
        f"{light.path} requests other hosts:{listing(light.foreign)}"
    )


def test_no_console_errors(light):
    assert not light.console_errors, f"{light.path}:{listing(light.console_errors)}"


def test_no_failed_requests(light):
    light.page.wait_for_load_state("networkidle")
    # the server also sees requests no page script does (the tab's favicon)
    failed = light.failed + light.server_errors()
    assert not failed, f"{light.path}: failed requests:{listing(sorted(set(failed)))}"


def test_page_declares_its_icon(light):
    """Else the browser asks the host for /favicon.ico: a 404 on every visit.

    (Playwright's request routing stops Chromium from fetching the icon, so the
    missing request cannot be seen; the declaration can, and the links test
    checks that the file it names exists.)
    """
    icons = light.page.evaluate(
        "() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)"
    )
    assert icons, f"{light.path} declares no icon (html_favicon in docs/conf.py)"


def test_page_weight_within_budget(light, page_weights):
    weight = page_weights[light.path] = light.page.evaluate(JS["transferred"])
    assert weight <= PAGE_BUDGET, (
        f"{light.path} transfers {weight} bytes with its assets, over the "
        f"{PAGE_BUDGET}-byte budget (see PAGE_BUDGET in tests/chromium.py)"
    )


def test_internal_links_and_images_resolve(light, html, base_url):
    broken = [
        f"image not displayed: {u}" for u in light.page.evaluate(JS["broken_images"])
    ]
    for kind, url in light.page.evaluate(JS["urls"]):
        target = local_file(html, base_url, url)
        if target is None:
            continue  # another site: a link out, which the page never loads itself
        if not target.is_file():
            broken.append(f"{kind} to a missing file: {url}")
            continue
        fragment = urllib.parse.unquote(urllib.parse.urlsplit(url).fragment)
        if fragment and target.suffix == ".html" and fragment not in anchors(target):
            broken.append(f"{kind} to a missing anchor: {url}")
    assert not broken, f"{light.path}:{listing(sorted(set(broken)))}"


# --- accessibility ---------------------------------------------------------------


def test_axe_light(light, axe_source):
    problems = axe_violations(light, axe_source)
    assert not problems, f"{light.path} (light theme):{listing(problems)}"


def test_axe_dark(dark, axe_source):
    problems = axe_violations(dark, axe_source)
    assert not problems, f"{dark.path} (dark theme):{listing(problems)}"


#: sphinx-gallery's alt text when a figure has no title: its file name, spaced out
FILE_NAME_ALT = re.compile(r"^plot[ _]", re.I)
CYRILLIC = re.compile(r"[а-яё]", re.I)


def test_every_figure_says_what_it_shows(light):
    problems = []
    for img in light.page.evaluate(JS["figures_alt"]):
        alt = (img["alt"] or "").strip()
        if img["alt"] is None:
            problems.append(f"{img['src']}: no alt attribute")
        elif img["thumbnail"]:
            continue  # decorative: the link's own text names the example
        elif not alt:
            problems.append(f"{img['src']}: empty alt text")
        elif img["figure"] and (FILE_NAME_ALT.match(alt) or not CYRILLIC.search(alt)):
            problems.append(
                f"{img['src']}: alt text {alt!r} is the file name, not what the "
                "figure shows; give the figure a Russian title (fig.suptitle or "
                "ax.set_title): sphinx-gallery uses the titles as alt text"
            )
    assert not problems, f"{light.path}:{listing(problems)}"


# --- dark theme ------------------------------------------------------------------


def test_dark_theme_is_on(dark):
    theme = dark.page.evaluate("() => document.body.dataset.theme")
    background = dark.page.evaluate(
        "() => getComputedStyle(document.body).backgroundColor"
    )
    assert theme == "dark", f"{dark.path}: furo's theme is {theme!r}"
    assert background not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), background


def test_dark_theme_text_code_and_figures_readable(dark):
    result = dark.page.evaluate(JS["readability"])
    assert result["checked"]["texts"] > 0
    problems = result["texts"] + result["figures"]
    assert not problems, f"{dark.path} (dark theme):{listing(problems)}"


# --- phone -----------------------------------------------------------------------


def test_phone_no_sideways_scroll(phone):
    problems = phone.page.evaluate(JS["phone"])
    assert not problems, f"{phone.path} at 375x812:{listing(problems)}"


def test_phone_scrolling_boxes_reachable_by_keyboard(phone, axe_source):
    """On a phone more boxes scroll sideways (tables, code, output): each must
    take the keyboard focus, or a reader without a pointer cannot scroll it."""
    problems = axe_violations(phone, axe_source, rules=["scrollable-region-focusable"])
    assert not problems, f"{phone.path} at 375x812:{listing(problems)}"
