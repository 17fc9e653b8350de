"""The site's few kinds of chart, in one style.

Colours are the Okabe–Ito palette (distinguishable with the common kinds of colour
blindness); every figure that shows a measurement carries the machine stamp.

Figures are sized and typeset for the column they land in: furo's content column
is 736 CSS pixels wide, so a figure is at most :data:`COLUMN_WIDTH` inches at
:data:`DPI` (shown at its natural size there) and no text on it is smaller than
:data:`MIN_TEXT_PT` points, which comes out at 11 CSS pixels or more.
:func:`typeset` holds any figure to that; :func:`dark` redraws one for a dark
page (the site shows it in furo's dark theme) and :func:`key_panel` picks the
panel a thumbnail shows.
"""

from __future__ import annotations

import colorsys
import statistics
import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.colors import to_hex, to_rgba

from potok.machine import Stamp
from potok.machine import stamp as machine_stamp
from potok.measure import Timeline, Timing

#: Okabe & Ito (2008), "Color Universal Design"; black is left out on purpose.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
)
REFERENCE = "#555555"  # ideal lines, sequential baselines

#: Resolution of a figure at its natural size (the site also saves it at 2x).
DPI = 100
#: Inches: furo's content column, 736 CSS pixels at 1280 px and wider, at DPI.
COLUMN_WIDTH = 7.36
#: Points: the smallest type on a figure, 8 pt x 100 dpi / 72 = 11.1 px at its
#: natural size (the site asks for 10 CSS px at least).
MIN_TEXT_PT = 8
#: Points: the machine stamp's type.
STAMP_PT = 8
#: furo's page background in its dark theme (--color-background-primary), which
#: a figure's white becomes in :func:`dark`.
DARK_BACKGROUND = "#131416"

STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.prop_cycle": plt.cycler(color=PALETTE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
}


def figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    width: float = COLUMN_WIDTH,
    height: float = 4.5,
):
    """A new figure and axes in the site's style, laid out for the stamp.

    ``width`` is at most the column's (:data:`COLUMN_WIDTH`): a wider figure
    would be shrunk to fit it, and its text with it, so a wider one keeps its
    height and its panels get narrower instead.
    """
    plt.rcParams.update(STYLE)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(min(width, COLUMN_WIDTH), height), layout="constrained"
    )
    return fig, axes


#: characters of the stamp's type that fit in an inch of figure width (DejaVu
#: Sans averages about 0.6 em a character, Cyrillic included)
STAMP_CHARS_PER_INCH = int(72 / (STAMP_PT * 0.6))


def stamp(fig, info: Stamp | None = None) -> None:
    """Write the machine stamp under the figure, in small grey type, in lines
    no wider than the figure (at most 120 characters). ``info``: the stamp of
    the interpreter that measured what the figure shows, when that is not this
    one. The run's record notes which stamp each figure carries."""
    from potok import records

    info = info or machine_stamp()
    records.current().add_figure(info)
    text = str(info)
    width = min(120, int(fig.get_figwidth() * STAMP_CHARS_PER_INCH))
    wrapped = "\n".join(textwrap.wrap(text, width))
    fig.supxlabel(wrapped, fontsize=STAMP_PT, color="#444444", ha="center")


def timeline(ax, tl: Timeline, *, gap: float | None = None) -> None:
    """One row per thread, a bar wherever that thread was doing work."""
    spans = tl.spans(gap)
    labels = list(spans)
    for row, label in enumerate(labels):
        bars = [(a, max(b - a, 1e-5)) for a, b in spans[label]]
        ax.broken_barh(bars, (row - 0.35, 0.7), color=PALETTE[row % len(PALETTE)])
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.set_xlabel("время от старта, с")
    ax.grid(axis="y", visible=False)


def medians(ax, x: Sequence, timings: Sequence[Timing], *, per: float = 1.0, **kw):
    """Each timing's median at its ``x``, with a bar from its min to its max:
    how every measured value is drawn on this site. ``per`` divides the seconds
    (per item, per call); ``kw`` goes to matplotlib's ``Axes.errorbar``
    (``label=``, ``color=``). Returns the line it drew."""
    med = [t.median / per for t in timings]
    lo = [m - t.min / per for m, t in zip(med, timings, strict=True)]
    hi = [t.max / per - m for m, t in zip(med, timings, strict=True)]
    kw.setdefault("marker", "o")
    kw.setdefault("capsize", 3)
    return ax.errorbar(list(x), med, yerr=[lo, hi], **kw)


