"""The chapters' exercises in the browser: solutions hidden until the reader asks.

Each solution is a sphinx-design dropdown, a native <details>: it starts closed,
opens from the keyboard (Tab to its title, Enter) without any script, says
«Решение», and with every solution open the page passes axe-core in furo's light
and dark themes.
"""

from __future__ import annotations

import pytest

from tests.chromium import HTML, SiteMissing, axe_violations, listing, require_site


def chapter_pages(html=HTML) -> list[str]:
    try:
        require_site(html)
    except SiteMissing:
        return []
    return [
        p.relative_to(html).as_posix() for p in sorted(html.glob("chapters/0*.html"))
    ]


OPEN_ALL = "() => document.querySelectorAll('details').forEach(d => d.open = true)"


@pytest.mark.browser
@pytest.mark.parametrize("chapter", chapter_pages())
def test_solutions_hidden_then_open_from_keyboard(open_page, chapter):
    # no JavaScript at all: a <details> needs none
    v = open_page(chapter, java_script_enabled=False)
    page = v.page
    dropdowns = page.locator("details.sd-dropdown")
    count = dropdowns.count()
    assert 2 <= count <= 4, f"{chapter}: {count} solutions"
    for i in range(count):
        d = dropdowns.nth(i)
        title = d.locator("> summary").inner_text().strip()
        assert title == "Решение", f"{chapter}: solution {i + 1}: {title!r}"
        assert d.get_attribute("open") is None, f"{chapter}: solution {i + 1} open"
        assert not d.locator("div.highlight pre").is_visible(), (
            f"{chapter}: solution {i + 1} shows its code before asked"
        )
    first = dropdowns.first
    first.locator("> summary").focus()
    page.keyboard.press("Enter")
    assert first.get_attribute("open") is not None, f"{chapter}: Enter did not open"
    assert first.locator("div.highlight pre").is_visible()
    page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("chapter", chapter_pages())
def test_axe_with_solutions_open(open_page, axe_source, chapter, theme):
    v = open_page(chapter, dark=theme == "dark")
    v.page.evaluate(OPEN_ALL)
    problems = axe_violations(v, axe_source)
    v.page.context.close()
    assert not problems, (
        f"{chapter} ({theme} theme, solutions open):{listing(problems)}"
    )
