"""Graphviz diagrams in HTML as ``<img alt="...">`` instead of ``<object>``.

With ``graphviz_output_format = "svg"`` Sphinx writes ``<object data="x.svg">``
and puts the alt text in fallback content, which screen readers and axe's
``object-alt`` rule do not count as the diagram's name. This extension writes the
same SVG file as an ``<img>`` with the directive's ``:alt:`` text, and fails the
build, naming the page and line, if a diagram has no ``:alt:``.
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.ext import graphviz as gv
from sphinx.util import logging

logger = logging.getLogger(__name__)


def visit_graphviz(self, node: gv.graphviz) -> None:
    if self.builder.config.graphviz_output_format != "svg":
        gv.html_visit_graphviz(self, node)
        return
    alt = node.get("alt", "").strip()
    if not alt:
        logger.warning(
            "graphviz diagram without :alt: text (describe it for readers who "
            "cannot see it)",
            location=node,
        )
    try:
        fname, _ = gv.render_dot(
            self, node["code"], node["options"], "svg", filename=node.get("filename")
        )
    except gv.GraphvizError as exc:
        logger.warning("dot code %r: %s", node["code"], exc, location=node)
        raise nodes.SkipNode from exc
    if fname is None:  # dot could not run; Sphinx has already warned
        raise nodes.SkipNode
    classes = " ".join(["graphviz", *node.get("classes", [])])
    img = (
        f'<img src="{escape(fname.as_posix())}" alt="{escape(alt)}" '
        f'class="{escape(classes)}" />'
    )
    if "align" in node:
        align = escape(node["align"])
        img = f'<div align="{align}" class="align-{align}">{img}</div>'
    self.body.append(f'<div class="graphviz">{img}</div>\n')
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, object]:
    app.setup_extension("sphinx.ext.graphviz")
    app.add_node(gv.graphviz, override=True, html=(visit_graphviz, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
