"""The chapters' diagrams, drawn with matplotlib (no system program needed).

Each function draws one diagram onto a new figure and returns it; the chapters
embed them with matplotlib's ``plot`` directive (conf.py puts ``docs/_ext`` on
the path)::

    from potok_sphinx import drawings
    drawings.cpu()

They are the site's, not the reader's toolkit (:mod:`potok`): no example uses
them. :mod:`.diagrams` makes a page with a diagram follow this code.

The layout is in inches (one unit of the axes is one inch of the figure), so
sizes of boxes, gaps and type can be read off the code directly. Colours are the
site's Okabe–Ito palette; the background is white, as on the gallery figures.
"""

from __future__ import annotations

from itertools import pairwise

import matplotlib.pyplot as plt
from matplotlib.colors import to_hex, to_rgb
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from potok.plots import PALETTE, REFERENCE, STYLE

BLUE, ORANGE, GREEN, VERMILLION = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[5]
INK = "#222222"  # text and arrows
GREY = "#eeeeee"  # waiting, outside the processor
FONT = "DejaVu Sans"
SIZE = 10  # points: the gallery figures' type size


def _tint(color: str, amount: float) -> str:
    """``color`` mixed with white: 0 is white, 1 the colour itself."""
    return to_hex([1 - amount * (1 - c) for c in to_rgb(color)])


def _shade(color: str, amount: float) -> str:
    """``color`` mixed with black: text in that hue that still reads on white."""
    return to_hex([c * (1 - amount) for c in to_rgb(color)])


def _canvas(width: float, height: float):
    """A white figure ``width`` x ``height`` inches; axes units are inches."""
    plt.rcParams.update(STYLE)
    fig = plt.figure(figsize=(width, height), facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def _text(ax, x, y, s, *, size=SIZE, color=INK, weight="normal", **kw):
    kw.setdefault("ha", "center")
    kw.setdefault("va", "center")
    return ax.text(
        x, y, s, fontsize=size, color=color, fontweight=weight, family=FONT, **kw
    )


def _box(
    ax,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str = "",
    *,
    fill: str = "white",
    edge: str = INK,
    lw: float = 1.0,
    radius: float = 0.08,
    size: float = SIZE,
    ls: str = "-",
    z: float = 2,
):
    """A rounded box with its lower left corner at (x, y), text in its centre."""
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle=f"round,pad=0,rounding_size={radius}",
            facecolor=fill,
            edgecolor=edge,
            linewidth=lw,
            linestyle=ls,
            zorder=z,
        )
    )
    if text:
        _text(ax, x + w / 2, y + h / 2, text, size=size, zorder=z + 0.5)


def _slab(ax, x, y, w, h, text, *, fill=GREY, depth=0.07):
    """A box with depth (a device outside the processor): graphviz's box3d."""
    back = FancyBboxPatch(
        (x + depth, y + depth), w, h, boxstyle="square,pad=0",
        facecolor=_tint(REFERENCE, 0.35), edgecolor=INK, linewidth=1.0, zorder=1.5,
    )  # fmt: skip
    ax.add_patch(back)
    _box(ax, x, y, w, h, text, fill=fill, radius=0.0)


def _arrow(
    ax,
    start,
    end,
    *,
    both: bool = False,
    color: str = INK,
    ls: str = "-",
    lw: float = 1.2,
    rad: float = 0.0,
):
    """An arrow from ``start`` to ``end`` (points in inches); ``both``: two heads."""
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="<|-|>" if both else "-|>",
            mutation_scale=11,
            color=color,
            linewidth=lw,
            linestyle=ls,
            shrinkA=1,
            shrinkB=1,
            connectionstyle=f"arc3,rad={rad}",
            zorder=3,
        )
    )


# --- 1. the processor -------------------------------------------------------------


