"""A code fence that is never closed fails the build, naming its file and line.

In Markdown an unclosed fence is no error: its block runs on to the end of the
page (CommonMark says so), so one stray or forgotten fence line (three
backticks) turns the rest of a chapter, its later sections and the exercises,
into a single code block, and the strict build passes. Each MyST page is parsed
here as it is read, with myst-parser's own markdown-it parser and the site's
MyST settings, and the build fails, naming the page and the line of the fence,
when

- a fenced block (backticks, tildes or MyST's colons) runs to the end of the
  page without a closing fence; or
- a fenced block holds a line that opens a block of its own kind (a fence of
  three backticks and ``sh`` inside a block fenced with three backticks): its
  own fence was never closed, and a later block's closing fence closed it
  instead. Everything up to there became code; the fences after it pair up
  again, so nothing runs to the end of the page.

A block that shows fences as text uses a longer fence (four backticks around
three, four colons around three), as CommonMark and MyST nest them, and passes.
Blocks nested in a directive's body (a ``{literalinclude}`` inside a
``{dropdown}``) are parsed by myst-parser later and end with their directive;
they are not checked here.

The check warns at the fence's line as the page is read (the strict build, -W,
fails on it) and marks the page to be read again by the next build, so every
build fails until the fence is closed, not only the first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from markdown_it.token import Token
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

#: the block tokens markdown-it (``fence``) and MyST's colon_fence make
FENCES = ("fence", "colon_fence")


def check_page(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: a MyST page with a fence that is not closed fails the build.

    A warning at the fence's line, which the strict build (-W) turns into a
    failure; the page is read again by every build until the fence is closed.
    """
    path = Path(app.env.doc2path(docname))
    if app.config.source_suffix.get(path.suffix) != "markdown":
        return
    for line, message in unclosed(source[0], markdown_parser(app)):
        logger.warning(message, location=(docname, line), type="potok", subtype="fence")
        app.env.reread_always.add(docname)


def markdown_parser(app: Sphinx):
    """myst-parser's markdown-it parser, configured as the site's pages are read."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(app.env.myst_config, RendererHTML)


def unclosed(text: str, md) -> list[tuple[int, str]]:
    """(line, message) for the first fence in ``text`` that is not closed.

    Lines count from 1; an empty list when every fence is closed. Only the first
    is named: the fences after it pair up wrongly because of it. ``md`` is a
    markdown-it parser (:func:`markdown_parser`).
    """
    lines = _lines(text)
    problems = []
    for token in md.parse(text, {}):
        if token.type not in FENCES or not token.map:
            continue
        start, end = token.map
        fence = f"{token.markup}{token.info.rstrip()}"
        inner = _opening_line(token)
        if inner is not None:
            offset, shown = inner
            problems.append(
                (
                    start + 1,
                    f"the block that '{fence}' opens goes on past line "
                    f"{start + 2 + offset} ('{shown}', the start of another block) "
                    f"and is closed only at line {end}: close it before line "
                    f"{start + 2 + offset}",
                )
            )
        elif end >= len(lines) and not _closes(token, lines, start, end):
            problems.append(
                (
                    start + 1,
                    f"'{fence}' opens a block that is never closed, so the rest of "
                    f"the page is shown as code; end the block with a line "
                    f"'{token.markup}' (fences pair up from the top: if this line "
                    "was meant to close a block, a fence above it is the one left "
                    "open)",
                )
            )
        if problems:
            return problems
    return problems


def _lines(text: str) -> list[str]:
    """The lines as markdown-it counts them (only CR, LF and CRLF end a line)."""
    text = re.sub(r"\r\n?", "\n", text)
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def _closes(token: Token, lines: list[str], start: int, end: int) -> bool:
    """Whether the block's last line is a fence that closes it."""
    if end - start < 2:  # the opening line alone
        return False
    marker = re.escape(token.markup[0])
    closing = re.compile(rf"[\s>]*{marker}{{{len(token.markup)},}}\s*")
    return bool(closing.fullmatch(lines[end - 1]))


def _opening_line(token: Token) -> tuple[int, str] | None:
    """The first line in the block that would open a block of its own kind:
    (its index in the block's body, the line); None if there is none."""
    marker = re.escape(token.markup[0])
    # an info string after the fence; a backtick fence's has no backtick
    info = r"[^`\s][^`]*" if token.markup[0] == "`" else r"\S.*"
    opening = re.compile(rf" {{0,3}}{marker}{{{len(token.markup)},}}[ \t]*{info}")
    for i, line in enumerate(_lines(token.content)):
        if opening.fullmatch(line):
            return i, line.strip()
    return None