def speedup(
    ax,
    workers: Sequence[int],
    timings: Mapping[str, Sequence[Timing]],
    *,
    baseline: float,
    ideal: bool = True,
) -> None:
    """Speedup over ``baseline`` seconds vs number of workers, with min–max bars.

    The speedup of a timing is ``baseline / median``; its bar spans
    ``baseline / max`` to ``baseline / min``.
    """
    for label, series in timings.items():
        med = [baseline / t.median for t in series]
        lo = [m - baseline / t.max for m, t in zip(med, series, strict=False)]
        hi = [baseline / t.min - m for m, t in zip(med, series, strict=False)]
        ax.errorbar(workers, med, yerr=[lo, hi], marker="o", capsize=3, label=label)
    if ideal:
        ax.plot(workers, workers, linestyle="--", color=REFERENCE, label="идеал: ×N")
    ax.axhline(1, color=REFERENCE, linewidth=0.8)
    ax.set_xticks(list(workers))
    ax.set_xlabel("число исполнителей")
    ax.set_ylabel("ускорение, раз")
    ax.legend()


def distributions(
    ax, samples: Mapping[str, Sequence[float]], *, log: bool = True, unit: str = "с"
) -> None:
    """One strip of points per label with its median marked; log scale by default."""
    for row, (_label, values) in enumerate(samples.items()):
        color = PALETTE[row % len(PALETTE)]
        n = len(values)
        jitter = [row + 0.25 * ((i % 7) / 6 - 0.5) for i in range(n)]
        ax.scatter(values, jitter, s=10, alpha=0.6, color=color)
        med = statistics.median(values)
        ax.plot([med, med], [row - 0.3, row + 0.3], color="black", linewidth=2)
    ax.set_yticks(range(len(samples)), list(samples))
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(f"время, {unit} (чёрная черта — медиана)")
    ax.grid(axis="y", visible=False)


# --- fitting a figure to the page, and its dark variant ------------------------------


def _texts(fig):
    """Every text on ``fig`` that is drawn: visible and not empty."""
    from matplotlib.text import Text

    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and _shown(t)
    ]


def _shown(artist) -> bool:
    """Whether ``artist`` and the axes, legend or figure it sits in are visible
    (a hidden axes keeps its tick labels visible)."""
    axes = artist.axes
    return axes is None or axes.get_visible()


def smallest_text_pt(fig) -> float:
    """The size in points of the smallest text drawn on ``fig``."""
    sizes = [t.get_fontsize() for t in _texts(fig)]
    return min(sizes) if sizes else float("inf")


def typeset(fig) -> None:
    """Hold any figure to the column: no wider than :data:`COLUMN_WIDTH` (its
    height kept) and no text under :data:`MIN_TEXT_PT` points.

    :func:`figure` already makes figures so; this catches one made otherwise, or
    a label an example set in smaller type. Constrained layout, if the figure
    uses it, makes room for the larger type when the figure is drawn next.
    """
    width, height = fig.get_size_inches()
    if width > COLUMN_WIDTH:
        fig.set_size_inches(COLUMN_WIDTH, height)
    for text in _texts(fig):
        if text.get_fontsize() < MIN_TEXT_PT:
            text.set_fontsize(MIN_TEXT_PT)
    fig.set_dpi(DPI)


def key_panel(fig):
    """The panel a thumbnail shows: the first axes that draws data (lines,
    bars, points, images), else the first axes, else ``None``."""
    axes = [ax for ax in fig.axes if ax.get_visible()]
    for ax in axes:
        if ax.lines or ax.collections or ax.patches or ax.images:
            return ax
    return axes[0] if axes else None


