import sys
import threading

import pytest

from potok import sync


@pytest.mark.parametrize("kind", sync.HAMMER_KINDS)
@pytest.mark.parametrize("threads", [1, 2, 4])
def test_hammer_joins_every_thread(kind, threads):
    before = threading.active_count()
    sync.hammer(kind, threads, 1_000)
    assert threading.active_count() == before


def test_hammer_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown kind"):
        sync.hammer("global", 2, 10)


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_a_lock_loses_no_updates(threads):
    assert sync.locked_counter(threads, 5_000) == threads * 5_000


@pytest.mark.parametrize("consumers", [1, 2, 5])
@pytest.mark.parametrize("wait", [0.0, 0.0005])
def test_every_item_is_consumed_exactly_once(consumers, wait):
    got = sync.produce_consume(consumers, 300, wait)
    assert got.items == 300
    assert got.total == sum(range(300))
    assert len(got.per_consumer) == consumers
    assert got.ended_by == ("shutdown" if sync.HAS_SHUTDOWN else "sentinel")


def test_sentinels_work_on_every_version():
    got = sync.produce_consume(3, 100, use_shutdown=False)
    assert (got.items, got.ended_by) == (100, "sentinel")


@pytest.mark.skipif(sync.HAS_SHUTDOWN, reason="shutdown() exists here")
def test_asking_for_shutdown_before_313_is_an_error():
    with pytest.raises(ValueError, match=r"3\.13"):
        sync.produce_consume(1, 1, use_shutdown=True)


def test_has_shutdown_matches_the_version():
    assert (sys.version_info >= (3, 13)) == sync.HAS_SHUTDOWN


def test_find_cycle():
    # поток-1 holds A and waits for B; поток-2 holds B and waits for A
    owner = {"A": "t1", "B": "t2"}
    assert sync.find_cycle(owner, {"t1": "B", "t2": "A"}) == ["t1", "t2"]
    assert sync.find_cycle(owner, {"t1": "B"}) == []  # t2 runs: no cycle
    assert sync.find_cycle({"A": "t1"}, {"t2": "A", "t3": "A"}) == []
    three = {"A": "t1", "B": "t2", "C": "t3"}
    waits = {"t1": "B", "t2": "C", "t3": "A"}
    assert sorted(sync.find_cycle(three, waits)) == ["t1", "t2", "t3"]


def test_the_deadlock_is_detected_and_ends():
    before = threading.active_count()
    run = sync.deadlock("opposite", 1.0)
    assert sorted(run.cycle) == ["поток-1", "поток-2"]
    # at least one thread gave up: the deadlock was real; on a busy machine both
    # may time out before the other lock is free, which is the same deadlock
    assert sorted(run.outcomes.values()) in (
        ["взял оба", "таймаут"],
        ["таймаут", "таймаут"],
    )
    assert run.alive_after == 0 and threading.active_count() == before
    for stack in run.stacks.values():
        assert ", in acquire" in stack  # TracedLock.acquire, where it hangs
    assert "most recent call first" in run.dump


def test_one_lock_order_never_deadlocks():
    for _ in range(20):
        run = sync.deadlock("same", 0.3)
        assert run.cycle == []
        assert set(run.outcomes.values()) == {"взял оба"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_fork_with_a_thread():
    before = threading.active_count()
    result = sync.fork_with_thread(child_wait=0.1)
    assert result is not None
    assert result.child_status == "занят"
    assert result.threads_in_parent >= 2
    warned = any("multi-threaded" in w for w in result.warnings)
    assert warned == (sys.version_info >= (3, 12))
    assert threading.active_count() == before


def test_hammer_timings_shape():
    out = sync.hammer_timings([1, 2], 200, repeats=2)
    assert set(out) == set(sync.HAMMER_KINDS)
    for per in out.values():
        assert set(per) == {"1", "2"}
        assert all(len(s) == 2 and min(s) > 0 for s in per.values())


def test_hammer_in_a_child_returns_json():
    from potok import machine, safety

    args = ("--n", "200", "--threads", "1,2", "--repeats", "1")
    out = safety.run_in(sys.executable, "hammer", *args, module="potok.sync")
    assert out["python"] == machine.python_build()
    assert isinstance(out["gil_enabled"], bool)
    assert set(out["result"]["shared"]) == {"1", "2"}
