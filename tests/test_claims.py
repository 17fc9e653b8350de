"""potok.claims: both verdicts, driven by made-up results; each goes into the
run's record (potok.records) with its id and numbers."""

import pytest

from potok import claims, records


@pytest.fixture(autouse=True)
def fresh_record(tmp_path):
    records.begin("04_gil/plot_test.py", tmp_path / "plot_test.record.json")
    yield tmp_path / "plot_test.record.json"
    records.discard()


def test_confirmed_claim_prints_and_records_its_evidence(capsys):
    claim = claims.check(
        "threads-no-faster",
        "два потока не быстрее одного",
        confirmed=0.98 < 1.2,
        evidence="×0.98",
        numbers={"speedup": 0.98},
        reason_if_not="машина была занята",
    )
    out = capsys.readouterr().out
    assert claim.confirmed
    assert "подтвердилось (×0.98)" in out
    assert "не подтвердилось" not in out
    [entry] = records.current().claims
    assert entry["id"] == "threads-no-faster" and entry["numbers"] == {"speedup": 0.98}
    assert entry["stamp"] is not None  # who measured it


def test_failed_claim_says_so_with_the_reason(capsys):
    claim = claims.check(
        "threads-no-faster",
        "два потока не быстрее одного",
        confirmed=2.06 < 1.2,
        evidence="×2.06",
        reason_if_not="машина была занята",
    )
    out = capsys.readouterr().out
    assert not claim.confirmed
    assert "не подтвердилось (×2.06); вероятная причина: машина была занята" in out
    assert records.current().claims[0]["confirmed"] is False


def test_the_record_is_written_and_read_back(fresh_record):
    claims.check(
        "a-claim", "утверждение", confirmed=True, evidence="×1", reason_if_not="—"
    )
    records.finish()
    back = records.load(fresh_record)
    assert back.example == "plot_test.py" and back.section == "04_gil"
    assert [c["id"] for c in back.claims] == ["a-claim"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"evidence": " "}, "evidence"),
        ({"evidence": "x", "numbers": {"v": "1"}}, "is not a number"),
        ({"evidence": "x", "numbers": {"v": float("nan")}}, "nan"),
    ],
)
def test_a_claim_needs_evidence_and_plain_numbers(kwargs, message):
    with pytest.raises(ValueError, match=message):
        claims.check(
            "some-claim", "что-то", confirmed=True, reason_if_not="—", **kwargs
        )


@pytest.mark.parametrize("reason", ["", "  \n"])
def test_a_claim_without_its_likely_reason_is_refused(reason):
    """Even a claim that holds here: on another machine it may not, and its page
    must then say why."""
    with pytest.raises(ValueError, match="claim 'no-reason': give reason_if_not"):
        claims.check(
            "no-reason", "что-то", confirmed=True, evidence="×1", reason_if_not=reason
        )
    assert records.current().claims == []


def test_a_claim_must_be_given_its_likely_reason():
    with pytest.raises(TypeError, match="reason_if_not"):
        claims.check("no-reason", "что-то", confirmed=True, evidence="×1")
    assert records.current().claims == []


@pytest.mark.parametrize("bad", ["Два потока", "threads_no", "x--y", ""])
def test_an_id_is_lowercase_words_joined_by_hyphens(bad):
    with pytest.raises(ValueError, match="claim id"):
        claims.check(bad, "текст", confirmed=True, evidence="×1", reason_if_not="—")


def test_two_claims_of_one_example_cannot_share_an_id():
    claims.check("same", "первое", confirmed=True, evidence="×1", reason_if_not="—")
    with pytest.raises(ValueError, match="two claims with the id 'same'"):
        claims.check("same", "второе", confirmed=True, evidence="×1", reason_if_not="—")


def test_only_a_script_run_leaves_a_record(tmp_path):
    """A child interpreter on a potok module, or python -c, is not an example."""
    import subprocess
    import sys

    check = (
        "from potok import claims; "
        "claims.check('x', 'текст', confirmed=True, evidence='1', reason_if_not='—')"
    )
    script = tmp_path / "plot_here.py"
    script.write_text(check + "\n", encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "POTOK_RECORD_DIR": ""}
    for command in ([sys.executable, "-c", check], [sys.executable, str(script)]):
        subprocess.run(command, cwd=tmp_path, env=env, check=True, capture_output=True)
    assert sorted(p.name for p in tmp_path.glob("*.record.json")) == [
        "plot_here.record.json"
    ]


def test_every_stamped_figure_is_recorded_in_order():
    """sphinx-gallery closes figures at plt.show(), so matplotlib gives the next
    one the same number: the record counts figures itself."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from potok import machine, plots

    for python in ("A", "B"):
        fig, _ax = plots.figure()
        plots.stamp(fig, machine.stamp().__class__("cpu", 2, 2, python, "fork", "L"))
        plt.close(fig)
    figures = records.current().figures
    assert [f["number"] for f in figures] == [1, 2]
    assert [f["stamp"].python for f in figures] == ["A", "B"]
