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


def test_noop_returns_none():
    assert workloads.noop() is None


def test_importing_workloads_stays_cheap_for_child_processes():
    # spawn/forkserver children import potok.workloads; it must not pull in
    # importlib.metadata (version lookup) or matplotlib.
    import subprocess
    import sys

    code = (
        "import sys, potok.workloads; "
        "print(any(m in sys.modules for m in ('importlib.metadata', 'matplotlib')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_potok_version_is_still_there():
    import potok

    assert isinstance(potok.__version__, str) and potok.__version__
