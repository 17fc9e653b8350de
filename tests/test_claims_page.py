"""The page «Проверка утверждений»: run records in; failures first, a heading
per example (a table of contents), each claim as the verdict component."""

from __future__ import annotations

import pytest

pytest.importorskip("sphinx", reason="the build checks need the docs group")

from potok_sphinx import claims as potok_claims

from potok import claims, records

V = potok_claims.Verdict


def example(stem, *verdicts, title=None):
    label = f"sphx_glr_auto_examples_04_gil_{stem}.py"
    return potok_claims.Example(stem, label, title or stem, list(verdicts))


HOLDS = example("plot_a", V("a", "потоки не ускоряют", True, "×1.01"), title="Всё ок")
FAILS = example(
    "plot_b",
    V("b1", "замок работает", True, "потеряно 0"),
    V("b2", "процессы ускоряют", False, "×0.94", "машина занята"),
    title="Пул ``map`` и as_completed",
)


def test_failures_come_first_each_example_under_a_heading():
    text = potok_claims.page_text([HOLDS, FAILS])
    assert "Подтвердилось: **2** из **3**; не подтвердилось: **1**" in text
    # two groups: failures first
    failures_at = text.index("## Где не подтвердилось")
    assert failures_at < text.index("## Где всё подтвердилось")
    failing, holding = text.split("## Где всё подтвердилось")
    # a heading per example, with a label the lists at the top link to
    assert "(claims-plot_b)=\n### Пул `map` и as\\_completed" in failing
    assert "(claims-plot_a)=\n### Всё ок" in holding
    assert "- {ref}`claims-plot_b` — не подтвердилось 1 из 2" in failing
    assert "- {ref}`claims-plot_a` — подтвердилось 1 из 1" in holding
    # the example's page, and its claims as the component, the failed one first
    assert "{ref}`sphx_glr_auto_examples_04_gil_plot_b.py`" in failing
    assert "```{verdicts} plot_b\n:claims: b2 b1\n```" in failing
    # where everything held, the verdicts are folded; failures never are
    folded = f"````{{dropdown}} {potok_claims.FOLDED}\n```{{verdicts}} plot_a\n"
    assert folded in holding and "{dropdown}" not in failing
    assert "| Утверждение" not in text and "list-table" not in text  # no 3 columns


def test_only_the_groups_there_are():
    text = potok_claims.page_text([HOLDS])
    assert "Где не подтвердилось" not in text and "## Где всё подтвердилось" in text


def test_a_build_without_claims_says_so():
    assert "ни один пример не проверил" in potok_claims.page_text([])


def test_verdicts_are_collected_from_the_records_not_the_pages(tmp_path):
    gallery = tmp_path / "auto_examples"
    (gallery / "04_gil").mkdir(parents=True)
    fake = "✘ Утверждение: замок не теряет обновлений — не подтвердилось (x)"
    (gallery / "04_gil" / "plot_lock.rst").write_text(
        f".. _sphx_glr_auto_examples_04_gil_plot_lock.py:\n\nЗамок\n=====\n\n"
        f".. code-block:: none\n\n    {fake}\n",
        encoding="utf-8",
    )
    assert potok_claims.collect(gallery) == []  # printed lines are not read
    records.begin("04_gil/plot_lock.py", gallery / "04_gil/plot_lock.record.json")
    claims.check("no-lost-updates", "замок не теряет обновлений", confirmed=True,
                 evidence="потеряно 0", reason_if_not="ошибка в замке")  # fmt: skip
    records.finish()
    [found] = potok_claims.collect(gallery)
    assert found.label == "sphx_glr_auto_examples_04_gil_plot_lock.py"
    assert found.title == "Замок"  # the page's title, for its heading
    [verdict] = found.claims
    assert verdict.id == "no-lost-updates" and verdict.confirmed