def cpu():
    """Two cores (control unit, ALU, registers, L1, L2), shared L3, memory, I/O."""
    W, H = 8.0, 6.7
    fig, ax = _canvas(W, H)
    l1_fill, l2_fill, l3_fill = (_tint(ORANGE, a) for a in (0.18, 0.35, 0.55))
    # rows from the bottom up: lower edge and height of each, in inches
    slab_y, slab_h = 0.15, 0.45  # memory and devices, outside the package
    ctl_y, ctl_h = 1.1, 0.5  # the controllers
    l3_y, l3_h = 1.95, 0.4
    core_y = 2.75  # the cores' lower edge
    l2_y, l2_h = core_y + 0.15, 0.38
    l1_y, l1_h = l2_y + l2_h + 0.32, 0.42
    reg_y, reg_h = l1_y + l1_h + 0.35, 0.42
    cu_y, cu_h = reg_y + reg_h + 0.35, 0.55
    core_top = cu_y + cu_h + 0.5

    # the package: everything above the memory and the devices
    _box(ax, 0.1, 0.9, W - 0.2, H - 1.0, edge=REFERENCE, lw=1.2, radius=0.15, z=0)
    _text(ax, W / 2, H - 0.28, "Процессор: один корпус, один сокет", weight="bold")

    core_w, pad, bw = 3.6, 0.2, 1.45
    for n, x0 in enumerate((0.3, W - 0.3 - core_w)):
        _box(ax, x0, core_y, core_w, core_top - core_y, fill=_tint(BLUE, 0.1),
             edge=BLUE, lw=1.4, radius=0.12, z=1)  # fmt: skip
        _text(ax, x0 + core_w / 2, core_top - 0.25, f"Ядро {n}", weight="bold",
              color=_shade(BLUE, 0.15))  # fmt: skip
        left, right = x0 + pad, x0 + core_w - pad - bw
        wide = core_w - 2 * pad
        _box(ax, left, cu_y, bw, cu_h, "Устройство\nуправления")
        _box(ax, right, cu_y, bw, cu_h, "АЛУ")
        _box(ax, right, reg_y, bw, reg_h, "Регистры")
        _box(ax, left, l1_y, wide, l1_h, fill=l1_fill)  # L1: instructions | data
        ax.plot([left + wide / 2] * 2, [l1_y, l1_y + l1_h], color=INK, lw=1, zorder=3)
        _text(ax, left + bw / 2, l1_y + l1_h / 2, "L1 команд", zorder=3)
        _text(ax, right + bw / 2, l1_y + l1_h / 2, "L1 данных", zorder=3)
        _box(ax, left, l2_y, wide, l2_h, "L2", fill=l2_fill)

        lx, rx, mid = left + bw / 2, right + bw / 2, x0 + core_w / 2
        _arrow(ax, (left + bw, cu_y + cu_h / 2), (right, cu_y + cu_h / 2))  # CU->ALU
        _arrow(ax, (rx, cu_y), (rx, reg_y + reg_h), both=True)  # ALU <-> registers
        _arrow(ax, (rx, reg_y), (rx, l1_y + l1_h), both=True)  # registers <-> L1d
        _arrow(ax, (lx, l1_y + l1_h), (lx, cu_y))  # instructions: L1i -> CU
        _arrow(ax, (mid, l2_y + l2_h), (mid, l1_y), both=True)  # L1 <-> L2
        _arrow(ax, (mid, l2_y), (mid, l3_y + l3_h), both=True)  # L2 <-> L3

    # shared L3, then the controllers under it
    _box(ax, 0.3, l3_y, W - 0.6, l3_h, "L3 — общий для всех ядер", fill=l3_fill)
    cw = 2.6
    for x, label, outside in (
        (0.9, "Контроллер памяти", "Оперативная память"),
        (W - 0.9 - cw, "Контроллер\nввода-вывода (PCIe)", "Диски, сеть, видеокарта"),
    ):
        _box(ax, x, ctl_y, cw, ctl_h, label)
        _slab(ax, x, slab_y, cw, slab_h, outside)
        _arrow(ax, (x + cw / 2, l3_y), (x + cw / 2, ctl_y + ctl_h), both=True)
        _arrow(ax, (x + cw / 2, ctl_y), (x + cw / 2, slab_y + slab_h + 0.07), both=True)
    return fig


# --- 3. threads of a program onto threads of the kernel ---------------------------


