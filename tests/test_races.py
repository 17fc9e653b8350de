import pytest

from potok import races


@pytest.mark.parametrize(
    "add",
    [races.add_read_call_write, races.add_in_place],
)
def test_one_thread_loses_nothing(add):
    counter = races.Counter()
    add(counter, 1000)
    assert counter.value == 1000


def test_locked_adds_under_the_lock():
    import threading

    counter = races.Counter()
    races.add_locked(counter, 500, threading.Lock())
    assert counter.value == 500


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_lock_never_loses_an_update(threads):
    assert races.lost_updates("locked", 2_000, threads=threads) == 0


@pytest.mark.parametrize("kind", races.KINDS)
def test_lost_updates_is_never_negative_and_never_everything(kind):
    lost = races.lost_updates(kind, 1_000, threads=2)
    # the last write is at least 1; stale writes can undo more than one
    # thread's whole work, so there is no tighter bound
    assert 0 <= lost < 2_000


def test_a_single_thread_loses_nothing():
    for kind in races.KINDS:
        assert races.lost_updates(kind, 1_000, threads=1) == 0


def test_unknown_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown kind 'atomic'"):
        races.lost_updates("atomic", 10)
