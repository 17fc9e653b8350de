import json
import os
import sys

import pytest

from potok import machine, today


def test_here_describes_this_interpreter():
    me = today.here()
    assert me.path == sys.executable
    assert me.free_threaded == machine.free_threaded_build()
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


def test_interpreters_start_with_this_one_and_drop_duplicates(monkeypatch):
    monkeypatch.setenv(today.EXTRA_ENV, os.pathsep.join([sys.executable]))
    found = today.interpreters()
    assert found[0].path == sys.executable
    assert [i.executable for i in found].count(found[0].executable) == 1


def test_a_missing_path_in_extra_pythons_is_an_error_naming_it(monkeypatch, tmp_path):
    monkeypatch.setenv(today.EXTRA_ENV, str(tmp_path / "x"))
    with pytest.raises(FileNotFoundError, match=r"POTOK_EXTRA_PYTHONS: .*x does not"):
        today.interpreters()


def test_a_path_that_is_no_python_is_an_error_naming_it(monkeypatch, tmp_path):
    fake = tmp_path / "python3.99"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv(today.EXTRA_ENV, str(fake))
    with pytest.raises(RuntimeError, match=r"python3\.99 is not a Python that runs"):
        today.interpreters()


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
    assert out["python"] == machine.python_build()
    machine.Stamp(**out["stamp"])  # the stamp round-trips
    json.dumps(out)


def test_run_in_failure_names_the_command_and_the_cause():
    with pytest.raises(today.OtherInterpreterFailed, match=r"potok\.today threads"):
        today.run_in(sys.executable, "threads", n=10, tasks=1, workers=[0], repeats=1)
    with pytest.raises(today.OtherInterpreterFailed, match="max_workers"):
        today.run_in(sys.executable, "threads", n=10, tasks=1, workers=[0], repeats=1)
