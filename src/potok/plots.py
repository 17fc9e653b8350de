"""The site's few kinds of chart, in one style.

Colours are the Okabe–Ito palette (distinguishable with the common kinds of colour
blindness); figures keep a white background so they stay readable in furo's dark
mode; every figure that shows a measurement carries the machine stamp.
"""

from __future__ import annotations

import statistics
import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt

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
    "figure.dpi": 100,
}


def figure(nrows: int = 1, ncols: int = 1, *, width: float = 8, height: float = 4.5):
    """A new figure and axes in the site's style, laid out for the stamp."""
    plt.rcParams.update(STYLE)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width, height), layout="constrained"
    )
    return fig, axes


#: characters of the stamp's 7-point type that fit in an inch of figure width
STAMP_CHARS_PER_INCH = 17


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
    fig.supxlabel(wrapped, fontsize=7, color="#444444", ha="center")


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
