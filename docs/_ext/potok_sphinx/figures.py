"""The gallery's figures: sized for the column, legible, light and dark, linked.

1. **The scraper** (``image_scrapers`` in conf.py) saves each figure an example
   draws as sphinx-gallery's matplotlib scraper does (``sphx_glr_x_001.png``
   and ``_2_00x.png`` for ``image_srcset``), and writes the same rst, after
   :func:`potok.plots.typeset` has held the figure to furo's column. Then, from
   the same figure object, so from the same run and the same data, it saves
   the **dark variant** (:func:`potok.plots.dark`: ``…_dark.png`` beside each
   file) and the figure's **key panel** alone, light and dark (``…_panel.png``,
   what the thumbnail shows, :mod:`.thumbnails`). Each PNG says in its text
   chunks which run drew it (the run record's ``started``), which figure, which
   theme, and the smallest text on it in its own pixels (``potok:min-text-px``):
   the browser tests read these. Several figures of one code block stay one
   under another (sphinx-gallery would set them side by side at 42 % of the
   column, halving their type).

   sphinx-gallery has no dark images (its thumbnails: sphinx-gallery issue
   #1109), nor has matplotlib's plot directive (matplotlib issue #25983).

2. **The figure in the page.** sphinx-gallery's ``image-sg`` node is written
   here instead of by sphinx-gallery (its writer takes one class and does not
   escape the alt text): the light and the dark variant, each in a link to its
   full-size (2x) picture, with furo's ``only-light`` / ``only-dark`` classes, so
   furo's theme (the reader's choice or the system's) shows one. Both are
   ``loading="lazy"``: a hidden picture is not loaded until the theme shows
   it. Each ``<img>`` has its natural size (``width``/``height``) and a
   ``min-width`` at which its smallest text is :data:`LEGIBLE_PX` CSS pixels:
   in furo's column on a desktop (736 px) a figure is shown at its natural
   size; on a phone (358 px) it keeps that minimum width and scrolls sideways
   in its box (``.potok-figure`` in potok.css), rather than shrinking its text
   to 5-7 px.

3. **Other pages that show a gallery picture** (the front page's figure, the
   chapters' cards with thumbnails, the gallery's thumbnails) use ordinary
   images. :class:`ThemedImages` (a transform, when a page is read) turns an
   image of a gallery figure into the same node as a gallery page's, and gives
   any other image that has a dark twin (thumbnails, the chapters' diagrams)
   that twin beside it, each with its furo class. A page depends on every file
   it shows, so a figure drawn again reads the page again.
"""

from __future__ import annotations

import html
import math
import re
import shutil
from pathlib import Path, PurePosixPath

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from .limits import LEGIBLE_PX

logger = logging.getLogger(__name__)

DARK = "_dark"
PANEL = "_panel"
#: what each saved picture says about itself (PNG text chunks)
RUN, NUMBER, THEME, MIN_TEXT = (
    "potok:run",
    "potok:figure",
    "potok:theme",
    "potok:min-text-px",
)

#: a gallery figure: images/sphx_glr_<stem>_NNN.png or its 2x copy (not a
#: thumbnail, a panel or a dark twin)
_FIGURE = re.compile(r"images/sphx_glr_\w+?_\d{3}(?:_\d+_\d+x)?\.png$")
_SRCSET_SUFFIX = re.compile(r"_\d+_\d+x$")


def dark_path(path):
    """Where the dark twin of the picture ``path`` is: ``x.png`` -> ``x_dark.png``."""
    p = PurePosixPath(path) if isinstance(path, str) else path
    twin = p.with_name(f"{p.stem}{DARK}{p.suffix}")
    return str(twin) if isinstance(path, str) else twin


def panel_path(path: Path) -> Path:
    """Where the key panel of the figure saved as ``path`` is."""
    return path.with_name(f"{path.stem}{PANEL}{path.suffix}")


def text_px(points: float, dpi: float) -> float:
    """How many pixels of a picture saved at ``dpi`` a text of ``points`` spans."""
    return points * dpi / 72