def thread_models():
    """The 1:1, M:1 and M:N models: program threads (П) onto kernel threads (Я)."""
    W, H = 8.0, 3.75
    fig, ax = _canvas(W, H)
    kernel_fill = _tint(ORANGE, 0.45)
    r, kw, kh = 0.2, 0.5, 0.36  # circle radius; kernel thread box
    top_y, bottom_y = 2.15, 1.0  # centres of the two rows
    panels = [
        ("1:1", "Linux (NPTL), Windows, macOS", BLUE, 3,
         [(0, 0), (1, 1), (2, 2)], [], 3),
        ("M:1", "GNU Pth (до 2006), greenlet", GREEN, 3,
         [(0, 0), (1, 0), (2, 0)], [], 1),
        ("M:N", "Solaris до 8-й версии;\nGo, Erlang, Java 21", VERMILLION, 4,
         [(0, 0), (1, 0), (2, 1), (3, 1)], [(1, 1), (2, 0)], 2),
    ]  # fmt: skip
    widths = [2.3, 2.3, 2.9]
    gap = (W - 0.2 - sum(widths)) / 2
    x0 = 0.1
    for (name, systems, color, n_user, edges, moves, n_kernel), pw in zip(
        panels, widths, strict=True
    ):
        _box(ax, x0, 0.62, pw, H - 0.72, edge=color, lw=1.4, radius=0.12, z=0)
        cx = x0 + pw / 2
        _text(ax, cx, H - 0.3, name, size=12, weight="bold", color=_shade(color, 0.2))
        _text(ax, cx, H - 0.5, systems, size=9, va="top")

        step = pw / n_user
        user = [x0 + step * (i + 0.5) for i in range(n_user)]
        kernel = [x0 + pw / n_kernel * (i + 0.5) for i in range(n_kernel)]
        for i, x in enumerate(user):
            ax.add_patch(
                plt.Circle((x, top_y), r, facecolor=_tint(color, 0.15),
                           edgecolor=INK, linewidth=1.0, zorder=2)
            )  # fmt: skip
            _text(ax, x, top_y, f"П{i + 1}", zorder=3)
        for i, x in enumerate(kernel):
            _box(ax, x - kw / 2, bottom_y - kh / 2, kw, kh, f"Я{i + 1}",
                 fill=kernel_fill, radius=0.04)  # fmt: skip
        for (u, k), ls in [*((e, "-") for e in edges), *((m, "--") for m in moves)]:
            dx = kernel[k] - user[u]
            # start on the circle's rim, end on the box's top edge
            dist = (dx**2 + (top_y - bottom_y) ** 2) ** 0.5
            sx = user[u] + r * dx / dist
            sy = top_y - r * (top_y - bottom_y) / dist
            # shifted towards its circle: arrows into one box do not meet in a point
            ex = kernel[k] - min(kw / 2 - 0.06, abs(dx) * 0.12) * (1 if dx > 0 else -1)
            _arrow(ax, (sx, sy), (ex, bottom_y + kh / 2), ls=ls,
                   color=INK if ls == "-" else _shade(color, 0.2))  # fmt: skip
        x0 += pw + gap

    _text(
        ax,
        W / 2,
        0.3,
        "П — поток программы, Я — поток ядра;\nпунктир: среда выполнения "
        "может перенести поток на другой поток ядра",
        size=9,
    )
    return fig


# --- 4. the GIL passed between two threads ----------------------------------------


def gil_handoff():
    """Thread A holds the GIL; B waits, asks; A drops it at a check; B takes it."""
    W, H = 8.0, 2.5
    fig, ax = _canvas(W, H)
    a_text, b_text = _shade(BLUE, 0.1), _shade(VERMILLION, 0.2)
    bw, bh = 1.85, 0.62
    cols = [1.15, 3.55, 5.95]  # left edges of the three steps
    ya, yb = 1.65, 0.25  # lower edges of the two rows
    _text(ax, 0.1, ya + bh / 2, "Поток A", ha="left", weight="bold", color=a_text)
    _text(ax, 0.1, yb + bh / 2, "Поток B", ha="left", weight="bold", color=b_text)
    a_steps = [
        ("держит GIL,\nвыполняет байт-код", _tint(BLUE, 0.2)),
        ("в точке проверки\nотпускает GIL", "white"),
        ("ждёт GIL", GREY),
    ]
    b_steps = [
        ("ждёт GIL\n(до 5 мс)", GREY),
        ("не дождался:\nпросит отдать GIL", "white"),
        ("берёт GIL,\nвыполняет байт-код", _tint(VERMILLION, 0.25)),
    ]
    for y, steps, color in ((ya, a_steps, BLUE), (yb, b_steps, VERMILLION)):
        for x, (label, fill) in zip(cols, steps, strict=True):
            _box(ax, x, y, bw, bh, label, fill=fill, edge=color, lw=1.2)
        for x, nxt in pairwise(cols):
            _arrow(ax, (x + bw, y + bh / 2), (nxt, y + bh / 2), color=color)

    # B's request reaches A; A hands the GIL to B's next step
    req_x = cols[1] + 0.45
    _arrow(ax, (req_x, yb + bh), (req_x, ya), color=VERMILLION, ls="--")
    _text(ax, req_x - 0.08, (yb + bh + ya) / 2, "запрос", ha="right",
          color=b_text, size=9)  # fmt: skip
    _arrow(ax, (cols[1] + bw - 0.3, ya), (cols[2] + 0.3, yb + bh), color=BLUE)
    _text(ax, (cols[1] + bw + cols[2]) / 2 + 0.12, (yb + bh + ya) / 2 + 0.05, "GIL",
          ha="left", color=a_text, size=9, weight="bold")  # fmt: skip
    return fig
