import asyncio
import logging
import sys

import pytest

from potok import aio_deep

needs_311 = pytest.mark.skipif(
    sys.version_info < (3, 11), reason="TaskGroup, timeout, uncancel: Python 3.11+"
)


@needs_311
def test_a_failing_task_cancels_its_group_and_every_task_cleans_up():
    tasks = (("ok", 0.01, False), ("bad", 0.03, True), ("slow", 5.0, False))
    run = aio_deep.group_and_timeout(tasks, timeout=0.02, timed_work=5.0)
    outcomes = {r.name: r.outcome for r in run.records}
    assert outcomes == {
        "ok": "done",
        "bad": "error",
        "slow": "cancelled",
        "под тайм-аутом": "cancelled",
    }
    assert all(r.cleaned_up for r in run.records)
    assert run.group_error == "ExceptionGroup"
    assert len(run.inner_errors) == 1 and "ValueError" in run.inner_errors[0]
    assert run.timeout_error == "TimeoutError"
    # the timeout leaves the count as it found it (a 3.11/3.12 group may not)
    assert run.cancelling_after_timeout == run.cancelling_after_group
    if sys.version_info >= (3, 13):
        assert run.cancelling_after_group == 0


@needs_311
def test_a_swallowed_cancel_stays_counted_until_uncancel():
    story = aio_deep.swallowed_cancel()
    assert story.swallowed_then_cancelling == 1
    assert story.after_uncancel == 0
    assert story.timeout_fired_after_swallow


@pytest.mark.parametrize("how", ["sentinel", "shutdown"])
def test_the_queue_hands_out_every_item_once_and_stops_every_consumer(how):
    if how == "shutdown" and not hasattr(asyncio.Queue, "shutdown"):
        with pytest.raises(RuntimeError, match=r"3\.13"):
            aio_deep.queue_pipeline(how=how)
        return
    run = aio_deep.queue_pipeline(items=11, consumers=4, how=how)
    assert run.how == how
    assert sum(run.handled.values()) == 11
    assert sorted(run.ended_by) == sorted(run.handled) and len(run.handled) == 4
    ended = set(run.ended_by.values())
    assert ended == ({"QueueShutDown"} if how == "shutdown" else {"None (метка конца)"})


def test_queue_auto_picks_what_the_interpreter_has():
    expected = "shutdown" if hasattr(asyncio.Queue, "shutdown") else "sentinel"
    assert aio_deep.queue_pipeline(items=2, consumers=1).how == expected
    with pytest.raises(ValueError, match="how must be"):
        aio_deep.queue_pipeline(how="poison")


def test_to_thread_carries_the_context_and_run_in_executor_does_not():
    seen = aio_deep.context_in_threads()
    assert seen["в самой корутине"] == "запрос-42"
    assert seen["asyncio.to_thread(f)"] == "запрос-42"
    assert seen["loop.run_in_executor(None, f)"] == "(не задан)"
    assert seen["run_in_executor(None, ctx.run, f)"] == "запрос-42"


def test_send_batch_records_every_request():
    run = aio_deep.send_batch(10, 3, service=0.001, capacity=2)
    assert run.limit == 3
    assert len(run.waits) == len(run.in_flight) == len(run.latencies) == 10
    assert all(f >= 0.001 for f in run.in_flight)
    assert run.throughput == pytest.approx(10 / run.total)
    with pytest.raises(ValueError, match="at least 1"):
        aio_deep.send_batch(10, 0, service=0.001, capacity=2)


def test_percentile():
    assert aio_deep.percentile([5.0], 95) == 5.0
    assert aio_deep.percentile(range(1, 102), 50) == pytest.approx(51)
    with pytest.raises(ValueError):
        aio_deep.percentile([], 50)


def test_debug_mode_warnings_are_caught_and_matched_to_their_task():
    logger = logging.getLogger("asyncio")
    handlers, level = list(logger.handlers), logger.level
    propagate = logger.propagate
    run = aio_deep.slow_callbacks([0.0, 0.06], threshold=0.03)
    assert [s.reported is None for s in run.steps] == [True, False]
    assert run.steps[1].reported >= 0.05
    assert len(run.messages) == 1 and "шаг-2-60мс" in run.messages[0]
    short = aio_deep.shorten(run.messages[0])
    assert "coro=" not in short and short.endswith("seconds")
    assert (list(logger.handlers), logger.level) == (handlers, level)
    assert logger.propagate == propagate


def test_no_warning_when_the_call_goes_to_a_thread():
    run = aio_deep.slow_callbacks([0.06], threshold=0.03, way="to_thread")
    assert run.messages == [] and run.steps[0].reported is None
    with pytest.raises(ValueError, match="way must be"):
        aio_deep.slow_callbacks([0.01], way="executor")


def test_the_ps_program_is_valid_python_with_every_task_name():
    for pages in (aio_deep.PS_PAGES, aio_deep.PS_PAGES_RU):
        source = aio_deep.ps_program(pages)
        compile(source, "<ps program>", "exec")
        assert repr(pages) in source
        names = aio_deep.task_names(pages)
        assert len(names) == len(set(names)) == 5
        assert names[: len(pages)] == list(pages)


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="3.14 can introspect")
def test_introspect_says_what_it_needs_below_3_14():
    out = aio_deep.introspect()
    assert "3.14" in out["unavailable"] and out["commands"] == {}
    assert aio_deep.introspect_in(sys.executable)["unavailable"] == out["unavailable"]
