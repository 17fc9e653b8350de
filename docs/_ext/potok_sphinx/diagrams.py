"""The chapters' diagrams follow the code that draws them.

The diagrams are functions in :mod:`.drawings`, drawn at build time by
matplotlib's ``plot`` directive (see conf.py). That directive compares the
dates of its pictures with the page's only, so an edit to the drawing code
would leave the old pictures in place. Here a page with a diagram depends on
that code (Sphinx reads the page again when it changes), and a page being read
has its old pictures removed, so they are drawn afresh.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

#: The code every diagram is drawn with, relative to the repository.
CODE = ("docs/_ext/potok_sphinx/drawings.py", "src/potok/plots.py")


def follow_their_code(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: a page with a diagram depends on the code that draws it."""
    if ".. plot::" not in source[0]:
        return
    root = Path(app.confdir).parent
    for path in CODE:
        app.env.note_dependency(str(root / path))
    page = Path(docname)
    drawn = Path(app.doctreedir).parent / "plot_directive" / page.parent
    for old in drawn.glob(f"{page.name}-*.*"):
        old.unlink()
