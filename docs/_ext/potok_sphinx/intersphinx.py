"""Read the checked-in fallback inventory only when it is needed.

conf.py gives intersphinx two places for Python's inventory: the network copy,
then the checked-in one (docs/_intersphinx/python.inv) for a build without
network. Sphinx 9 keeps the inventory it loaded in the environment and does not
fetch the network copy again while that is fresh (``intersphinx_cache_limit``
days), but it parses every *local* location on every build, cached or not
(``sphinx/ext/intersphinx/_load.py``, ``_fetch_inventory_group``: "always read
local files"). For Python's inventory that is 0.2-0.3 s of each rebuild, a
tenth of the two seconds a no-change rebuild may take (issue 7).

So, for this build only, the local locations are left out of a mapping whose
inventory the environment already holds, if that copy is fresh and was loaded
after the local file last changed. Refreshing python.inv, an expired cache or
a clean build all read it as before; the configuration itself is put back
before the environment is saved, so Sphinx never sees it changed.

Upstream: no issue found for "local inventories are parsed on every build"
(Sphinx 9.0.4 still does). Removable when Sphinx caches a local inventory as
it caches a remote one; tests/test_build.py measures which copy was read.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _is_local(location: str | None) -> bool:
    return location is not None and "://" not in location


def _fresh(app: Sphinx, uri: str, locations: tuple) -> bool:
    """The environment holds this inventory, fresh and newer than its files."""
    cache = getattr(app.env, "intersphinx_cache", {})
    entry = cache.get(uri)
    if not entry:
        return False
    loaded = entry[1]
    limit = app.config.intersphinx_cache_limit
    if limit >= 0 and loaded < time.time() - limit * 86400:
        return False
    for location in filter(_is_local, locations):
        path = Path(app.srcdir, location)
        try:
            if os.stat(path).st_mtime >= loaded:
                return False
        except OSError:
            return False  # let intersphinx report the missing file
    return True


def skip_cached_local(app: Sphinx) -> None:
    """builder-inited, before intersphinx loads: drop local copies not needed."""
    mapping = app.config.intersphinx_mapping
    trimmed = {}
    for key, (name, (uri, locations)) in mapping.items():
        remote = tuple(loc for loc in locations if not _is_local(loc))
        if remote and len(remote) < len(locations) and _fresh(app, uri, locations):
            logger.info(
                f"potok_sphinx.intersphinx: {name!r} is cached; "
                "its local copy is not read"
            )
            trimmed[key] = (name, (uri, remote))
        else:
            trimmed[key] = (name, (uri, locations))
    if trimmed != mapping:
        app.potok.intersphinx_mapping = mapping  # type: ignore[attr-defined]
        app.config.intersphinx_mapping = trimmed


def restore(app: Sphinx) -> None:
    """builder-inited, after intersphinx: the configuration as conf.py set it."""
    saved = app.potok.intersphinx_mapping  # type: ignore[attr-defined]
    if saved is not None:
        app.config.intersphinx_mapping = saved
        app.potok.intersphinx_mapping = None  # type: ignore[attr-defined]
