import pytest

from potok import workloads


def test_cpu_bound_sums_squares():
    assert workloads.cpu_bound(4) == 0 + 1 + 4 + 9


def test_io_bound_returns_what_it_slept():
    assert workloads.io_bound(0.001) == 0.001


def test_fail_on_raises_only_for_the_bad_value():
    assert workloads.fail_on(3, bad=5) == 6
    with pytest.raises(ValueError, match="5"):
        workloads.fail_on(5, bad=5)
