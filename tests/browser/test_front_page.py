"""The front page as a reader first meets it, on a desktop and on a phone, in
furo's light and dark themes.

The first screen shows the figure measured while the site was built (the same
CPU-bound work in threads and in processes, examples/08_today/
plot_across_versions.py), not a sentence about it; «С чего начать» gives three
paths of working links; every chapter is a card, each with a gallery
thumbnail that loaded, one column on a phone, and nothing wider than the screen.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

from tests.chromium import anchors, local_file

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    },
}
#: one card per chapter of the book (docs/chapters)
CHAPTERS = len(list((Path(__file__).parents[2] / "docs" / "chapters").glob("*.md")))
FIGURE = "#front-figure img"
CARDS = ".potok-chapters .sd-card"
PATHS = ".potok-paths .sd-card"

#: the box, load state and alt text of every element the selector matches that
#: is shown (a picture has a light and a dark variant; the theme shows one)
BOXES = """(selector) => Array.from(document.querySelectorAll(selector))
.filter(el => el.getClientRects().length).map(el => {
  const r = el.getBoundingClientRect();
  const shown = (img) => img.getClientRects().length > 0;
  const img = el.tagName === "IMG" ? el
    : [...el.querySelectorAll("img")].find(shown) || el.querySelector("img");
  return {
    left: r.left, right: r.right, top: r.top, width: r.width,
    src: img ? img.getAttribute("src") : null,
    alt: img ? img.getAttribute("alt") : null,
    loaded: img ? img.complete && img.naturalWidth > 0 : false,
    title: (el.querySelector(".sd-card-title")?.textContent || "").trim(),
    links: Array.from(el.querySelectorAll("a[href]")).map(a => ({
      href: a.href, text: a.textContent.trim(),
    })),
  };
})"""

#: every image the selector reaches that the theme shows, scrolled into view
#: and decoded (or failed); the hidden variant is lazy and never loads
LOAD_ALL = """async (selector) => {
  for (const img of document.querySelectorAll(selector)) {
    if (!img.getClientRects().length) continue;
    img.scrollIntoView();
    if (!img.complete) {
      await new Promise(done => {
        img.addEventListener("load", done, { once: true });
        img.addEventListener("error", done, { once: true });
      });
    }
  }
  window.scrollTo(0, 0);
}"""


@pytest.fixture(scope="module", params=["light", "dark"])
def scheme(request):
    return request.param


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def front(request, open_page, scheme):
    """index.html at one width in one colour scheme: furo follows the system's
    (prefers-color-scheme); dark also stores furo's own choice, as its button does."""
    options = dict(VIEWPORTS[request.param], device_scale_factor=2)
    if scheme == "light":
        options["color_scheme"] = "light"
    v = open_page("index.html", dark=scheme == "dark", **options)
    v.width = request.param
    yield v
    v.page.context.close()


def where(v) -> str:
    size = v.page.viewport_size
    return f"index.html at {size['width']}x{size['height']}"


def broken_links(html, base_url, links) -> list[str]:
    broken = []
    for link in links:
        target = local_file(html, base_url, link["href"])
        if target is None or not target.is_file():
            broken.append(f"{link['text']!r} -> {link['href']}: no such page")
            continue
        fragment = urllib.parse.unquote(urllib.parse.urlsplit(link["href"]).fragment)
        if fragment and fragment not in anchors(target):
            broken.append(f"{link['text']!r} -> {link['href']}: no such anchor")
    return broken


def test_theme_is_the_one_asked_for(front, scheme):
    dark = front.page.evaluate(
        "() => matchMedia('(prefers-color-scheme: dark)').matches"
    )
    assert dark == (scheme == "dark"), where(front)
    background = front.page.evaluate(
        "() => getComputedStyle(document.body).backgroundColor"
    )
    is_white = background == "rgb(255, 255, 255)"
    assert is_white == (scheme == "light"), f"{where(front)}: {background}"


