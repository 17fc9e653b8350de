"""Every example's thumbnail, chosen and drawn again on every build.

sphinx-gallery makes a thumbnail when an example runs: the whole first figure
shrunk to 400 x 280 (no text of it readable), or its placeholder logo when
there is no figure; and an example that stops drawing a figure (or is not
run) keeps the thumbnail of an older run, as its "broken" thumbnail sticks
(sphinx-gallery issue #1051: ``save_thumbnail`` keeps any thumbnail file
already there). It has no dark thumbnails (issue #1109).

Here, after sphinx-gallery and on every build, each example's thumbnail is
made again from what its page shows now, light and dark
(``thumb/sphx_glr_<stem>_thumb.png`` and ``…_thumb_dark.png``):

- the figure sphinx-gallery's ``sphinx_gallery_thumbnail_number`` names in the
  script (the first by default; a negative one counts from the last), cut to
  its **key panel** (:func:`potok.plots.key_panel`: the first axes that draws
  data), which the scraper saved from the same figure object
  (:mod:`.figures`);
- ``sphinx_gallery_thumbnail_path``, if the script names one;
- an example whose page shows no figure gets a **card** drawn here: a terminal
  with the marks of the verdicts its run record holds (✔ / ✘), or, if it was
  not run here, the word why.

A thumbnail file is written only when its bytes change, so a page that shows
an unchanged thumbnail is not read again. Each says in its PNG text chunks
what it was made from (``potok:thumbnail``) and, for a figure, which run drew
that figure (``potok:run``), as the figure itself does.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from . import figures, gallery

logger = logging.getLogger(__name__)

KIND = "potok:thumbnail"


def thumbnail_of(out: Path, section: str, stem: str) -> Path:
    """Where sphinx-gallery's index pages look for the thumbnail of an example."""
    return out / section / "images" / "thumb" / f"sphx_glr_{stem}_thumb.png"


def shown_figures(page: Path, stem: str) -> list[Path]:
    """The figures (1x, light) the example's generated page shows, in order, as
    paths from the docs folder."""
    text = page.read_text(encoding="utf-8", errors="replace")
    found = re.findall(
        rf"image-sg:: /?((?:[\w.-]+/)*images/sphx_glr_{re.escape(stem)}_\d{{3}}\.png)",
        text,
    )
    return [Path(p) for p in found]


def chosen(script: Path, count: int) -> tuple[int | None, str | None]:
    """The figure number (1-based) or the picture path the script chooses for
    its thumbnail (sphinx-gallery's file settings), or ``(None, None)``."""
    from sphinx_gallery.py_source_parser import extract_file_config

    try:
        conf = extract_file_config(script.read_text(encoding="utf-8"))
    except OSError:
        conf = {}
    number, path = conf.get("thumbnail_number"), conf.get("thumbnail_path")
    if number is None and path is not None:
        return None, str(path)
    number = 1 if number is None else int(number)
    if number < 0:
        number += count + 1
    return (number if 1 <= number <= count else None), None


