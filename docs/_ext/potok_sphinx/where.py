"""«Где это измерено»: the examples behind a name, and the gallery's tags.

Both are sphinx-gallery's own features; this module only puts them in Russian
and links them together.

**Backreferences.** ``doc_module`` and ``backreferences_dir`` in conf.py make
sphinx-gallery (0.22) record, for every example, the names of the standard
modules its code uses (``NameFinder`` in ``sphinx_gallery/backreferences.py``
resolves each name on the example's globals after it ran, then by its imports)
and the names its text cites (``:class:`…```). The ``minigallery`` directive
then lists the examples behind a name (the glossary) or given paths (each
chapter's «Примеры к главе»). MyST cannot run it (the directive inserts reST
with ``insert_input``, which MyST's mock state machine lacks), so a page wraps
it in ``{eval-rst}``.

**Tags.** An example declares its tags in a config comment,
``# sphinx_gallery_tags = ["потоки", "процессы"]`` (sphinx-gallery 0.21+,
``gen_rst.py``: ``file_conf["tags"]``), which the page does not show
(``remove_config_comments``). sphinx-gallery puts them on the example's card in
the gallery (``data-sgtags``), and its script ``sg-tags.js`` turns them into a
filter above the cards (the gallery's header holds the place for it,
``examples/GALLERY_HEADER.rst``); ``?sg-tags=потоки`` in the address selects a tag.
Under each example sphinx-gallery writes the line «🏷 Tags: …» in English and
without links (an upstream TODO in ``gen_rst.py``: "link this to the
corresponding index page with query parameters"); :func:`link_tags` writes it
in Russian, each tag a link to the gallery filtered by it. ``potok-tags.js``
puts the filter's two English labels, which ``sg-tags.js`` writes from
JavaScript, in Russian.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from .gallery import gallery_prefixes

#: the line sphinx-gallery 0.22 writes under an example with tags
TAGS_LINE = re.compile(r"^(?P<indent>[ \t]+)🏷 Tags: (?P<tags>.+)$", re.M)
LABEL = "🏷 Метки:"


def link_tags(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: «🏷 Tags: a, b» under an example, in Russian, each tag a link
    to the gallery's index filtered by that tag."""
    prefix = next((p for p in gallery_prefixes(app) if docname.startswith(p)), None)
    if prefix is None or "🏷 Tags" not in source[0]:
        return
    index = app.builder.get_relative_uri(docname, prefix + "index")

    def links(m: re.Match) -> str:
        tags = [t.strip() for t in m["tags"].split(",")]
        refs = ", ".join(f"`{t} <{index}?sg-tags={quote(t)}>`__" for t in tags)
        return f"{m['indent']}{LABEL} {refs}"

    text = TAGS_LINE.sub(links, source[0])
    if "🏷 Tags" in text:
        raise ExtensionError(
            f"potok_sphinx.where: {docname}: sphinx-gallery wrote its tags line in "
            "a form docs/_ext/potok_sphinx/where.py does not know (the page would "
            "show it in English, without links)"
        )
    source[0] = text


def lazy_cards(app: Sphinx, doctree, docname: str) -> None:
    """doctree-resolved: the example cards a minigallery puts on a page outside
    the gallery load their thumbnail only when shown (``loading="lazy"``).

    A glossary entry's cards sit in a closed «Где это измерено»: loaded eagerly,
    the glossary would fetch every thumbnail of the gallery at once, past the
    page budget (``tests/chromium.py``). sphinx-gallery's card template has no
    option for it, so each thumbnail's image node gets docutils' ``loading``.
    """
    from docutils import nodes

    if any(docname.startswith(p) for p in gallery_prefixes(app)):
        return
    for image in doctree.findall(nodes.image):
        if THUMB in image.get("uri", ""):
            image["loading"] = "lazy"


#: where sphinx-gallery keeps its thumbnails (``<section>/images/thumb/``)
THUMB = "/images/thumb/sphx_glr_"