def legible_width(natural: int, smallest_px: float, shown: float) -> int:
    """The narrowest (in CSS pixels) a picture ``natural`` pixels wide, whose
    smallest text spans ``smallest_px`` of them, may be shown for that text to
    be :data:`LEGIBLE_PX` CSS pixels; never more than ``shown``, the width it
    is shown at where there is room."""
    return min(round(shown), math.ceil(natural * LEGIBLE_PX / smallest_px))


# --- 1. the scraper -------------------------------------------------------------------


def _titles(fig) -> str:
    """The figure's titles, as sphinx-gallery's scraper gives them for alt text."""
    titles = []
    if getattr(fig, "_suptitle", None) is not None:
        titles.append(fig._suptitle.get_text())
    for ax in fig.axes:
        for loc in ("left", "center", "right"):
            if ax.get_title(loc=loc):
                titles.append(ax.get_title(loc=loc))
    return ", ".join(titles)


def save(fig, path: Path, multipliers, *, run: str = "", number: int = 0) -> dict:
    """Save ``fig`` at ``path`` and at each of ``multipliers`` (2.0: ``_2_00x``),
    light then dark, and its key panel in both themes. Returns sphinx-gallery's
    srcset map of the light files ``{0: path, 2.0: path_2x}``."""
    from potok import plots

    plots.typeset(fig)
    files = {0: path}
    for mult in multipliers:
        times = f"{mult:.2f}".replace(".", "_")
        files[mult] = path.with_name(f"{path.stem}_{times}x{path.suffix}")
    facts = {RUN: run, NUMBER: str(number)}
    for theme in ("light", "dark"):
        if theme == "dark":
            plots.dark(fig)
        for mult, light in files.items():
            dpi = plots.DPI * (mult or 1)
            target = light if theme == "light" else dark_path(light)
            smallest = text_px(plots.smallest_text_pt(fig), dpi)
            meta = {**facts, THEME: theme, MIN_TEXT: f"{smallest:.2f}"}
            fig.savefig(target, dpi=dpi, facecolor=fig.get_facecolor(), metadata=meta)
        panel = panel_path(path) if theme == "light" else dark_path(panel_path(path))
        _save_panel(fig, panel, {**facts, THEME: theme})
    return files


def _save_panel(fig, target: Path, meta: dict) -> None:
    """The figure's key panel alone (its ticks, labels, title and legend), cut
    from the figure as drawn; the whole figure if it has no axes."""
    from matplotlib.transforms import Bbox

    from potok import plots

    ax = plots.key_panel(fig)
    box = "tight"
    if ax is not None:
        fig.canvas.draw()  # laid out at the figure's own dpi
        renderer = fig.canvas.get_renderer()
        inches = ax.get_tightbbox(renderer).transformed(fig.dpi_scale_trans.inverted())
        pad = 0.08
        box = Bbox.from_extents(
            inches.x0 - pad, inches.y0 - pad, inches.x1 + pad, inches.y1 + pad
        )
    fig.savefig(
        target,
        dpi=plots.DPI,
        bbox_inches=box,
        facecolor=fig.get_facecolor(),
        metadata=meta,
    )


def scraper(block, block_vars, gallery_conf, **kwargs) -> str:
    """sphinx-gallery image scraper: every open figure, light and dark.

    Its rst is sphinx-gallery's own (:func:`sphinx_gallery.scrapers.figure_rst`),
    one single image after another.
    """
    import matplotlib.pyplot as plt
    from sphinx_gallery.scrapers import figure_rst

    from potok import records

    iterator = block_vars["image_path_iterator"]
    run = records.current().started
    rst = []
    try:
        for num, image_path in zip(plt.get_fignums(), iterator, strict=False):
            fig = plt.figure(num)
            path = Path(image_path)
            number = int(path.stem.rsplit("_", 1)[-1])
            titles = _titles(fig)
            files = save(
                fig,
                path,
                gallery_conf["image_srcset"],
                run=run,
                number=number,
            )
            rst.append(
                figure_rst([path], gallery_conf["src_dir"], titles, srcsetpaths=[files])
            )
    finally:
        plt.close("all")
    return "".join(rst)