def _fit(picture, size: tuple[int, int]):
    """``picture`` scaled to fit ``size`` and centred on its own background
    (the colour of its corner), so the thumbnail is one even rectangle."""
    from PIL import Image

    picture = picture.convert("RGB")
    width, height = size
    scale = min(width / picture.width, height / picture.height)
    scaled = picture.resize(
        (max(1, round(picture.width * scale)), max(1, round(picture.height * scale))),
        Image.Resampling.LANCZOS,
    )
    canvas = Image.new("RGB", size, picture.getpixel((0, 0)))
    canvas.paste(scaled, ((width - scaled.width) // 2, (height - scaled.height) // 2))
    return canvas


def _png(picture, facts: dict[str, str]) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for key, value in facts.items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", pnginfo=info, optimize=True)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> bool:
    """Write ``data`` unless the file already holds it; whether it was written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def from_pictures(light: Path, dark: Path, kind: str, size) -> dict[str, bytes]:
    """The light and dark thumbnails cut from two pictures of one figure."""
    from PIL import Image

    made = {}
    for theme, source in (("light", light), ("dark", dark)):
        with Image.open(source) as picture:
            facts = {k: str(v) for k, v in getattr(picture, "text", {}).items()}
            facts = {k: v for k, v in facts.items() if k.startswith("potok:")}
            facts.pop(figures.MIN_TEXT, None)
            made[theme] = _png(_fit(picture, size), {**facts, KIND: kind})
    return made


def card(script: str, record, why_not: str | None, size) -> dict[str, bytes]:
    """The card of an example that shows no figure: a terminal window running
    ``script`` with the marks of its run's verdicts (``record``), or why it was
    not run here; light and dark."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyBboxPatch

    from potok import plots

    width, height = size[0] / plots.DPI, size[1] / plots.DPI
    plt.rcParams.update(plots.STYLE)
    fig = plt.figure(figsize=(width, height), facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    m = 0.28  # margin, inches
    ax.add_patch(
        FancyBboxPatch(
            (m, m),
            width - 2 * m,
            height - 2 * m,
            boxstyle="round,pad=0,rounding_size=0.12",
            facecolor="#f4f4f4",
            edgecolor="#3a3a3a",
            linewidth=1.2,
        )
    )
    bar = height - m - 0.3
    ax.plot([m, width - m], [bar, bar], color="#3a3a3a", linewidth=1.2)
    for i in range(3):
        ax.add_patch(Circle((m + 0.22 + i * 0.2, bar + 0.15), 0.055, color="#3a3a3a"))
    left, top, step = m + 0.22, bar - 0.32, 0.36
    ax.text(left, top, "›_", fontsize=20, fontweight="bold", color="#222222",
            va="center", family="DejaVu Sans Mono")  # fmt: skip
    command = f"python {script}"
    room = (width - m - 0.15 - left - 0.42) * 72  # points; a mono glyph: 0.6 em + room
    ax.text(left + 0.42, top, command, fontsize=min(12, room / (0.66 * len(command))),
            color="#555555", va="center", family="DejaVu Sans Mono")  # fmt: skip
    claims = list(record.claims) if record is not None else []
    if why_not or not claims:
        note = "не выполнялся здесь" if why_not else "вывод без графика"
        ax.text(left, top - step, note, fontsize=15, color="#555555", va="center")
    for i, claim in enumerate(claims[:4]):
        y = top - (i + 1) * step
        ok = bool(claim.get("confirmed"))
        ax.text(left, y, "✔" if ok else "✘", fontsize=19, va="center",
                color=plots.PALETTE[2] if ok else plots.PALETTE[5])  # fmt: skip
        length = min(width - 2 * m - 0.9, 0.9 + len(claim.get("text", "")) / 40)
        ax.plot([left + 0.4, left + 0.4 + length], [y, y], color="#3a3a3a",
                linewidth=7, solid_capstyle="round")  # fmt: skip
    made = {}
    for theme in ("light", "dark"):
        if theme == "dark":
            plots.dark(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=plots.DPI, facecolor=fig.get_facecolor())
        from PIL import Image

        with Image.open(io.BytesIO(buffer.getvalue())) as picture:
            made[theme] = _png(picture, {KIND: "card", figures.THEME: theme})
    plt.close(fig)
    return made


def make_all(app: Sphinx) -> None:
    """builder-inited, after sphinx-gallery: every example's thumbnail, light
    and dark, from what its page shows now (see the module's docstring)."""
    size = tuple(app.config.sphinx_gallery_conf["thumbnail_size"])
    state = app.potok  # type: ignore[attr-defined]
    docs = Path(app.srcdir)
    written = 0
    for src, out in gallery.gallery_dirs(app):
        for script in sorted(src.glob("*/plot_*.py")):
            section, stem = script.parent.name, script.stem
            page = out / section / f"{stem}.rst"
            if not page.is_file():
                continue
            shown = [docs / p for p in shown_figures(page, stem)]
            number, path = chosen(script, len(shown))
            if path is not None and (docs / path.lstrip("/")).is_file():
                light = docs / path.lstrip("/")
                dark = figures.dark_path(light)
                made = from_pictures(
                    light, dark if dark.is_file() else light, "path", size
                )
            elif number is not None and shown[number - 1].is_file():
                figure = shown[number - 1]
                panel = figures.panel_path(figure)
                if panel.is_file() and figures.dark_path(panel).is_file():
                    light, kind = panel, "panel"
                else:
                    light, kind = figure, "figure"
                dark = figures.dark_path(light)
                made = from_pictures(
                    light, dark if dark.is_file() else light, kind, size
                )
            else:
                why_not = state.skipped.get(script.as_posix())
                record = gallery.read_run(out, f"{section}/{stem}.py")
                made = card(script.name, record, why_not, size)
            thumb = thumbnail_of(out, section, stem)
            written += _write(thumb, made["light"])
            written += _write(figures.dark_path(thumb), made["dark"])
    if written:
        logger.info(f"potok_sphinx.thumbnails: {written} thumbnails drawn again")
