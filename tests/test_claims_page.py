"""The page «Проверка утверждений»: verdict lines in, one table per example out."""

from __future__ import annotations

import pytest

pytest.importorskip("sphinx", reason="the build checks need the docs group")

from potok_sphinx import claims as potok_claims

from potok import claims


@pytest.mark.parametrize(
    ("confirmed", "evidence", "reason"),
    [
        (True, "×0.98", ""),
        (False, "её время ×0.97 от времени CPython 3.13.0 (с GIL)", "машина занята"),
        (False, "×2.06 (3 потока)", ""),
    ],
)
def test_a_printed_verdict_parses_back(confirmed, evidence, reason):
    claim = claims.Claim("два потока не быстрее одного", confirmed, evidence, reason)
    parsed = potok_claims.parse("    " + claim.render())
    assert parsed == potok_claims.Verdict(claim.text, confirmed, evidence, reason)


def test_other_lines_are_not_verdicts():
    assert potok_claims.parse("    потоков 2: 43.1 мс; ускорение ×1.11") is None
    assert potok_claims.parse("Утверждение без значка") is None


def test_the_page_counts_both_verdicts_and_links_each_example():
    found = {
        "sphx_glr_auto_examples_04_gil_plot_x.py": [
            potok_claims.Verdict("потоки не ускоряют", True, "×1.01"),
            potok_claims.Verdict("процессы ускоряют", False, "×0.94", "машина занята"),
        ]
    }
    text = potok_claims.page_text(found)
    assert "Подтвердилось: **1** из **2**; не подтвердилось: **1**." in text
    assert "{ref}`sphx_glr_auto_examples_04_gil_plot_x.py` — 1 из 2" in text
    assert "✘ не подтвердилось" in text and "вероятная причина: машина занята" in text


def test_a_build_without_claims_says_so():
    assert "ни один пример не напечатал" in potok_claims.page_text({})


def test_verdicts_are_collected_from_generated_pages(tmp_path):
    gallery = tmp_path / "auto_examples"
    (gallery / "04_gil").mkdir(parents=True)
    claim = claims.Claim("замок не теряет обновлений", True, "потеряно 0")
    (gallery / "04_gil" / "plot_lock.rst").write_text(
        f".. code-block:: none\n\n    {claim.render()}\n", encoding="utf-8"
    )
    found = potok_claims.collect(gallery)
    assert list(found) == ["sphx_glr_auto_examples_04_gil_plot_lock.py"]
    assert found["sphx_glr_auto_examples_04_gil_plot_lock.py"][0].confirmed
