"""Accessibility fixes to the HTML that Sphinx and furo write.

Found by axe-core in the browser tests (tests/browser/test_every_page.py):

- Sphinx writes toctree captions as ``<p class="caption" role="heading">`` with no
  ``aria-level``, which ARIA requires of every heading (axe: aria-required-attr,
  critical). They get level 2: they head the lists under the page's title, and
  in the sidebar they head sections of the site's navigation.

Upstream: sphinx-doc/sphinx#14030 (captions need ``aria-level``), fixed by the
open pull request sphinx-doc/sphinx#14437. Removable once the locked Sphinx
(9.0.4 now) writes ``aria-level`` itself; tests/test_site_offline.py and the
browser tests' axe check will show it.
"""

from __future__ import annotations

import re

HEADING_WITHOUT_LEVEL = re.compile(r'role="heading"(?![^>]*\baria-level=)')
HEADING_LEVEL_2 = 'role="heading" aria-level="2"'


def add_heading_levels(app, pagename, templatename, context, doctree) -> None:
    # "body" is the page's content; furo renders the sidebar from its own tree
    for key in ("body", "toc", "furo_navigation_tree"):
        value = context.get(key)
        if isinstance(value, str) and 'role="heading"' in value:
            context[key] = HEADING_WITHOUT_LEVEL.sub(HEADING_LEVEL_2, value)
