import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from potok import aio, start_methods, workloads


def test_blocking_runs_every_copy_each_way():
    with ThreadPoolExecutor(max_workers=2) as pool:
        cases = [
            aio.blocking(workloads.fail_on, 3, 9, way="inline", copies=2),
            aio.blocking(workloads.fail_on, 3, 9, way="to_thread", copies=3),
            aio.blocking(workloads.fail_on, 3, 9, way="executor", copies=2),
            aio.blocking(
                workloads.fail_on, 3, 9, way="executor", executor=pool, copies=2
            ),
        ]
        results = [aio.run(work, period=0.001, margin=0.001).result for work in cases]
    assert results == [[6, 6], [6, 6, 6], [6, 6], [6, 6]]


def test_blocking_in_a_process_pool():
    with ProcessPoolExecutor(
        max_workers=1, mp_context=start_methods.mp_context()
    ) as pool:
        work = aio.blocking(workloads.cpu_bound, 4, way="executor", executor=pool)
        assert aio.run(work, period=0.001, margin=0.001).result == [14]


def test_a_blocked_loop_owes_a_beat_as_late_as_the_block():
    block = 0.05
    run = aio.run(aio.blocking(time.sleep, block), period=0.002, margin=0.01)
    assert run.elapsed >= block
    # No beat can come while time.sleep holds the loop's only thread, so the
    # first one due in that time comes at least (block - period) late.
    assert run.worst >= block - 0.002
    assert run.beats, "the heartbeat recorded nothing"
    assert all(b.late >= 0 for b in run.beats)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="way must be one of"):
        aio.blocking(print, way="thread")
    with pytest.raises(ValueError, match="only used with way='executor'"):
        aio.blocking(print, way="inline", executor=object())
    with pytest.raises(ValueError, match="copies"):
        aio.blocking(print, copies=0)
    with pytest.raises(ValueError, match="period must be positive"):
        aio.run(aio.blocking(print), period=0)
