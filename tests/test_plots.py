from dataclasses import replace

import matplotlib

matplotlib.use("Agg")

from potok import machine, measure, plots


def test_timeline_draws_one_row_per_thread():
    tl = measure.Timeline(origin=0.0)
    tl.track("A").extend([0.0, 0.001, 0.002, 0.1, 0.101])
    tl.track("B").extend([0.01, 0.011, 0.012])
    _fig, ax = plots.figure()
    plots.timeline(ax, tl)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    assert len(ax.collections) == 2  # one broken_barh per thread
    assert ax.get_xlabel() == "время от старта, с"


def test_speedup_plots_series_and_ideal_line():
    _fig, ax = plots.figure()
    timings = {"процессы": [measure.Timing((1.0, 1.1)), measure.Timing((0.5, 0.6))]}
    plots.speedup(ax, [1, 2], timings, baseline=1.0)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sorted(labels) == sorted(["процессы", "идеал: ×N"])


def test_stamp_is_written_under_the_figure():
    fig, _ = plots.figure()
    stamp = machine.stamp()
    plots.stamp(fig, stamp)
    assert fig._supxlabel.get_text().replace("\n", " ") == str(stamp)


def test_stamp_fits_a_narrow_figure():
    fig, _ = plots.figure(width=5.6, height=4)
    long_python = ", ".join(["CPython 3.13.0 (с GIL)"] * 6)
    stamp = replace(machine.stamp(), python=long_python)
    plots.stamp(fig, stamp)
    fig.canvas.draw()
    text = fig._supxlabel.get_window_extent()
    assert text.x0 >= 0 and text.x1 <= fig.bbox.width, (text, fig.bbox)


def test_distributions_marks_medians_on_log_axis():
    _fig, ax = plots.figure()
    plots.distributions(ax, {"поток": [1e-4, 2e-4, 3e-4], "процесс": [1e-2, 3e-2]})
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["поток", "процесс"]


# --- sized for the column, and the dark variant --------------------------------------


def test_figure_is_at_most_the_column_wide_and_keeps_its_height():
    fig, _ = plots.figure(1, 2, width=10, height=4.6)
    assert tuple(fig.get_size_inches()) == (plots.COLUMN_WIDTH, 4.6)
    fig, _ = plots.figure(width=6, height=4)
    assert tuple(fig.get_size_inches()) == (6, 4)
    fig, _ = plots.figure()
    # at its natural size it fills furo's 736-pixel column exactly
    assert fig.get_figwidth() * plots.DPI == 736


def test_stamp_type_is_the_smallest_the_site_allows():
    fig, _ = plots.figure()
    plots.stamp(fig, machine.stamp())
    assert fig._supxlabel.get_fontsize() == plots.STAMP_PT >= plots.MIN_TEXT_PT
    # 8 points at 100 dpi are 11.1 pixels: at least 10 CSS px in the column
    assert plots.MIN_TEXT_PT * plots.DPI / 72 >= 10


def test_typeset_holds_any_figure_to_the_column_and_the_smallest_type():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(11, 4), layout="constrained")
    ax.plot([1, 2], [1, 2], label="ряд")
    ax.legend(fontsize=5)
    ax.set_title("Заголовок", fontsize=14)
    fig.canvas.draw()
    assert plots.smallest_text_pt(fig) == 5
    plots.typeset(fig)
    assert fig.get_figwidth() == plots.COLUMN_WIDTH
    assert plots.smallest_text_pt(fig) == plots.MIN_TEXT_PT
    assert ax.title.get_fontsize() == 14  # larger type is left as it is
    plt.close(fig)


def _contrast(a, b) -> float:
    def lum(c):
        lin = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a[:3]), lum(b[:3])), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_dark_colours_keep_the_series_and_turn_the_neutrals():
    from matplotlib.colors import to_rgba

    background = to_rgba(plots.DARK_BACKGROUND)
    assert plots.dark_hex("white") == plots.DARK_BACKGROUND
    for colour in plots.PALETTE:  # the series keep their colours (the prose names them)
        assert plots.dark_hex(colour) == colour.lower()
        assert _contrast(to_rgba(colour), background) >= 3
    for ink in ("black", "#444444", plots.REFERENCE):  # text, stamp, reference lines
        assert _contrast(plots.dark_color(ink), background) >= 4.5
    # a pale tint becomes a dark one of the same hue, a grey the opposite grey
    assert _contrast(plots.dark_color("#e0f0ff"), background) < 1.5
    assert plots.dark_color((0, 0, 0, 0.3))[3] == 0.3


def test_dark_recolours_the_figure_in_place():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    fig, ax = plots.figure(width=5, height=3)
    (line,) = ax.plot([1, 2], [1, 2], color=plots.PALETTE[0])
    ax.axhline(1, color=plots.REFERENCE)
    bars = ax.bar([1, 2], [3, 4], color=plots.PALETTE[1])
    on_bar = ax.text(1, 1.5, "×1.5", ha="center", fontsize=14)
    ax.set_title("Заголовок")
    plots.dark(fig)
    assert to_hex(fig.get_facecolor()) == plots.DARK_BACKGROUND
    assert to_hex(ax.get_facecolor()) == plots.DARK_BACKGROUND
    assert to_hex(line.get_color()) == plots.PALETTE[0].lower()
    assert to_hex(bars.patches[0].get_facecolor()) == plots.PALETTE[1].lower()
    assert to_hex(ax.title.get_color()) == plots.dark_hex("black")
    # a value written on its bar keeps its ink: the bar keeps its colour too
    assert to_hex(on_bar.get_color()) == "#000000"
    plt.close(fig)


def test_key_panel_is_the_first_that_draws_data():
    import matplotlib.pyplot as plt

    fig, (legend_only, data) = plots.figure(1, 2)
    legend_only.set_axis_off()
    data.plot([1, 2], [3, 4])
    assert plots.key_panel(fig) is data
    plt.close(fig)
