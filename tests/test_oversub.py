import os

import pytest

from potok import oversub, start_methods


def test_blas_env_sets_or_clears_every_thread_variable_and_keeps_the_rest():
    base = {"OMP_NUM_THREADS": "7", "OPENBLAS_CORETYPE": "Haswell", "X": "1"}
    limited = oversub.blas_env(1, base)
    assert all(limited[v] == "1" for v in oversub.THREAD_VARS)
    default = oversub.blas_env(None, base)
    assert not any(v in default for v in oversub.THREAD_VARS)
    for env in (limited, default):
        assert env["OPENBLAS_CORETYPE"] == "Haswell" and env["X"] == "1"
        assert env["PYTHONPATH"].split(os.pathsep)[0] == str(oversub.SRC)
    assert base["OMP_NUM_THREADS"] == "7"  # the caller's dict is not changed


def test_matmuls_reports_a_checksum_and_the_blas_threads():
    out = oversub.matmuls(16, 2)
    assert out["pid"] == os.getpid()
    assert out["checksum"] > 0
    assert out["threads"] is None or out["threads"] >= 1
    assert out["how"]


def test_runner_splits_the_tasks_between_the_workers():
    runner = oversub.Runner([1, 2], start_methods.start_method(), ["threads"])
    try:
        out = runner.round(8, 1, 3)
    finally:
        runner.close()
    assert set(out["seconds"]) == {"threads:1", "threads:2"}
    assert all(s > 0 for s in out["seconds"].values())
    with pytest.raises(ValueError, match="unknown kind"):
        oversub.Runner([1], start_methods.start_method(), ["fibres"])


@pytest.mark.parametrize("blas", [None, 1])
def test_a_child_interpreter_measures_with_the_environment_it_was_given(blas):
    child = oversub.Measurer(
        blas,
        workers=[1, 2],
        start_method=start_methods.start_method(),
        kinds=["threads", "processes"],
        n=8,
        count=1,
        tasks=2,
    )
    try:
        info = child.info
        out = child.round()
    finally:
        child.close()
    expected = None if blas is None else str(blas)
    assert info["env"] == {v: expected for v in oversub.THREAD_VARS}
    assert info["stamp"]["start_method"] == start_methods.start_method()
    assert set(out["seconds"]) == {
        "threads:1",
        "threads:2",
        "processes:1",
        "processes:2",
    }
    if blas == 1 and info["here"]["threads"] is not None:
        assert all(seen == [1] for seen in out["blas_threads_seen"].values())
