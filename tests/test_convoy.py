import threading

import pytest

from potok import convoy


def test_nap_lateness_returns_one_non_negative_value_per_nap():
    late = convoy.nap_lateness(3, 0.001)
    assert len(late) == 3
    # sleep never returns early (PEP 475: it sleeps at least the time asked)
    assert all(x >= -1e-4 for x in late)


def test_spin_stops_when_told():
    stop = threading.Event()
    stop.set()
    assert convoy.spin(stop) == 0


@pytest.mark.parametrize("busy", [0, 1, 2])
def test_lateness_beside_busy_threads_returns_and_stops_them(busy):
    before = threading.active_count()
    late = convoy.lateness_beside(3, 0.0005, busy_threads=busy)
    assert len(late) == 3
    assert threading.active_count() == before


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError):
        convoy.nap_lateness(0, 0.001)
    with pytest.raises(ValueError):
        convoy.lateness_beside(1, 0.001, busy_threads=-1)
