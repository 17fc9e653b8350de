"""potok.claims: both verdicts, driven by made-up results."""

import pytest

from potok import claims


def test_confirmed_claim_prints_its_evidence(capsys):
    claim = claims.check("два потока не быстрее одного", 0.98 < 1.2, "×0.98")
    out = capsys.readouterr().out
    assert claim.confirmed
    assert "подтвердилось (×0.98)" in out
    assert "не подтвердилось" not in out
    assert claims.CHECKED[-1] is claim


def test_failed_claim_says_so_with_the_reason(capsys):
    claim = claims.check(
        "два потока не быстрее одного",
        2.06 < 1.2,
        "×2.06",
        reason_if_not="машина была занята",
    )
    out = capsys.readouterr().out
    assert not claim.confirmed
    assert "не подтвердилось (×2.06); вероятная причина: машина была занята" in out


def test_a_claim_without_evidence_is_an_error():
    with pytest.raises(ValueError, match="evidence"):
        claims.check("что-то", True, " ")
