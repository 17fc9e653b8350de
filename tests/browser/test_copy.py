"""Copy buttons copy the code: no prompts (>>>, ..., $), no output.

Every page with code is opened, every copy button is clicked, and what landed
on the clipboard is compared with the code as the page shows it, minus prompts
(.gp), output (.go) and line numbers. Gallery output has no copy button.
"""

from __future__ import annotations

import re

import pytest

from tests.chromium import HTML, SiteMissing, representative, require_site, site_pages

PROMPT = re.compile(r"^(>>>|\.\.\.|\$)( |$)")

BLOCKS = """() => [...document.querySelectorAll("div.highlight pre")].map(pre => {
  const clone = pre.cloneNode(true);
  clone.querySelectorAll('.gp, .go, .linenos, button').forEach(n => n.remove());
  return {
    code: clone.textContent,
    output: Array.from(pre.querySelectorAll('.go')).map(n => n.textContent),
    galleryOutput: !!pre.closest('.sphx-glr-script-out'),
    hasButton: !!pre.parentElement.querySelector('button.copybtn'),
  };
})"""

#: the clipboard once the copy button has written it: sphinx-copybutton writes
#: asynchronously, and on a busy machine a read right after the click saw ""
COPIED = """async () => {
  for (let i = 0; i < 50; i++) {
    const text = await navigator.clipboard.readText();
    if (text) return text;
    await new Promise(done => setTimeout(done, 100));
  }
  return "";
}"""


def lines(text: str) -> list[str]:
    return [ln.rstrip() for ln in text.splitlines() if ln.strip()]


def pages_with_code(html=HTML) -> list[str]:
    try:
        require_site(html)
    except SiteMissing:
        return []
    return [
        p
        for p in representative(site_pages(html))
        if 'class="highlight"' in (html / p).read_text(encoding="utf-8")
    ]


def test_some_page_has_code(html):
    assert pages_with_code(html), "no page of the site shows code"


@pytest.mark.parametrize("code_page", pages_with_code())
def test_copy_buttons_copy_code_only(open_page, code_page):
    page_path = code_page
    v = open_page(page_path, permissions=["clipboard-read", "clipboard-write"])
    page = v.page
    # a solution's code is in a closed <details> (sphinx-design's dropdown): the
    # reader opens it before copying
    page.evaluate(
        "() => document.querySelectorAll('details').forEach(d => d.open = true)"
    )
    blocks = page.evaluate(BLOCKS)
    problems = []
    code_blocks = [b for b in blocks if not b["galleryOutput"]]
    for i, b in enumerate(blocks):
        if b["galleryOutput"] and b["hasButton"]:
            problems.append(f"block {i}: gallery output has a copy button")
        if not b["galleryOutput"] and not b["hasButton"]:
            problems.append(f"block {i}: code without a copy button")
    buttons = page.locator("button.copybtn")
    assert buttons.count() == sum(b["hasButton"] for b in blocks)
    for i, block in enumerate(code_blocks):
        page.evaluate("() => navigator.clipboard.writeText('')")
        # the click goes to the button itself: a mouse click at its place missed
        # now and then (opened dropdowns still moving), and copied nothing
        buttons.nth(i).dispatch_event("click")
        copied = page.evaluate(COPIED)
        got, want = lines(copied), lines(block["code"])
        if got != want:
            problems.append(
                f"code block {i}: copied {got[:3]}..., expected {want[:3]}..."
            )
        problems += [
            f"code block {i}: prompt copied: {ln!r}" for ln in got if PROMPT.match(ln)
        ]
        outputs = {o.strip() for o in block["output"] if o.strip()}
        problems += [
            f"code block {i}: output copied: {ln!r}"
            for ln in got
            if ln.strip() in outputs
        ]
    v.page.context.close()
    assert not problems, f"{page_path}:\n  " + "\n  ".join(problems)


#: A console session as Pygments renders it (pycon), and one shell session.
SESSIONS = {
    "pycon": (
        '<span class="gp">&gt;&gt;&gt; </span><span class="k">def</span> f():\n'
        '<span class="gp">... </span>    return 1\n'
        '<span class="gp">... </span>\n'
        '<span class="gp">&gt;&gt;&gt; </span>f()\n'
        '<span class="go">1</span>\n',
        ["def f():", "    return 1", "f()"],
    ),
    "console": (
        '<span class="gp">$ </span>python3 -m pip install -r bootstrap.txt\n'
        '<span class="go">Successfully installed nox</span>\n'
        '<span class="gp">$ </span>nox -s docs\n',
        ["python3 -m pip install -r bootstrap.txt", "nox -s docs"],
    ),
}

ADD_BLOCK = """([lexer, html]) => {
  const div = document.createElement("div");
  div.className = `highlight-${lexer} notranslate`;
  div.innerHTML = `<div class="highlight"><pre>${html}</pre></div>`;
  document.querySelector("article").appendChild(div);
  addCopyButtonToCodeCells();  // sphinx-copybutton's own function, as on load
}"""


@pytest.mark.parametrize("lexer", SESSIONS)
def test_copy_button_drops_prompts_and_output(open_page, lexer):
    """The site's copybutton settings on sessions no page may show yet."""
    html, expected = SESSIONS[lexer]
    v = open_page("index.html", permissions=["clipboard-read", "clipboard-write"])
    v.page.evaluate(ADD_BLOCK, [lexer, html])
    v.page.locator(f".highlight-{lexer} button.copybtn").click(force=True)
    copied = v.page.evaluate("() => navigator.clipboard.readText()")
    v.page.context.close()
    assert lines(copied) == expected
