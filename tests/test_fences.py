"""A code fence that is never closed fails the build, naming the file and the
line of the fence (potok_sphinx.fences): in Markdown it is no error, and the
rest of the chapter would be published as one code block."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from potok_sphinx.fences import unclosed
from sites import INDEX, NO_NETWORK, build, make_site

ROOT = Path(__file__).resolve().parent.parent
#: as conf.py sets MyST up: colon_fence makes ::: a fence
MD = create_md_parser(MdParserConfig(enable_extensions={"colon_fence"}), RendererHTML)

PAGE = """\
# Глава

Текст.

```python
x = 1
```

## Раздел

Ещё текст.

```sh
echo да
```

## Упражнения

Последний раздел.
"""


def _with(line: str, before: str, page: str = PAGE) -> str:
    """``page`` with ``line`` inserted above the first line ``before``."""
    lines = page.splitlines(keepends=True)
    at = lines.index(before + "\n")
    return "".join([*lines[:at], line + "\n", *lines[at:]])


def test_closed_fences_pass():
    assert unclosed(PAGE, MD) == []
    # a block that ends the page, its closing fence on the last line
    assert unclosed(PAGE + "\n```\nкод\n```", MD) == []
    assert unclosed("# T\n\n:::{note}\nтекст\n:::\n", MD) == []


def test_a_longer_fence_may_show_fences_as_text():
    page = (
        "# T\n\n````md\n```python\nx = 1\n```\n````\n\n"
        "::::{note}\n:::{tip}\nt\n:::\n::::\n"
    )
    assert unclosed(page, MD) == []


@pytest.mark.parametrize("fence", ["```", "~~~", "```python", "````", ":::{note}"])
def test_a_fence_that_runs_to_the_end_of_the_page_is_named(fence):
    page = _with(fence, "## Упражнения")
    problems = unclosed(page, MD)
    assert [line for line, _ in problems] == [17], problems
    assert "never closed" in problems[0][1]


def test_a_fence_alone_on_the_last_line_is_named():
    problems = unclosed(PAGE + "\n```\n", MD)
    assert [line for line, _ in problems] == [21], problems
    problems = unclosed(PAGE + "\n```", MD)  # no newline at the end
    assert [line for line, _ in problems] == [21], problems


def test_lines_are_counted_as_markdown_counts_them():
    """A form feed or U+2028 in a page ends no line; CRLF ends one."""
    page = "# T\n\nтекст\u2028ещё\x0cи ещё\n\n```\nкод\u2028\n```\n"
    assert unclosed(page, MD) == []
    left_open = page + "\n```\nкод\n"  # its fence on line 9
    for text in (left_open, left_open.replace("\n", "\r\n")):
        assert [line for line, _ in unclosed(text, MD)] == [9], repr(text)


def test_a_stray_fence_that_a_later_block_closes_is_named():
    """The probe's case: a bare fence above a section; the next block's closing
    fence closes it, the fences after pair up again, nothing runs to the end."""
    page = _with("```", "## Раздел")
    problems = unclosed(page, MD)
    assert [line for line, _ in problems] == [9], problems
    assert "past line 14 ('```sh'" in problems[0][1]


def test_a_block_left_open_is_named_at_its_own_fence():
    page = PAGE.replace("x = 1\n```\n", "x = 1\n")  # the python block's closer lost
    problems = unclosed(page, MD)
    assert [line for line, _ in problems] == [5], problems


def test_the_sites_own_pages_have_their_fences_closed():
    pages = sorted((ROOT / "docs").rglob("*.md"))
    pages = [p for p in pages if "_build" not in p.parts]
    assert pages
    for page in pages:
        assert unclosed(page.read_text(encoding="utf-8"), MD) == [], page


def test_the_build_fails_naming_the_file_and_line_until_the_fence_is_closed(
    tmp_path,
):
    index = INDEX + "\n```\n\n## Забытый раздел\n\nТекст, который стал кодом.\n"
    site = make_site(tmp_path, index=index)
    line = index.splitlines().index("```", len(INDEX.splitlines())) + 1
    for _ in range(2):  # a rebuild reads the page again and fails again
        proc = build(site, **NO_NETWORK)
        out = proc.stdout + proc.stderr
        assert proc.returncode != 0, out
        assert f"docs/index.md:{line}: WARNING: '```' opens a block that is " in out
    (site / "docs" / "index.md").write_text(index + "```\n", encoding="utf-8")
    proc = build(site, **NO_NETWORK)
    assert proc.returncode == 0, proc.stdout + proc.stderr