def test_measured_figure_on_the_first_screen(front, html, base_url):
    figures = front.page.evaluate(BOXES, FIGURE)
    assert len(figures) == 1, f"{where(front)}: {len(figures)} front figures"
    (figure,) = figures
    height = front.page.evaluate("() => innerHeight")
    assert figure["top"] < height, (
        f"{where(front)}: the figure begins at {figure['top']:.0f}px, below the "
        f"first screen ({height}px)"
    )
    assert figure["loaded"], f"{where(front)}: the figure did not load"
    assert "sphx_glr_plot_across_versions_" in figure["src"], (
        f"{where(front)}: the front figure {figure['src']} is not the one "
        "plot_across_versions.py measured"
    )
    assert (figure["alt"] or "").strip(), f"{where(front)}: the figure has no alt"
    # a figure wider than a phone's column scrolls in its own box (potok.css)
    box = front.page.evaluate(
        "() => document.querySelector('#front-figure img')"
        ".closest('.potok-figure, figure').getBoundingClientRect().right"
    )
    assert box <= front.page.evaluate("() => innerWidth") + 1


def test_caption_links_to_the_example(front, html, base_url):
    links = front.page.evaluate(
        """() => Array.from(document.querySelectorAll('#front-figure figcaption a'))
        .map(a => ({href: a.href, text: a.textContent.trim()}))"""
    )
    hrefs = [link["href"] for link in links]
    example = "auto_examples/08_today/plot_across_versions.html"
    assert any(example in h for h in hrefs), (
        f"{where(front)}: the caption does not link to the example: {hrefs}"
    )
    assert not broken_links(html, base_url, links)


def test_three_paths_to_start_with(front, html, base_url):
    heading = front.page.locator("#start h2").inner_text()
    assert "С чего начать" in heading, heading
    paths = front.page.evaluate(BOXES, PATHS)
    assert len(paths) == 3, f"{where(front)}: {len(paths)} paths in «С чего начать»"
    for path in paths:
        assert path["title"], f"{where(front)}: a path without a title"
        assert len(path["links"]) >= 3, (
            f"{where(front)}: the path {path['title']!r} has {len(path['links'])} links"
        )
        broken = broken_links(html, base_url, path["links"])
        assert not broken, f"{where(front)}: {path['title']!r}: {broken}"


def test_chapters_as_cards_with_thumbnails(front, html, base_url):
    front.page.evaluate(LOAD_ALL, f"{CARDS} img")
    cards = front.page.evaluate(BOXES, CARDS)
    assert len(cards) == CHAPTERS, f"{where(front)}: {len(cards)} chapter cards"
    chapters = sorted(p.name for p in (html / "chapters").glob("[0-9]*.html"))
    linked = []
    for card in cards:
        name = card["title"] or "?"
        assert card["title"], f"{where(front)}: a card without a title"
        assert card["loaded"], f"{where(front)}: {name}: {card['src']} did not load"
        assert (card["alt"] or "").strip(), f"{where(front)}: {name}: image has no alt"
        assert len(card["links"]) == 1, f"{where(front)}: {name}: {card['links']}"
        (link,) = card["links"]
        assert not broken_links(html, base_url, [link]), f"{name}: {link}"
        assert link["text"], f"{where(front)}: {name}: the link has no name"
        linked.append(urllib.parse.urlsplit(link["href"]).path.rsplit("/", 1)[-1])
    assert linked == chapters, f"{where(front)}: cards link {linked}, not {chapters}"


def test_cards_fit_the_width(front):
    cards = front.page.evaluate(BOXES, CARDS)
    lefts = {round(card["left"]) for card in cards}
    if front.width == "phone":
        assert len(lefts) == 1, f"{where(front)}: cards in {len(lefts)} columns"
    else:
        assert len(lefts) > 1, f"{where(front)}: cards in one column on a desktop"
    width = front.page.evaluate("() => innerWidth")
    scrolled = front.page.evaluate("() => document.scrollingElement.scrollWidth")
    assert scrolled <= width, (
        f"{where(front)}: the page is {scrolled}px wide on a {width}px screen"
    )
    wide = [card["title"] for card in cards if card["right"] > width + 1]
    assert not wide, f"{where(front)}: cards stick out of the screen: {wide}"
