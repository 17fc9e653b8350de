"""What a reader sees of a build's verdicts: one component, from the run's
record (potok_sphinx.claims), under each example's output (``place_verdicts``
and the ``verdicts`` directive), on the front page, on the claims page and in
the guide's tree.

The functions on their own first, then one small site built with all of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the build checks need the docs group")

from potok_sphinx import claims as potok_claims
from sites import NO_NETWORK, build, make_site, text

from potok.claims import Claim

ROOT = Path(__file__).resolve().parent.parent

HOLDS = Claim("holds", "первое держится", True, "×1.93")
FAILS = Claim("fails", "второе держится", False, "×0.94", "машина была занята")

PAGE = """\
.. _sphx_glr_auto_examples_01_test_plot_x.py:

Пример
======

.. image-sg:: /auto_examples/01_test/images/sphx_glr_plot_x_001.png
   :class: sphx-glr-single-img


.. rst-class:: sphx-glr-script-out

 .. code-block:: none

    одна строка
    {holds}
    ✘ Утверждение: чужое — не подтвердилось (×0)


Текст между блоками.

.. rst-class:: sphx-glr-script-out

 .. code-block:: none

    {fails}


.. _sphx_glr_download_auto_examples_01_test_plot_x.py:

.. only:: html
"""


def page(**lines: str) -> str:
    """PAGE with the claims' printed lines (or the ones given)."""
    return PAGE.format(
        holds=lines.get("holds", HOLDS.render()),
        fails=lines.get("fails", FAILS.render()),
    )


def test_each_verdict_goes_right_under_the_output_that_printed_it():
    out = potok_claims.with_verdicts(page(), "plot_x", [HOLDS, FAILS])
    first = out.index(HOLDS.render())
    second = out.index(FAILS.render())
    directive_1 = out.index(".. verdicts:: plot_x\n   :claims: holds\n")
    directive_2 = out.index(".. verdicts:: plot_x\n   :claims: fails\n")
    assert first < directive_1 < out.index("Текст между блоками") < second
    assert second < directive_2 < out.index(".. _sphx_glr_download_")
    # the printed lines stay, for readers of the output
    assert out.count("✔ Утверждение: первое держится") == 1


def test_a_verdict_is_matched_exactly_by_the_records_own_rendering():
    # a line that differs from the record's rendering is not this claim's
    changed = page(holds=HOLDS.render().replace("×1.93", "×1.9"))
    out = potok_claims.with_verdicts(changed, "plot_x", [HOLDS, FAILS])
    # not found in any block: shown above the download buttons
    end = out.index(".. _sphx_glr_download_")
    assert out.index(".. verdicts:: plot_x\n   :claims: holds") > out.index(
        FAILS.render()
    )
    assert out.index(".. verdicts:: plot_x\n   :claims: holds") < end


def test_the_output_blocks_of_a_generated_page():
    lines = page().split("\n")
    blocks = potok_claims.output_blocks(lines)
    assert [lines[end - 1].strip() for _start, end, _indent in blocks] == [
        "✘ Утверждение: чужое — не подтвердилось (×0)",
        FAILS.render(),
    ]
    assert {indent for *_, indent in blocks} == {4}


def test_a_claim_this_build_did_not_check_is_named_from_the_script(tmp_path):
    script = tmp_path / "plot_x.py"
    script.write_text(
        "from potok import claims\n"
        "for key in ('3.14t',):\n"
        "    claims.check(f'faster-on-{key}', f'на {key} потоки ускоряют',\n"
        "                 confirmed=True, evidence='x', reason_if_not='занято')\n"
        "claims.check('plain', 'просто текст', confirmed=True, evidence='x',\n"
        "             reason_if_not='занято')\n",
        encoding="utf-8",
    )
    text_of = potok_claims.script_claim_text
    assert text_of(script, "plain") == "просто текст"
    assert text_of(script, "faster-on-3.13t") == "на … потоки ускоряют"
    assert text_of(script, "missing") is None


# --- a small site with all of it -------------------------------------------------

EXAMPLE = '''\
"""
Пример с вердиктами
===================

Два графика, у каждого свой вывод и своё утверждение.
"""

import matplotlib.pyplot as plt

from potok import claims

fig, ax = plt.subplots()
ax.plot([1, 2])
ax.set_title("Первый график")
plt.show()
claims.check("holds", "первое держится", confirmed=True, evidence="×1.93",
             reason_if_not="машина была занята")
print("✘ Утверждение: чужое — не подтвердилось (×0)")

# %%
# Второй блок.

fig, ax = plt.subplots()
ax.plot([2, 1])
ax.set_title("Второй график")
plt.show()
claims.check(
    "fails",
    "второе держится",
    confirmed=False,
    evidence="×0.94",
    reason_if_not="машина была занята",
)
if False:  # only some machines check this one
    claims.check("elsewhere", "третье проверяют не везде", confirmed=True,
                 evidence="x", reason_if_not="это сборка с GIL")
'''

INDEX = """\
# Проба

```{verdicts} plot_verdicts
Объяснение для читателя: замер разошёлся с уроком.
```

```{verdicts} plot_verdicts
:claims: holds

Этого не видно: всё подтвердилось.
```

- {claim}`?plot_verdicts:elsewhere`

````{container} potok-choose
- **Ветка, чей совет держится.**

  - {claim}`plot_verdicts:holds`

- **Ветка, чей совет не подтвердился.**

  - {claim}`plot_verdicts:fails`

  - **Ветка глубже.**

    - {claim}`plot_verdicts:holds`
````

```{measured} plot_verdicts
:figure: 2
:claims: fails

Подпись к графику.
```

```{toctree}
claims
auto_examples/index
```
"""

