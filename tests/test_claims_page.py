"""The page «Проверка утверждений»: run records in, one table per example out."""

from __future__ import annotations

import pytest

pytest.importorskip("sphinx", reason="the build checks need the docs group")

from potok_sphinx import claims as potok_claims

from potok import claims, records


def test_the_page_counts_both_verdicts_and_links_each_example():
    found = {
        "sphx_glr_auto_examples_04_gil_plot_x.py": [
            potok_claims.Verdict("a", "потоки не ускоряют", True, "×1.01"),
            potok_claims.Verdict(
                "b", "процессы ускоряют", False, "×0.94", "машина занята"
            ),
        ]
    }
    text = potok_claims.page_text(found)
    assert "Подтвердилось: **1** из **2**; не подтвердилось: **1**." in text
    assert "{ref}`sphx_glr_auto_examples_04_gil_plot_x.py` — 1 из 2" in text
    assert "✘ не подтвердилось" in text and "вероятная причина: машина занята" in text


def test_a_build_without_claims_says_so():
    assert "ни один пример не напечатал" in potok_claims.page_text({})


def test_verdicts_are_collected_from_the_records_not_the_pages(tmp_path):
    gallery = tmp_path / "auto_examples"
    (gallery / "04_gil").mkdir(parents=True)
    fake = "✘ Утверждение: замок не теряет обновлений — не подтвердилось (x)"
    (gallery / "04_gil" / "plot_lock.rst").write_text(
        f".. code-block:: none\n\n    {fake}\n", encoding="utf-8"
    )
    assert potok_claims.collect(gallery) == {}  # printed lines are not read
    records.begin("04_gil/plot_lock.py", gallery / "04_gil/plot_lock.record.json")
    claims.check("no-lost-updates", "замок не теряет обновлений", confirmed=True,
                 evidence="потеряно 0")  # fmt: skip
    records.finish()
    found = potok_claims.collect(gallery)
    assert list(found) == ["sphx_glr_auto_examples_04_gil_plot_lock.py"]
    [verdict] = found["sphx_glr_auto_examples_04_gil_plot_lock.py"]
    assert verdict.id == "no-lost-updates" and verdict.confirmed
