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


def test_pipe_echo_sends_back_what_it_gets_in_a_thread():
    import multiprocessing
    import threading

    here, there = multiprocessing.Pipe()
    result = []
    t = threading.Thread(target=lambda: result.append(workloads.pipe_echo(there, 3)))
    t.start()
    for msg in (1, "два", (3,)):
        here.send(msg)
        assert here.recv() == msg
    t.join()
    assert result == [3]


def test_pipe_echo_stops_when_the_other_end_closes():
    import multiprocessing

    here, there = multiprocessing.Pipe()
    here.close()
    assert workloads.pipe_echo(there, 5) == 0


def test_pipe_echo_answers_a_process_under_every_start_method():
    import multiprocessing

    from potok import start_methods

    for method in multiprocessing.get_all_start_methods():
        ctx = start_methods.mp_context(method)
        here, there = ctx.Pipe()
        p = ctx.Process(target=workloads.pipe_echo, args=(there, 2))
        p.start()
        for msg in (1, 2):
            here.send(msg)
            assert here.recv() == msg
        p.join(timeout=60)
        assert p.exitcode == 0, method


def test_event_echo_answers_each_ping_and_gives_up_without_one():
    import threading

    ping, pong = threading.Event(), threading.Event()
    result = []
    t = threading.Thread(
        target=lambda: result.append(workloads.event_echo(ping, pong, 3, timeout=0.2))
    )
    t.start()
    for _ in range(2):
        pong.clear()
        ping.set()
        assert pong.wait(5)
    t.join()
    assert result == [2]  # the third ping never came


def test_thread_identity_names_the_running_thread():
    import threading

    release = threading.Event()
    release.set()
    name, ident, native = workloads.thread_identity(release)
    assert name == threading.current_thread().name
    assert ident == threading.get_ident()
    assert native == threading.get_native_id()


def test_pin_to_cpu_none_is_a_no_op():
    assert workloads.pin_to_cpu(None) is None


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
