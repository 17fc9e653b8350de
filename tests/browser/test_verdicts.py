"""Verdicts as a reader sees them, on a desktop and on a phone, light and dark.

One component (potok_sphinx.claims) on the pages that show verdicts: an
example's page, the front page's figure, the guide «Что выбрать», the claims
page «Проверка утверждений» and a chapter's measured figure. Each verdict is
whole on the screen (nothing clipped, nothing wider than its column); ✔ and
✘ differ in shape as well as in colour; a failed claim is tinted and gives
its reason. The output an example printed wraps instead of running past its
box. The claims page puts its failures first and has a heading per example;
the guide opens with its table, and its branches that failed say so beside
their advice.
"""

from __future__ import annotations

import pytest

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    },
}
PAGES = {
    "front": "index.html",
    "example": "auto_examples/08_today/plot_across_versions.html",
    "guide": "choose.html",
    "claims": "claims.html",
    "chapter": "chapters/04-gil.html",
}

#: every verdict's box, its mark's shape and colours, and whether anything in
#: it is cut: wider than its own box, or past the right edge of the screen
VERDICTS = """() => Array.from(document.querySelectorAll('.potok-verdict')).map(el => {
  const r = el.getBoundingClientRect();
  const mark = el.querySelector('.potok-verdict-mark');
  const m = getComputedStyle(mark);
  const kind = ['confirmed', 'refuted', 'missing'].find(
    k => el.classList.contains('potok-verdict-' + k));
  return {
    kind, text: el.textContent.trim().slice(0, 80),
    left: r.left, right: r.right, width: r.width,
    scroll: el.scrollWidth, client: el.clientWidth,
    radius: m.borderTopLeftRadius, markWidth: parseFloat(m.width),
    markBackground: m.backgroundColor,
    background: getComputedStyle(el).backgroundColor,
    reason: !!el.querySelector('.potok-verdict-reason'),
    display: getComputedStyle(el).display,
  };
})"""

#: output blocks whose text is wider than their box (cut or scrolled away)
CUT_OUTPUT = """() => Array.from(
  document.querySelectorAll('.sphx-glr-script-out pre')).filter(
  pre => pre.scrollWidth > pre.clientWidth + 1).map(
  pre => pre.textContent.slice(0, 80))"""


@pytest.fixture(scope="module", params=["light", "dark"])
def scheme(request):
    return request.param


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def width(request):
    return request.param


@pytest.fixture(scope="module", params=list(PAGES))
def shown(request, open_page, scheme, width):
    options = dict(VIEWPORTS[width])
    if scheme == "light":
        options["color_scheme"] = "light"
    v = open_page(PAGES[request.param], dark=scheme == "dark", **options)
    v.name = request.param
    v.where = f"{PAGES[request.param]} at {width}, {scheme}"
    yield v
    v.page.context.close()


def test_every_verdict_is_whole_on_the_screen(shown):
    boxes = shown.page.evaluate(VERDICTS)
    assert boxes, f"{shown.where}: no verdicts"
    screen = shown.page.evaluate("() => innerWidth")
    for box in boxes:
        assert box["display"] == "grid", f"{shown.where}: {box['text']!r} not laid out"
        assert box["scroll"] <= box["client"] + 1, (
            f"{shown.where}: {box['text']!r} is cut: {box['scroll']} px of text in "
            f"{box['client']} px"
        )
        assert box["left"] >= 0 and box["right"] <= screen + 1, (
            f"{shown.where}: {box['text']!r} spans {box['left']:.0f}-"
            f"{box['right']:.0f} px on a {screen} px screen"
        )
    page_width = shown.page.evaluate("() => document.scrollingElement.scrollWidth")
    assert page_width <= screen, f"{shown.where}: the page is {page_width} px wide"


def test_the_verdict_is_told_by_shape_and_colour(shown):
    boxes = shown.page.evaluate(VERDICTS)
    by_kind: dict[str, dict] = {}
    for box in boxes:
        by_kind.setdefault(box["kind"], box)
        if box["kind"] == "refuted":
            assert box["reason"], f"{shown.where}: {box['text']!r} gives no reason"
    ok, bad = by_kind.get("confirmed"), by_kind.get("refuted")
    if ok:
        assert ok["radius"].endswith("%") or float(ok["radius"][:-2]) >= (
            ok["markWidth"] / 2 - 1
        ), f"{shown.where}: ✔ is not in a circle ({ok['radius']})"
    if bad:
        assert float(bad["radius"][:-2]) < bad["markWidth"] / 4, (
            f"{shown.where}: ✘ is not in a square ({bad['radius']})"
        )
    if ok and bad:
        assert ok["markBackground"] != bad["markBackground"]
        assert ok["background"] != bad["background"], (
            f"{shown.where}: a failed claim is not tinted"
        )