CLAIMS = """\
# Проверка утверждений

```{include} auto_examples/claims.txt
```
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_site(
        tmp_path_factory.mktemp("verdicts"),
        index=INDEX,
        examples={"plot_verdicts.py": EXAMPLE},
    )
    (root / "docs" / "claims.md").write_text(CLAIMS, encoding="utf-8")
    proc = build(root, POTOK_SITE_URL="https://example.org/potok/", **NO_NETWORK)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return root / "docs" / "_build" / "html"


def soup(built: Path, name: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup((built / name).read_text(encoding="utf-8"), "html.parser")


def following_verdicts(node):
    """The ``.potok-verdicts`` block right after ``node``, if that is what
    follows it."""
    nxt = node.find_next_sibling(True)
    return nxt if nxt is not None and "potok-verdicts" in nxt["class"] else None


def test_example_page_shows_each_verdict_under_its_figure_and_output(built):
    page = soup(built, "auto_examples/01_test/plot_verdicts.html")
    outputs = page.select("div.sphx-glr-script-out")
    assert len(outputs) == 2
    boxes = [following_verdicts(o) for o in outputs]
    assert all(boxes), "a verdicts block right after each output block"
    first, second = boxes
    [holds] = first.select(".potok-verdict")
    [fails] = second.select(".potok-verdict")
    assert "potok-verdict-confirmed" in holds["class"]
    assert holds.select_one(".potok-verdict-mark").get_text() == "✔"
    assert "первое держится" in holds.get_text() and "×1.93" in holds.get_text()
    assert "potok-verdict-refuted" in fails["class"]
    assert fails.select_one(".potok-verdict-mark").get_text() == "✘"
    assert "Вероятная причина: машина была занята" in text(fails)
    # under its figure: the block's image comes before it
    image = page.find("img", alt="Второй график")
    assert image.find_next(class_="potok-verdicts") is second
    # only the record's claims: a printed line that looks like one is not
    assert len(page.select(".potok-verdict")) == 2
    assert "чужое" not in " ".join(b.get_text() for b in boxes)


def test_directive_explains_only_a_result_against_the_lesson(built):
    page = soup(built, "index.html")
    both, only_holds, _measured = page.select("div.potok-verdicts")
    assert len(both.select(".potok-verdict")) == 2
    note = both.select_one(".potok-verdicts-note")
    assert note is not None and "замер разошёлся с уроком" in note.get_text()
    assert len(only_holds.select(".potok-verdict")) == 1
    assert only_holds.select_one(".potok-verdicts-note") is None
    assert "Этого не видно" not in page.get_text()
    # a claim this build did not check is named, with the reason
    missing = page.select_one("li .potok-verdict-missing")
    assert "третье проверяют не везде" in missing.get_text()
    assert "пример выполнялся, но не проверял это" in missing.get_text()


def test_a_guide_branch_whose_claim_failed_says_so_after_its_advice(built):
    page = soup(built, "index.html")
    tree = page.select_one("div.potok-choose")
    notes = tree.select(".potok-branch-failed")
    assert len(notes) == 1, "one note: only the branch whose own claim failed"
    [note] = notes
    branch = note.find_parent("li")
    assert branch.p.get_text().startswith("Ветка, чей совет не подтвердился")
    assert note.find_previous_sibling("p") is branch.p  # right after the advice
    said = text(note)
    assert "В этой сборке замер не подтвердил этот совет" in said
    assert "второе держится — ×0.94" in said
    assert "Вероятная причина: машина была занята" in said


def test_a_chapter_shows_the_figure_this_build_drew_with_its_verdicts(built):
    page = soup(built, "index.html")
    [box] = page.select("div.potok-measured")
    img = box.find("img")
    # the gallery's own figure (its file, alt text and 2x), not a copy
    assert img["src"].endswith("sphx_glr_plot_verdicts_002.png"), img["src"]
    assert img["alt"] == "Второй график"
    assert "2_00x" in img.get("srcset", "")
    caption = box.select_one(".potok-measured-caption")
    assert text(caption).startswith("Подпись к графику. Замер этой сборки:")
    example = "auto_examples/01_test/plot_verdicts.html"
    assert (
        caption.a["href"]
        == f"{example}#sphx-glr-auto-examples-01-test-plot-verdicts-py"
    )
    [verdict] = box.select(".potok-verdict")
    assert "potok-verdict-refuted" in verdict["class"]
    # the figure, then the caption, then the verdicts
    order = [c for c in box.find_all(True) if c is img or c is caption or c is verdict]
    assert order == [img, caption, verdict]


def test_claims_page_lists_failures_first_under_headings(built):
    page = soup(built, "claims.html")
    headings = [h.get_text(" ", strip=True).rstrip("¶ ") for h in page.select("h2")]
    assert headings == ["Где не подтвердилось"]
    [section] = page.select("section section section")
    assert "Пример с вердиктами" in section.h3.get_text()
    kinds = [
        c
        for b in section.select(".potok-verdict")
        for c in b["class"]
        if c.startswith("potok-verdict-")
    ]
    assert kinds == ["potok-verdict-refuted", "potok-verdict-confirmed"]
    # the list on top links to the section
    link = page.select_one("section section > ul a")
    assert (
        link["href"] == f"#{section['id']}"
        or link["href"].endswith(f"#{section['id']}")
        or section.find(id=link["href"].split("#")[-1])
    )