# --- 2. the figure in the page --------------------------------------------------------


def _parse_srcset(srcset: str) -> dict[float, str]:
    """sphinx-gallery's ``:srcset:`` (``/a.png, /a_2_00x.png 2.00x``) as a map."""
    out: dict[float, str] = {}
    for entry in srcset.split(","):
        parts = entry.split()
        if len(parts) == 1:
            out[0] = parts[0]
        elif len(parts) == 2:
            out[float(parts[1].rstrip("x"))] = parts[0]
    return out


def picture_facts(path: Path) -> dict[str, str]:
    """The size and the text chunks of a PNG, as strings."""
    from PIL import Image

    with Image.open(path) as img:
        facts = {k: str(v) for k, v in getattr(img, "text", {}).items()}
        facts["width"], facts["height"] = str(img.width), str(img.height)
    return facts


def drawn_together(light: Path) -> bool:
    """Whether the figure saved as ``light`` and its dark twin were saved by
    :func:`scraper` from one figure of one run (their ``potok:run`` and
    ``potok:figure`` chunks agree)."""
    from PIL import Image

    said = []
    for path in (light, dark_path(light)):
        # .info: the chunks before the pixels (matplotlib writes its text
        # there), read without decoding the picture as .text would
        with Image.open(path) as img:
            said.append((img.info.get(RUN), img.info.get(NUMBER)))
    return said[0] == said[1] and None not in said[0]


def _copy(src: Path, dest: Path) -> None:
    """Copy unless ``dest`` is already that file (as sphinx-gallery's writer
    copies its images, at write time)."""
    if (
        dest.is_file()
        and dest.stat().st_size == src.stat().st_size
        and dest.read_bytes() == src.read_bytes()
    ):
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)


def visit_figure_html(self, node) -> None:
    """HTML writer of sphinx-gallery's ``imgsgnode``: see the module's 2."""
    if not node.get("srcset"):
        self.visit_image(node)
        return
    srcdir = Path(self.builder.srcdir)
    outdir = Path(self.builder.outdir) / self.builder.imagedir
    imgpath = self.builder.imgpath.rstrip("/") + "/"
    light = {
        m: srcdir / p.lstrip("/") for m, p in _parse_srcset(node["srcset"]).items()
    }
    themes = {"light": light}
    if all(dark_path(p).is_file() for p in light.values()):
        themes["dark"] = {m: dark_path(p) for m, p in light.items()}
    facts = picture_facts(light[0])
    width, height = int(facts["width"]), int(facts["height"])
    style = f"width: {node['width']};" if node.get("width") else ""
    if MIN_TEXT in facts:
        shown = _px(node.get("width"), width)
        phone = legible_width(width, float(facts[MIN_TEXT]), shown)
        style += f" min-width: {phone}px;"
    classes = " ".join(node.get("class") or node.get("classes") or [])
    alt = html.escape(node.get("alt", ""), quote=True)
    self.body.append('<div class="potok-figure">')
    for theme, files in themes.items():
        for path in files.values():
            _copy(path, outdir / path.name)
        largest = files[max(files)]
        srcset = ", ".join(
            imgpath + p.name + (f" {m:g}x" if m else "")
            for m, p in sorted(files.items())
        )
        only = f" only-{theme}" if len(themes) > 1 else ""
        self.body.append(
            f'<a class="reference internal image-reference{only}" '
            f'href="{imgpath}{largest.name}" title="Открыть в полном размере">'
            f'<img src="{imgpath}{files[0].name}" srcset="{srcset}" alt="{alt}" '
            f'class="{classes}" width="{width}" height="{height}" '
            f'style="{style.strip()}" loading="lazy" decoding="async"/></a>'
        )
    self.body.append("</div>")


def _px(css_width, natural: int) -> float:
    """A CSS width in pixels (``560px``, or a bare number), else ``natural``."""
    m = re.fullmatch(r"\s*([\d.]+)\s*(px)?\s*", str(css_width or ""))
    return float(m.group(1)) if m else float(natural)


