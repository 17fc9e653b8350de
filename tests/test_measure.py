import multiprocessing
import os
import platform
import threading
import time

import pytest

from potok import machine, measure, start_methods


def test_repeat_runs_warmup_then_repeats():
    calls = []
    timing = measure.repeat(lambda: calls.append(1), repeats=4, warmup=2)
    assert len(calls) == 6
    assert len(timing.samples) == 4
    assert timing.min <= timing.median <= timing.max


def test_repeat_measures_elapsed_time():
    timing = measure.repeat(lambda: time.sleep(0.01), repeats=3, warmup=0)
    assert timing.min >= 0.01


def test_repeat_rejects_zero_repeats():
    with pytest.raises(ValueError):
        measure.repeat(lambda: None, repeats=0)


def test_timing_summary_is_russian_and_has_spread():
    text = str(measure.Timing((0.5, 0.25, 1.5)))
    assert text.startswith("500.0 мс")
    assert "мин 250.0 мс" in text and "макс 1.50 с" in text
    assert "повторов: 3" in text


@pytest.mark.parametrize(
    ("seconds", "text"), [(2.0, "2.00 с"), (0.0123, "12.3 мс"), (4.5e-6, "4.5 мкс")]
)
def test_format_seconds_picks_unit(seconds, text):
    assert measure.format_seconds(seconds) == text


def test_quick_and_scale(monkeypatch):
    monkeypatch.delenv(measure.QUICK_ENV, raising=False)
    assert not measure.quick()
    assert measure.scale(100, 1) == 100
    monkeypatch.setenv(measure.QUICK_ENV, "1")
    assert measure.quick()
    assert measure.scale(100, 1) == 1
    monkeypatch.setenv(measure.QUICK_ENV, "0")
    assert not measure.quick()


def test_start_method_from_environment(monkeypatch):
    for method in multiprocessing.get_all_start_methods():
        monkeypatch.setenv(start_methods.START_METHOD_ENV, method)
        assert start_methods.start_method() == method
        assert start_methods.mp_context().get_start_method() == method


def test_unknown_start_method_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(start_methods.START_METHOD_ENV, "teleport")
    with pytest.raises(ValueError, match="POTOK_START_METHOD='teleport'"):
        start_methods.start_method()


def test_timeline_spans_split_at_gaps():
    tl = measure.Timeline(origin=0.0)
    ticks = tl.track("A")
    ticks.extend([0.0, 0.001, 0.002, 0.003, 0.050, 0.051, 0.052])
    assert tl.spans() == {"A": [(0.0, 0.003), (0.050, 0.052)]}


def test_timeline_refuses_a_label_twice():
    tl = measure.Timeline()
    tl.track("A")
    with pytest.raises(ValueError):
        tl.track("A")


def test_timeline_records_real_threads():
    tl = measure.Timeline()

    def tick(ticks):
        for _ in range(50):
            ticks.append(time.perf_counter())

    threads = [threading.Thread(target=tick, args=(tl.track(n),)) for n in "AB"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spans = tl.spans()
    assert set(spans) == {"A", "B"}
    assert all(spans[n] and spans[n][0][0] >= 0 for n in "AB")


def test_stamp_names_machine_and_interpreter():
    stamp = machine.stamp()
    text = str(stamp)
    assert stamp.logical_cpus >= 1 and 1 <= stamp.usable_cpus <= stamp.logical_cpus
    assert stamp.start_method in multiprocessing.get_all_start_methods()
    assert platform.python_version() in stamp.python
    assert ("с GIL" in stamp.python) != ("free-threaded" in stamp.python)
    assert "логических CPU" in text and "start method" in text


def test_mp_context_takes_an_explicit_method():
    for method in multiprocessing.get_all_start_methods():
        assert start_methods.mp_context(method).get_start_method() == method
    with pytest.raises(ValueError, match="teleport"):
        start_methods.mp_context("teleport")


def test_children_skip_main_gives_a_script_a_main_spec(monkeypatch):
    import sys
    import types

    fake = types.ModuleType("__main__")
    fake.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", fake)
    start_methods.children_skip_main()
    assert fake.__spec__.name == "__main__"
    # a spec that is there already (python -m, sphinx-gallery) is left alone
    kept = fake.__spec__
    start_methods.children_skip_main()
    assert fake.__spec__ is kept


@pytest.mark.parametrize(
    ("limit", "counts"),
    [(1, [1]), (4, [1, 2, 3, 4]), (8, list(range(1, 9))), (24, [1, 2, 4, 8, 16, 24])],
)
def test_worker_counts(limit, counts):
    assert measure.worker_counts(limit) == counts


def test_worker_counts_rejects_zero():
    with pytest.raises(ValueError):
        measure.worker_counts(0)


@pytest.mark.skipif(platform.system() != "Linux", reason="/proc is Linux's")
def test_os_thread_count_sees_a_new_thread():
    before = machine.os_thread_count()
    started, stop = threading.Event(), threading.Event()

    def wait():
        started.set()
        stop.wait(10)

    t = threading.Thread(target=wait)
    t.start()
    started.wait(10)
    try:
        assert machine.os_thread_count() == before + 1
        assert t.native_id in machine.os_thread_ids()
        assert threading.get_native_id() in machine.os_thread_ids()
    finally:
        stop.set()
        t.join()


def test_os_thread_count_is_none_or_positive():
    count = machine.os_thread_count()
    assert count is None or count >= 1


def test_interleaved_takes_turns():
    order = []
    fns = {"a": lambda: order.append("a"), ("b", 2): lambda: order.append("b")}
    timings = measure.interleaved(fns, repeats=3, warmup=1)
    assert order == ["a", "b"] * 4
    assert set(timings) == {"a", ("b", 2)}
    assert all(len(t.samples) == 3 for t in timings.values())


def test_interleaved_rejects_zero_repeats():
    with pytest.raises(ValueError):
        measure.interleaved({"a": lambda: None}, repeats=0)


@pytest.mark.skipif(platform.system() != "Linux", reason="/proc is Linux's")
def test_os_thread_name_of_the_main_thread_and_of_nothing():
    assert machine.os_thread_name(threading.get_native_id())
    assert machine.os_thread_name(2**31 - 1) is None


@pytest.mark.skipif(
    not os.path.exists("/proc/self/task"), reason="needs Linux /proc/self/task"
)
def test_os_thread_name_survives_a_name_cut_inside_a_character():
    # The kernel keeps 15 bytes of a thread name; the 15th byte of "12-поток-работник"
    # in UTF-8 is the first half of "р" (as on Python 3.14, which passes Python's
    # thread names to the OS).
    tid = threading.get_native_id()
    comm = f"/proc/self/task/{tid}/comm"
    with open(comm, "rb") as f:
        before = f.read().rstrip(b"\n")
    try:
        with open(comm, "wb") as f:
            f.write("12-поток-работник".encode()[:15])
        name = machine.os_thread_name(tid)
    finally:
        with open(comm, "wb") as f:
            f.write(before)
    assert name == "12-поток-\ufffd"
