import json
import os
import sys

import pytest

from potok import measure, today


def test_here_describes_this_interpreter():
    me = today.here()
    assert me.path == sys.executable
    assert me.free_threaded == measure.free_threaded_build()
    assert "Python" in me.label


def test_probe_agrees_with_here():
    probed = today.probe(sys.executable)
    assert probed is not None
    me = today.here()
    assert (probed.version, probed.free_threaded, probed.interpreter_pool) == (
        me.version,
        me.free_threaded,
        me.interpreter_pool,
    )


def test_probe_of_a_missing_interpreter_is_none(tmp_path):
    assert today.probe(str(tmp_path / "no-such-python")) is None


def test_candidates_come_from_the_environment_first(monkeypatch, tmp_path):
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    monkeypatch.setenv(today.EXTRA_ENV, os.pathsep.join([a, "", b, a]))
    assert today.candidates()[:2] == [a, b]


def test_interpreters_start_with_this_one_and_skip_broken(monkeypatch, tmp_path):
    monkeypatch.setenv(
        today.EXTRA_ENV, os.pathsep.join([sys.executable, str(tmp_path / "x")])
    )
    found = today.interpreters()
    assert found[0].path == sys.executable
    assert all(i.path != str(tmp_path / "x") for i in found)


def test_pools_time_every_pool_this_python_has():
    res = today.pools(1_000, tasks=2, workers=2, repeats=1)
    expected = {"последовательно", "ThreadPoolExecutor", "ProcessPoolExecutor"}
    if today.here().interpreter_pool:
        expected.add("InterpreterPoolExecutor")
    assert set(res) == expected
    assert all(len(v) == 1 and v[0] > 0 for v in res.values())


def test_threads_time_each_pool_size():
    res = today.threads(1_000, tasks=4, workers=[1, 2], repeats=2)
    assert set(res) == {"1", "2"}
    assert all(len(v) == 2 for v in res.values())


def test_run_in_another_process_returns_json():
    out = today.run_in(
        sys.executable, "threads", n=1_000, tasks=2, workers=[1, 2], repeats=1
    )
    assert set(out["timings"]) == {"1", "2"}
    assert out["python"] == measure.python_build()
    measure.Stamp(**out["stamp"])  # the stamp round-trips
    json.dumps(out)


def test_run_in_failure_names_the_command_and_the_cause():
    with pytest.raises(today.OtherInterpreterFailed, match=r"potok\.today threads"):
        today.run_in(sys.executable, "threads", n=10, tasks=1, workers=[0], repeats=1)
    with pytest.raises(today.OtherInterpreterFailed, match="max_workers"):
        today.run_in(sys.executable, "threads", n=10, tasks=1, workers=[0], repeats=1)