def _on_data_colours(fig) -> list:
    """The texts of ``fig`` drawn on a colour :func:`dark_color` keeps (a
    series' colour), read from the figure drawn as it is: the colour that
    covers most of a text's box, its own ink aside."""
    import numpy as np

    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)
    height, width = pixels.shape[:2]
    renderer = fig.canvas.get_renderer()
    found = []
    for text in _texts(fig):
        box = text.get_window_extent(renderer)
        x0, x1 = max(int(box.x0), 0), min(int(box.x1) + 1, width)
        y0, y1 = max(height - int(box.y1) - 1, 0), min(height - int(box.y0), height)
        if x1 <= x0 or y1 <= y0:
            continue
        region = pixels[y0:y1, x0:x1].reshape(-1, 3)
        ink = np.array(to_rgba(text.get_color())[:3]) * 255
        region = region[np.abs(region - ink).sum(axis=1) > 90]
        if not len(region):
            continue
        colours, counts = np.unique(region // 16, axis=0, return_counts=True)
        behind = (colours[counts.argmax()] * 16 + 8) / 255
        if np.allclose(dark_color(behind)[:3], behind, atol=1e-3):
            found.append(text)
    return found


#: HLS lightness of furo's dark background, and of the ink black becomes on it
_DARK_L = colorsys.rgb_to_hls(*to_rgba(DARK_BACKGROUND)[:3])[1]
_INK_L = 0.85


def dark_color(color) -> tuple[float, float, float, float]:
    """``color`` as the dark variant of a figure draws it.

    Data colours (saturated, of middle lightness: the Okabe–Ito palette) stay
    as they are, so a figure's series keep their colours and the prose its
    colour words; they reach 3:1 against the dark background. Neutral colours,
    tints and shades turn over in lightness, keeping their hue: white becomes
    the page's dark background, black a light ink, grey the grey opposite, a
    pale tint a dark one. Transparency is kept.
    """
    r, g, b, a = to_rgba(color)
    if (r, g, b) == (1.0, 1.0, 1.0):
        return (*to_rgba(DARK_BACKGROUND)[:3], a)
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)
    if sat < 0.25 or light > 0.75 or light < 0.3:
        light = _INK_L - (_INK_L - _DARK_L) * light
    return (*colorsys.hls_to_rgb(hue, light, sat), a)


def dark_hex(color: str) -> str:
    """:func:`dark_color` of ``color`` as ``#rrggbb`` (for SVG files)."""
    return to_hex(dark_color(color))


def dark(fig) -> None:
    """Redraw ``fig`` in place for a dark page: the same artists and data, every
    colour through :func:`dark_color` (matplotlib keeps colours per artist, so
    the figure just drawn for a light page is recoloured, not drawn again).
    Colours that a colormap gives from data are left alone, and so is the colour
    of a text drawn on a data colour (a value written on its bar), which keeps
    its colour in the dark variant too."""
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    # each artist once (a colour turned twice turns back); texts on data colours
    done: set[int] = {id(t) for t in _on_data_colours(fig)}

    def patch(p):
        if id(p) not in done:
            done.add(id(p))
            p.set_facecolor(dark_color(p.get_facecolor()))
            p.set_edgecolor(dark_color(p.get_edgecolor()))

    for artist in fig.findobj():
        if isinstance(artist, Patch):
            patch(artist)
            continue
        if id(artist) in done:
            continue
        done.add(id(artist))
        if isinstance(artist, Text):
            artist.set_color(dark_color(artist.get_color()))
            for box in (artist.get_bbox_patch(), getattr(artist, "arrow_patch", None)):
                if box is not None:
                    patch(box)
        elif isinstance(artist, Line2D):
            colors = {
                "color": artist.get_color(),
                "markerfacecolor": artist.get_markerfacecolor(),
                "markeredgecolor": artist.get_markeredgecolor(),
                "markerfacecoloralt": artist.get_markerfacecoloralt(),
            }
            artist.set(
                **{
                    k: dark_color(v)
                    for k, v in colors.items()
                    if v is not None and not (isinstance(v, str) and v == "none")
                }
            )
        elif isinstance(artist, Collection):
            if artist.get_array() is None:
                faces = artist.get_facecolor()
                if len(faces):
                    artist.set_facecolor([dark_color(c) for c in faces])
            edges = artist.get_edgecolor()
            if len(edges):
                artist.set_edgecolor([dark_color(c) for c in edges])
