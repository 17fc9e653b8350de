"""potok.versions: the JSON protocol with an interpreter's child, labels, claims.

Structure only: no test here compares timings.
"""

from __future__ import annotations

import io
import json
import os
import sys

import pytest

from potok import machine, races, today, versions


def run(version="3.13.0", ft=False, gil=True, seq=1.0, threads=1.0, processes=0.5):
    return versions.Run(
        path=f"/x/python{version}",
        version=version,
        free_threaded=ft,
        gil_enabled=gil,
        python=f"CPython {version}",
        stamp={},
        samples={
            "sequential": [seq, seq],
            "threads": [threads, threads],
            "processes": [processes, processes],
            "sequential_cores": [1.0, 1.0],
            "threads_cores": [seq / threads, seq / threads],
        },
    )


def test_key_names_the_version_and_the_build():
    assert versions.key("3.13.0", False) == "3.13"
    assert versions.key("3.13.15", True) == "3.13t"
    assert versions.key("3.15.0rc1", False) == "3.15"


def test_pick_keeps_one_per_build_in_order_and_names_the_missing():
    found = [
        {"version": "3.13.15", "free_threaded": True, "path": "t"},
        {"version": "3.13.0", "free_threaded": False, "path": "a"},
        {"version": "3.13.1", "free_threaded": False, "path": "b"},
        {"version": "3.11.7", "free_threaded": False, "path": "c"},
        {"version": "3.10.1", "free_threaded": False, "path": "old"},
    ]
    chosen, missing, rest = versions.pick(found)
    assert [c["path"] for c in chosen] == ["c", "a", "t"]
    assert missing == ["3.12", "3.14", "3.14t", "3.15", "3.15t"]
    assert {r["path"] for r in rest} == {"b", "old"}


def test_candidates_start_here_and_keep_wrappers_called_by_other_names(
    monkeypatch, tmp_path
):
    wrapper = tmp_path / "sid-python3.14"
    wrapper.write_text("#!/bin/sh\n")
    other = tmp_path / "sid-python3.15"
    other.symlink_to(wrapper.name)
    paths = [str(wrapper), str(other), str(wrapper), sys.executable]
    monkeypatch.setenv(today.EXTRA_ENV, os.pathsep.join(paths))
    found = versions.candidates()
    assert found[0] == sys.executable
    assert found.count(str(wrapper)) == 1
    assert str(other) in found
    assert found.count(sys.executable) == 1


def test_labels_say_the_build_and_whether_the_gil_was_off():
    assert run("3.12.1").label == "3.12.1 (с GIL)"
    assert run("3.13.15", ft=True, gil=False).label == "3.13.15t (GIL выключен)"
    assert run("3.13.15", ft=True, gil=True).label == "3.13.15t (GIL включён)"
    assert run("3.13.15", ft=True, gil=True).gil_off is False


def test_serve_speaks_json_line_by_line(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    versions.serve(1_000, 2, commands=["round\n", "round\n", "done\n"])
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [next(iter(line)) for line in lines] == ["ready", "round", "round", "done"]
    assert set(lines[1]["round"]) == {
        "sequential",
        "sequential_cores",
        "threads",
        "threads_cores",
        "processes",
    }
    assert lines[-1]["python"] == machine.python_build()
    machine.Stamp(**lines[-1]["stamp"])


def test_measure_all_round_trip_on_this_interpreter():
    survey = versions.measure_all(
        [sys.executable, sys.executable], n=1_000, workers=2, repeats=2
    )
    assert survey.failed == {}
    assert len(survey.runs) == 1  # the same version twice: one is left out
    assert list(survey.left_out) == [sys.executable]
    (r,) = survey.runs
    assert r.python == machine.python_build()
    assert all(len(r.samples[v]) == 2 for v in versions.VARIANTS)
    assert r.stamp["python"] == machine.python_build()
    assert versions.key(r.version, r.free_threaded) not in survey.missing


def test_measure_all_names_an_interpreter_that_fails(tmp_path):
    bad = tmp_path / "python-broken"
    bad.write_text("#!/bin/sh\necho not json\nexit 3\n")
    bad.chmod(0o755)
    survey = versions.measure_all([str(bad)], n=1_000, workers=1, repeats=1)
    assert survey.runs == []
    assert "not json" in survey.failed[str(bad)]


def test_claims_on_made_up_numbers_hold_where_they_should():
    runs = [
        run("3.12.1", threads=1.02),
        run("3.13.0", seq=1.0, threads=1.05),
        run("3.13.15", ft=True, gil=False, seq=1.3, threads=0.7, processes=0.7),
    ]
    verdicts = {v.text: v for v in versions.judge(runs, cpus=2)}
    assert all(v.confirmed for v in verdicts.values()), verdicts
    assert "на 3.13.15t (GIL выключен) два потока быстрее одного" in verdicts
    assert any("3.13 медленнее 3.13 с GIL" in t for t in verdicts)


def test_claims_on_made_up_numbers_fail_with_a_reason():
    runs = [
        run("3.12.1", threads=0.5),  # threads "faster" with the GIL: noise
        run("3.13.15", ft=True, gil=False, threads=1.0),
    ]
    verdicts = versions.judge(runs, cpus=1)
    by_text = {v.text: v for v in verdicts}
    gil = by_text["на сборках с GIL два потока не ускоряют вычисления на чистом Python"]
    assert not gil.confirmed and "×2.00" in gil.evidence
    ft = by_text["на 3.13.15t (GIL выключен) два потока быстрее одного"]
    assert not ft.confirmed and "один логический процессор" in ft.reason_if_not


def test_no_gil_off_claim_for_a_free_threaded_run_that_had_the_gil():
    runs = [run("3.13.15", ft=True, gil=True, threads=1.0)]
    texts = [v.text for v in versions.judge(runs, cpus=2)]
    assert not any("GIL выключен" in t for t in texts)
    assert any("с GIL два потока не ускоряют" in t for t in texts)


def test_timeline_and_races_round_trip_in_a_child():
    out = versions.run_part(sys.executable, "timeline", "--n", 20_000, "--every", 100)
    assert set(out["ticks"]) == {"поток A", "поток B"}
    assert out["expected"] == 40_000
    tl = versions.timeline_from(out["ticks"])
    assert set(tl.spans()) == {"поток A", "поток B"}
    machine.Stamp(**out["stamp"])
    out = versions.run_part(
        sys.executable, "races", "--n", 500, "--runs", 2, "--intervals", "0.005,1e-4"
    )
    assert set(out["lost"]) == set(races.KINDS)
    assert len(out["lost"]["in-place"]["0.005"]) == 2
    assert out["lost"]["locked"]["0.0001"] == [0, 0]


def test_run_part_failure_names_the_command():
    with pytest.raises(today.OtherInterpreterFailed, match=r"potok\.versions races"):
        versions.run_part(sys.executable, "races", "--n", 1)


def test_overlap_of_two_threads_spans():
    apart = {"A": [(0.0, 1.0), (2.0, 3.0)], "B": [(1.0, 2.0), (3.0, 4.0)]}
    together = {"A": [(0.0, 4.0)], "B": [(1.0, 3.0)]}
    half = {"A": [(0.0, 2.0)], "B": [(1.0, 3.0)]}
    assert versions.overlap(apart) == 0
    assert versions.overlap(together) == 1
    assert versions.overlap(half) == 0.5
