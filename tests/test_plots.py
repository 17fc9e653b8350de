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
