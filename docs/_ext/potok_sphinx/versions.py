"""The version selector and the old-version banner of the multi-version site.

``nox -s versions`` (``docs/_polyversion/poly.py``, sphinx-polyversion) builds each
version with ``POLYVERSION_DATA`` in the environment: JSON with the version being
built (``current``), the latest release (``latest``) and every version built
(``versions``: name, label, kind). From it this extension

- adds ``sidebar/potok-versions.html`` to furo's left sidebar on every page: one
  link per version, to the same page in that version (``potok-versions.js`` checks
  that the page exists there and falls back to that version's start page);
- shows, on main and on every release but the latest, furo's announcement bar
  with a link to the same page in the latest release.

Both are written as they are at build time. A release is built once and then
kept unchanged (``poly.py --keep``), so the list it was built with grows old: the
selector carries the site's root (``data-root``), the page and the current
version, and ``potok-versions.js`` redraws the list and the banner from the
root's ``versions.json`` (written on every deploy). Without JavaScript, or where
that file cannot be read (``file://``), the list of the build stays.

A build without that variable (``nox -s docs``, Read the Docs with its own
flyout) shows neither. :func:`load` is also what ``conf.py`` reads for canonical
URLs and the 404 page's prefix.
"""

from __future__ import annotations

import json
import os
from typing import Any

from markupsafe import Markup, escape
from sphinx.application import Sphinx
from sphinx.errors import ConfigError

SIDEBAR = "sidebar/potok-versions.html"


def load() -> dict[str, Any] | None:
    """The data sphinx-polyversion passed to this build, or None."""
    raw = os.environ.get("POLYVERSION_DATA")
    if not raw:
        return None
    try:
        data = json.loads(raw)
        names = [v["name"] for v in data["versions"]]
        if data["current"] not in names:
            raise ValueError(f"current version {data['current']!r} not in {names}")
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"potok_sphinx.versions: bad POLYVERSION_DATA: {exc}"
        ) from None
    return data


def _root(pagename: str, site_path: str, absolute: bool) -> str:
    """The site's root (where each version's folder is) as seen from the page."""
    # the 404 page is served at any depth: absolute paths only
    return site_path if absolute else "../" * (pagename.count("/") + 1)


def _links(pagename: str, data: dict[str, Any], site_path: str, absolute: bool):
    """(page URL, start-page URL) of ``pagename`` in every version."""
    up = _root(pagename, site_path, absolute)
    for v in data["versions"]:
        root = f"{up}{v['name']}/"
        yield v, f"{root}{pagename}.html", f"{root}index.html"


def page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    data = app.env.potok_versions_data
    if data is None or app.builder.name == "epub":
        return  # the book has no sidebar and no banner
    notfound = pagename == getattr(app.config, "notfound_pagename", "404")
    site_path = app.config.potok_site_path
    versions = []
    for v, url, start in _links(pagename, data, site_path, notfound):
        versions.append(
            {
                **v,
                "url": start if notfound else url,
                "start": start,
                "current": v["name"] == data["current"],
                "latest": v["name"] == data["latest"],
            }
        )
    context["potok_versions"] = versions
    context["potok_versions_root"] = _root(pagename, site_path, notfound)
    context["potok_versions_page"] = "" if notfound else pagename
    context["potok_current"] = next(v for v in versions if v["current"])
    sidebars = list(context.get("sidebars") or [])
    if SIDEBAR not in sidebars:
        # right under the search box, above the table of contents
        search = "sidebar/search.html"
        sidebars.insert(
            sidebars.index(search) + 1 if search in sidebars else 1, SIDEBAR
        )
        context["sidebars"] = sidebars
    latest = next((v for v in versions if v["latest"]), None)
    current = context["potok_current"]
    if latest and not current["latest"]:
        what = (
            f"версию {escape(current['label'])}"
            if current["kind"] == "release"
            else "ещё не выпущенную версию из ветки main"
        )
        context["theme_announcement"] = Markup(
            f'<span class="potok-old-version">Вы читаете {what}. '
            f'Последний выпуск — <a class="potok-version-link" '
            f'href="{escape(latest["url"])}" data-start="{escape(latest["start"])}">'
            f"{escape(latest['label'])}</a>.</span>"
        )


def builder_inited(app: Sphinx) -> None:
    app.env.potok_versions_data = load()
    if app.env.potok_versions_data is not None and app.builder.name != "epub":
        app.add_js_file("potok-versions.js", loading_method="defer")
        app.add_css_file("potok-versions.css")
