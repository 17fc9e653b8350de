"""Accessibility fixes to the HTML that Sphinx and furo write.

Found by axe-core in the browser tests (tests/browser/test_every_page.py):

- Sphinx writes toctree captions as ``<p class="caption" role="heading">`` with no
  ``aria-level``, which ARIA requires of every heading (axe: aria-required-attr,
  critical). They get level 2: they head the lists under the page's title, and
  in the sidebar they head sections of the site's navigation.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx

HEADING_WITHOUT_LEVEL = re.compile(r'role="heading"(?![^>]*\baria-level=)')
HEADING_LEVEL_2 = 'role="heading" aria-level="2"'


def add_heading_levels(app, pagename, templatename, context, doctree) -> None:
    # "body" is the page's content; furo renders the sidebar from its own tree
    for key in ("body", "toc", "furo_navigation_tree"):
        value = context.get(key)
        if isinstance(value, str) and 'role="heading"' in value:
            context[key] = HEADING_WITHOUT_LEVEL.sub(HEADING_LEVEL_2, value)


def setup(app: Sphinx) -> dict:
    # after furo's own handler (priority 500), which computes its navigation tree
    app.connect("html-page-context", add_heading_levels, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