def test_printed_output_wraps_instead_of_running_off(shown):
    cut = shown.page.evaluate(CUT_OUTPUT)
    assert not cut, f"{shown.where}: output cut at the right edge: {cut}"


def test_claims_page_failures_first_with_a_heading_per_example(shown):
    if shown.name != "claims":
        pytest.skip("the claims page only")
    kinds = [b["kind"] for b in shown.page.evaluate(VERDICTS)]
    if "refuted" in kinds:
        assert kinds[0] == "refuted", f"{shown.where}: the first verdict held"
        headings = shown.page.evaluate(
            "() => Array.from(document.querySelectorAll('article h2'))"
            ".map(h => h.textContent.replace('¶', '').trim())"
        )
        assert headings[:2] == ["Где не подтвердилось", "Где всё подтвердилось"], (
            headings
        )
    # where everything held, the verdicts wait folded; a failure never is
    folded = shown.page.evaluate(
        """() => Array.from(document.querySelectorAll('.potok-verdict')).map(
          v => v.closest('details') ? (v.closest('details').open ? 'open' : 'folded')
                                    : 'shown')"""
    )
    for kind, state in zip(kinds, folded, strict=True):
        assert state == ("shown" if kind == "refuted" else state), (kind, state)
    assert "folded" in folded, f"{shown.where}: nothing folded"
    examples = shown.page.evaluate(
        "() => document.querySelectorAll('article h3').length"
    )
    assert examples >= 30, f"{shown.where}: {examples} headings of examples"


def test_guide_opens_with_its_table_and_marks_failed_branches(shown):
    if shown.name != "guide":
        pytest.skip("the guide only")
    first = shown.page.evaluate(
        "() => document.querySelector('article table')?.closest('section')"
        "?.querySelector('h1')?.textContent"
    )
    assert first and "Что выбрать" in first, f"{shown.where}: no table on top"
    refuted = shown.page.evaluate(
        "() => document.querySelectorAll('.potok-choose .potok-verdict-refuted').length"
    )
    notes = shown.page.evaluate(
        "() => Array.from(document.querySelectorAll('.potok-branch-failed'))"
        ".map(n => n.getBoundingClientRect().right <= innerWidth + 1)"
    )
    assert bool(refuted) == bool(notes), (
        f"{shown.where}: {refuted} failed claims, {len(notes)} notes beside advice"
    )
    assert all(notes), f"{shown.where}: a note runs past the screen"


def test_chapter_shows_the_figure_this_build_drew_beside_its_paragraph(shown):
    if shown.name != "chapter":
        pytest.skip("the chapter only")
    # the figure in the theme's variant, loaded: it is lazy, and its
    # currentSrc is empty until it loads
    figure = shown.page.evaluate(
        """async () => {
          const box = document.querySelector('.potok-measured');
          if (!box) return null;
          const img = [...box.querySelectorAll('img')].find(
            i => i.checkVisibility()) || box.querySelector('img');
          img.scrollIntoView({block: 'center', behavior: 'instant'});
          if (!img.complete) await new Promise(done => {
            img.addEventListener('load', done, {once: true});
            img.addEventListener('error', done, {once: true});
          });
          // a figure keeps a legible width and scrolls inside its box
          // (potok_sphinx.figures): the box is what must fit the screen
          const r = (img.closest('.potok-figure') || img).getBoundingClientRect();
          const before = box.previousElementSibling?.textContent || '';
          return {src: img.currentSrc, right: r.right, width: r.width,
                  verdicts: box.querySelectorAll('.potok-verdict').length,
                  before: before.includes('Ищите'), loaded: img.naturalWidth};
        }"""
    )
    assert figure, f"{shown.where}: no measured figure"
    assert "sphx_glr_plot_cpu_vs_io_speedup_001" in figure["src"], figure["src"]
    assert figure["before"], (
        f"{shown.where}: not after the paragraph «Ищите на графике»"
    )
    assert figure["verdicts"] >= 3, f"{shown.where}: {figure['verdicts']} verdicts"
    assert figure["right"] <= shown.page.evaluate("() => innerWidth") + 1
    assert figure["loaded"] > 0, f"{shown.where}: the figure did not load"
