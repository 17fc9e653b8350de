"""Make furo's hard-coded English interface strings translatable.

furo 2025.x marks most of its interface for translation (``_("On this page")``,
``{% trans %}Back to top{% endtrans %}``) but ships no catalogs, and a few strings
(the theme toggle's and the sidebars' aria-labels, the RTD/GitHub icon labels) are
plain English in its templates. This extension:

1. rewrites those literal strings, as furo's templates are loaded, into ``_()``
   calls, so they go through gettext like the rest; and
2. translates the sidebar's expand-button labels that furo writes in Python;
3. fails the build, naming the template, if furo changes and a string it expects is
   no longer there (a furo upgrade must not silently bring English back).

The Russian text itself is in ``docs/locale/ru/LC_MESSAGES/sphinx.po``; Sphinx
compiles that catalog and uses it for every string its own catalog lacks.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

#: template name -> literal attribute strings that furo does not translate
LITERALS = {
    "page.html": (
        'aria-label="Toggle site navigation sidebar"',
        'aria-label="Toggle table of contents sidebar"',
        'aria-label="Toggle Light / Dark / Auto color theme"',
        'aria-label="On Read the Docs"',
        'aria-label="On GitHub"',
    ),
    # the icons' <title>: their tooltip and, for the theme toggle, the name a
    # screen reader gives the button's current state
    "partials/icons.html": (
        "<title>Contents</title>",
        "<title>Menu</title>",
        "<title>Expand</title>",
        "<title>Light mode</title>",
        "<title>Dark mode</title>",
        "<title>Auto light/dark, in light mode</title>",
        "<title>Auto light/dark, in dark mode</title>",
    ),
}


def _gettext_form(literal: str) -> str:
    if literal.startswith("<title>"):
        text = literal.removeprefix("<title>").removesuffix("</title>")
        return f'<title>{{{{ _("{text}") }}}}</title>'
    attr, _, value = literal.partition("=")
    return '{}="{{{{ _("{}") }}}}"'.format(attr, value.strip('"'))


def _wrap_loader(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    if templates is None or app.config.html_theme != "furo":
        return
    original = templates.get_source

    def get_source(environment, template):
        source, filename, uptodate = original(environment, template)
        # furo's own file, not an override of ours that extends it
        name = template.removeprefix("!")
        if name in LITERALS and filename and "/furo/" in filename.replace("\\", "/"):
            for literal in LITERALS[name]:
                if literal not in source:
                    raise ExtensionError(
                        f"potok_furo_ru: {filename} no longer contains {literal!r}; "
                        "furo changed its templates: update LITERALS in "
                        "docs/_ext/potok_furo_ru.py and the catalog in "
                        "docs/locale/ru/LC_MESSAGES/sphinx.po"
                    )
                source = source.replace(literal, _gettext_form(literal))
        return source, filename, uptodate

    templates.get_source = get_source


#: furo builds the sidebar's expand buttons in Python (furo/navigation.py) with
#: this English label; it is replaced in the finished tree.
NAV_TOGGLE = 'aria-label="Toggle navigation of '
NAV_TOGGLE_RU = 'aria-label="Показать или скрыть раздел '


def _translate_navigation(app, pagename, templatename, context, doctree) -> None:
    tree = context.get("furo_navigation_tree")
    if tree:
        context["furo_navigation_tree"] = tree.replace(NAV_TOGGLE, NAV_TOGGLE_RU)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _wrap_loader)
    # after furo's own handler (priority 500), which computes the tree
    app.connect("html-page-context", _translate_navigation, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