def depart_figure_html(self, node) -> None:
    pass


# --- 3. other pages: images of gallery pictures -----------------------------------


def dark_svg(path: Path) -> Path:
    """The dark twin of an SVG that matplotlib drew (a chapter's diagram):
    every colour in it through :func:`potok.plots.dark_hex`, as the gallery's
    figures are recoloured; written when missing or older than ``path``."""
    from potok import plots

    twin = dark_path(path)
    if twin.is_file() and twin.stat().st_mtime >= path.stat().st_mtime:
        return twin
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"#[0-9A-Fa-f]{6}\b", lambda m: plots.dark_hex(m.group(0)), text)
    twin.write_text(text, encoding="utf-8")
    return twin


class ThemedImages(SphinxTransform):
    """When a page is read: a gallery figure shown as an ordinary image becomes
    the gallery's figure node; any other image with a dark twin gets it."""

    default_priority = 400

    def apply(self, **kwargs) -> None:
        from sphinx_gallery.directives import imgsgnode

        env, docname = self.env, self.env.docname
        for node in list(self.document.findall(imgsgnode)):
            for path in _parse_srcset(node.get("srcset") or "").values():
                full = Path(env.srcdir) / path.lstrip("/")
                for f in (full, dark_path(full)):
                    if f.is_file():
                        env.note_dependency(str(f))
        for node in list(self.document.findall(nodes.image)):
            uri = node["uri"]
            if "://" in uri or uri.startswith("data:"):
                continue
            _rel, full = env.relfn2path(uri, docname)
            full = Path(full)
            if uri.endswith(".*"):  # the plot directive's, for builders not html
                continue
            if "plot_directive" in full.parts and full.suffix == ".svg":
                if not full.is_file():
                    continue
                dark_svg(full)  # a chapter's diagram, drawn as the page is read
            twin, uri_dark = dark_path(full), dark_path(uri)
            if not twin.is_file():
                continue
            if _FIGURE.search(full.as_posix()):
                node.replace_self(self._figure(node, full))
                continue
            shown = node.copy()
            shown["uri"] = uri_dark
            shown["classes"] = [*node["classes"], "only-dark"]
            node["classes"] = [*node["classes"], "only-light"]
            for n in (node, shown):
                n["loading"] = "lazy"
            node.parent.insert(node.parent.index(node) + 1, shown)

    def _figure(self, node, full: Path):
        """The gallery's figure node for an image of the figure at ``full``
        (its 1x or 2x file): both sizes in its srcset, as on its page."""
        from sphinx_gallery.directives import imgsgnode

        env = self.env
        base = full.with_name(_SRCSET_SUFFIX.sub("", full.stem) + full.suffix)
        files = {0: base}
        for hi in sorted(base.parent.glob(f"{base.stem}_*_*x{base.suffix}")):
            m = re.search(r"_(\d+)_(\d+)x$", hi.stem)
            if m:
                files[float(f"{m.group(1)}.{m.group(2)}")] = hi
        for f in files.values():
            for each in (f, dark_path(f)):
                env.note_dependency(str(each))
        src = Path(env.srcdir)
        new = imgsgnode()
        new["uri"] = "/" + base.relative_to(src).as_posix()
        new["srcset"] = ", ".join(
            "/" + f.relative_to(src).as_posix() + (f" {m:.2f}x" if m else "")
            for m, f in sorted(files.items())
        )
        new["alt"] = node.get("alt", "")
        new["class"] = list(node.get("classes", []))
        if "width" in node:
            new["width"] = node["width"]
        return new


def setup(app: Sphinx) -> None:
    """Called by the package's setup(): the writer and the transform."""
    from sphinx_gallery.directives import (
        depart_imgsg_latex,
        imgsgnode,
        visit_imgsg_latex,
    )

    app.add_node(
        imgsgnode,
        override=True,
        html=(visit_figure_html, depart_figure_html),
        latex=(visit_imgsg_latex, depart_imgsg_latex),
    )
    app.add_transform(ThemedImages)
