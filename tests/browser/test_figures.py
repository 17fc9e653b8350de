"""The gallery's pictures as readers see them: 1280 px and a 390 x 844 phone,
in furo's light and dark themes (docs/_ext/potok_sphinx/figures.py and
thumbnails.py).

Every page that shows a gallery figure, a thumbnail or a chapter's diagram (of
the example pages, the first of each gallery section: ``representative`` in
tests/chromium.py; ``POTOK_BROWSER_ALL=1`` takes them all) is opened at each
width in each theme, and:

- **figure text is legible**: each figure's smallest text, in CSS pixels as
  shown, is at least ``LEGIBLE_PX`` (10), on the desktop and on the phone.
  Measured from the picture file the browser chose: the scraper writes the
  smallest text's size in that file's own pixels into it (``potok:min-text-px``,
  from the sizes of the figure's texts when it was saved), and the test scales
  it by the width the image is shown at over its natural width. On a phone a
  figure that would shrink below that scrolls sideways in its own box; its box
  stays inside the screen.
- **the theme's variant is shown**: every figure, thumbnail and diagram has a
  light and a dark variant on the page, exactly one is displayed, and it is the
  one of the theme (the PNG says ``potok:theme``; a diagram's file is its
  ``_dark`` twin); the light and the dark figure were drawn in the same run.
- **each figure links to its full size**: the figure is a link to a picture of
  the same figure in the same theme, at least as large as the one shown.
- **no placeholder thumbnail**: every thumbnail was made by potok's thumbnail
  step (``potok:thumbnail``), none is sphinx-gallery's placeholder logo.

``test_thumbnails_come_from_this_build`` reads the built files directly: each
example's thumbnail was cut from the figure its page shows now (the same run),
or, for an example without a figure, is a card.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from potok_sphinx.limits import LEGIBLE_PX

from tests.chromium import HTML, SiteMissing, listing, representative, require_site

JS = (Path(__file__).parent / "js" / "pictures.js").read_text(encoding="utf-8")

VIEWS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    },
}


def pages_with_pictures() -> list[str]:
    """Pages that show a gallery figure, a thumbnail or a diagram."""
    try:
        html = require_site()
    except SiteMissing:
        return []
    found = []
    for path in sorted(html.rglob("*.html")):
        rel = path.relative_to(html)
        if any(part.startswith((".", "_")) for part in rel.parts[:-1]):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"potok-figure|_thumb\.png|potok-diagram", text):
            found.append(rel.as_posix())
    return found


def figure_pages() -> list[str]:
    """Of :func:`pages_with_pictures`, those :func:`representative` keeps, and of
    the pages whose pictures come from one component, the first: one chapter
    with a measured figure (``{measured}``), one with a diagram, one gallery
    section index. The front page, the gallery's
    own index (every thumbnail) and the example pages it keeps stay."""
    pages = representative(pages_with_pictures())
    if not pages:
        return []
    html = require_site()
    kept, seen = [], set()
    for page in pages:
        text = (html / page).read_text(encoding="utf-8", errors="replace")
        if page in ("index.html", "auto_examples/index.html") or "/plot_" in page:
            kept.append(page)
            continue
        if "potok-measured" in text:
            kind = "measured"
        elif "potok-diagram" in text:
            kind = "diagram"
        elif page.startswith("auto_examples/"):
            kind = "section index"
        else:
            # a list of example cards (a chapter's or the glossary's «Где это
            # измерено»): the gallery's own index has the same cards, and in the
            # glossary they are lazy inside closed <details>, never loaded, so
            # the picture checks would wait on them (tests/browser/test_where.py
            # opens one and sees its thumbnails load)
            continue
        if kind not in seen:
            seen.add(kind)
            kept.append(page)
    return kept


@pytest.fixture(scope="module", params=["light", "dark"])
def theme(request):
    return request.param


@pytest.fixture(scope="module", params=list(VIEWS))
def width(request):
    return request.param


@pytest.fixture(scope="module", params=figure_pages() or ["(no site)"])
def seen(request, open_page, width, theme):
    """One page at one width in one theme (furo follows the system's scheme;
    dark also stores furo's own choice), and every picture it shows."""
    options = dict(VIEWS[width], device_scale_factor=2, color_scheme=theme)
    visit = open_page(request.param, dark=theme == "dark", **options)
    visit.pictures = visit.page.evaluate(JS)
    visit.where = f"{request.param} at {width} in the {theme} theme"
    visit.width = visit.page.viewport_size["width"]
    yield visit
    visit.page.context.close()


def test_figure_text_is_legible(seen):
    problems = []
    for fig in seen.pictures["figures"]:
        smallest = fig["facts"].get("potok:min-text-px")
        if not fig["loaded"]:
            problems.append(f"{fig['src']}: did not load")
        elif smallest is None:
            problems.append(
                f"{fig['src']}: the picture does not say how large its text is "
                "(potok:min-text-px): it was not saved by potok_sphinx.figures"
            )
        else:
            px = float(smallest) * fig["shownWidth"] / fig["naturalWidth"]
            if px < LEGIBLE_PX:
                problems.append(
                    f"{fig['src']}: its smallest text is shown at {px:.1f} CSS px "
                    f"(needs {LEGIBLE_PX}): {fig['naturalWidth']} px shown "
                    f"{fig['shownWidth']:.0f} px wide"
                )
        if fig["right"] > seen.width + 1:
            problems.append(f"{fig['src']}: its box sticks out of the screen")
    assert not problems, f"{seen.where}:{listing(problems)}"


def test_the_theme_shows_its_own_variant(seen, theme):
    problems = []
    for pair in seen.pictures["pairs"]:
        if pair["light"] != 1 or pair["dark"] != 1:
            problems.append(
                f"{pair['what']}: {pair['light']} light and {pair['dark']} dark "
                "variants (each picture needs one of each)"
            )
        if pair["shown"] != 1:
            problems.append(f"{pair['what']}: {pair['shown']} variants displayed")
    pictures = seen.pictures["figures"] + seen.pictures["thumbnails"]
    for pic in pictures:
        said = pic["facts"].get("potok:theme")
        if said != theme:
            problems.append(f"{pic['src']}: a {said or 'theme-less'} picture shown")
    for diagram in seen.pictures["diagrams"]:
        is_dark = "_dark." in diagram["url"]
        if is_dark != (theme == "dark"):
            problems.append(f"{diagram['src']}: the other theme's diagram shown")
    assert not problems, f"{seen.where}:{listing(problems)}"


def test_each_figure_links_to_its_full_size(seen, theme):
    problems = []
    for fig in seen.pictures["figures"]:
        linked = fig["linked"]
        if not fig["link"]:
            problems.append(f"{fig['src']}: not a link")
        elif linked is None or "width" not in linked:
            problems.append(f"{fig['src']}: links to {fig['link']}, not a picture")
        elif linked.get("potok:theme") != theme:
            problems.append(f"{fig['src']}: links to the other theme's picture")
        elif linked.get("potok:run") != fig["facts"].get("potok:run"):
            problems.append(f"{fig['src']}: links to a picture of another run")
        elif linked["width"] < max(fig["naturalWidth"], fig["facts"]["width"]):
            problems.append(
                f"{fig['src']}: links to a picture {linked['width']} px wide, "
                f"smaller than the one shown ({fig['facts']['width']} px)"
            )
    assert not problems, f"{seen.where}:{listing(problems)}"


def test_light_and_dark_figures_come_from_one_run(seen, html):
    """The dark twin of each shown figure was drawn from the same figure."""
    from PIL import Image

    problems = []
    for fig in seen.pictures["figures"]:
        name = fig["url"].rsplit("/", 1)[-1]
        light = html / "_images" / name.replace("_dark.png", ".png")
        dark = light.with_name(light.stem + "_dark.png")
        runs = []
        for path in (light, dark):
            with Image.open(path) as img:
                runs.append((img.text.get("potok:run"), img.text.get("potok:figure")))
        if runs[0] != runs[1] or None in runs[0]:
            problems.append(f"{light.name}: light {runs[0]}, dark {runs[1]}")
    assert not problems, f"{seen.where}:{listing(problems)}"


#: sphinx-gallery's placeholder thumbnail (its no_image.png, the four petals),
#: as its thumbnail step scales it to 400 x 280
PLACEHOLDER = "f40f40243547f51e93001198bf5763b8"


def test_no_placeholder_thumbnail(seen, html):
    problems = []
    for thumb in seen.pictures["thumbnails"]:
        file = html / "_images" / thumb["url"].rsplit("/", 1)[-1]
        if not thumb["loaded"]:
            problems.append(f"{thumb['src']}: did not load")
        elif hashlib.md5(file.read_bytes()).hexdigest() == PLACEHOLDER:
            problems.append(f"{thumb['src']}: sphinx-gallery's placeholder")
        elif "potok:thumbnail" not in thumb["facts"]:
            problems.append(
                f"{thumb['src']}: not made by potok_sphinx.thumbnails (sphinx-"
                "gallery's own: the whole figure shrunk, or its placeholder logo)"
            )
    assert not problems, f"{seen.where}:{listing(problems)}"


# --- the built files ---------------------------------------------------------------


def test_thumbnails_come_from_this_build():
    """Each example's thumbnail (light and dark) was cut from the figure its
    page shows now, drawn in the run its record describes; an example whose
    page shows no figure has a card, not a picture left from an older run."""
    from PIL import Image

    try:
        html = require_site(HTML)
    except SiteMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    images = html / "_images"
    problems, checked = [], 0
    for page in sorted((html / "auto_examples").glob("*/plot_*.html")):
        stem = page.stem
        text = page.read_text(encoding="utf-8")
        shown = sorted(set(re.findall(rf"sphx_glr_{stem}_(\d{{3}})\.png", text)))
        for variant in ("", "_dark"):
            thumb = images / f"sphx_glr_{stem}_thumb{variant}.png"
            if not thumb.is_file():
                problems.append(f"{stem}: no thumbnail {thumb.name}")
                continue
            checked += 1
            with Image.open(thumb) as img:
                facts = dict(img.text)
            if not shown:
                if facts.get("potok:thumbnail") != "card":
                    problems.append(f"{thumb.name}: shows no figure, yet not a card")
                continue
            number = facts.get("potok:figure", "")
            figure = images / f"sphx_glr_{stem}_{int(number or 0):03d}{variant}.png"
            if number.zfill(3) not in shown or not figure.is_file():
                problems.append(
                    f"{thumb.name}: cut from figure {number!r}, not on the page"
                )
                continue
            with Image.open(figure) as img:
                run = img.text.get("potok:run")
            if facts.get("potok:run") != run:
                problems.append(
                    f"{thumb.name}: from the run of {facts.get('potok:run')}, its "
                    f"figure from {run}: a thumbnail left from an older run"
                )
    assert checked, f"no thumbnails under {images}"
    assert not problems, listing(problems)
