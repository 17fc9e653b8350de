import json
import subprocess
import sys

import pytest

from potok import machine, safety

ALWAYS_SAFE = ("append", "setdefault", "local")


@pytest.mark.parametrize("pattern", safety.PATTERNS)
def test_one_thread_is_always_right(pattern):
    assert safety.race(pattern, 1, 2_000) == 0


@pytest.mark.parametrize("pattern", ALWAYS_SAFE)
def test_single_operations_and_locals_are_safe_with_threads(pattern):
    for _ in range(3):
        assert safety.race(pattern, 4, 2_000) == 0


@pytest.mark.parametrize("pattern", safety.PATTERNS)
def test_wrong_results_are_never_negative(pattern):
    assert safety.race(pattern, 2, 2_000) >= 0


def test_unknown_pattern():
    with pytest.raises(ValueError, match="unknown pattern"):
        safety.race("nope", 2, 10)


@pytest.mark.parametrize("variant", safety.VARIANTS)
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_every_update_arrives(variant, threads):
    assert safety.update(variant, threads, 1_000) == threads * 1_000


def test_contention_shape():
    out = safety.contention([1, 2], 500, repeats=1)
    assert set(out) == set(safety.VARIANTS)
    for per in out.values():
        assert set(per) == {"1", "2"}
        assert all(len(s) == 1 and s[0] > 0 for s in per.values())


def test_races_in_a_child_returns_json():
    out = safety.run_in(sys.executable, "races", "--n", "200", "--runs", "2")
    assert out["free_threaded"] == machine.free_threaded_build()
    assert isinstance(out["gil_enabled"], bool)
    assert set(out["result"]) == set(safety.PATTERNS)
    assert all(len(v) == 2 for v in out["result"].values())
    assert out["stamp"]["python"] == out["python"]


def test_contention_in_a_child_returns_json():
    args = ("--n", "200", "--workers", "1,2", "--repeats", "1")
    out = safety.run_in(sys.executable, "contention", *args)
    assert set(out["result"]["private"]) == {"1", "2"}


def test_a_failing_child_is_reported():
    with pytest.raises(safety.OtherInterpreterFailed, match="exited with code"):
        safety.run_in(sys.executable, "races", "--n", "x")


def test_free_threaded_pythons_are_free_threaded():
    for interp in safety.free_threaded_pythons():
        assert interp.free_threaded


def test_main_writes_one_json_object(capsys):
    assert safety.main(["races", "--n", "100", "--runs", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["python"] == machine.python_build()


def test_module_runs_with_minus_m():
    proc = subprocess.run(
        [sys.executable, "-m", "potok.safety", "--help"],
        capture_output=True,
        text=True,
        cwd=str(safety.SRC),
    )
    assert proc.returncode == 0 and "races" in proc.stdout
