"""The role {claim}: one claim's verdict of this build in a page's text.

The matching on its own, and a small site built with the role (a claim
confirmed, one refuted, one this build did not print, a page re-read when the
example's output changes; the errors naming page and line).
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("sphinx", reason="the build checks need the docs group")

from potok_claims import ClaimError, find_claim, split_target
from test_build import build, make_site, text_of

from potok.claims import Claim

CLAIMS = [
    Claim("процессы ускоряют вычисления: у каждого свой GIL", True, "×1.9"),
    Claim("потоки не ускоряют вычисления на чистом Python", False, "×1.4", "занято"),
]


def test_a_reference_is_a_stem_and_a_piece():
    assert split_target("plot_x: процессы  ускоряют\n вычисления") == (
        False,
        "plot_x",
        "процессы ускоряют вычисления",
    )
    assert split_target(" ?plot_x : без GIL") == (True, "plot_x", "без GIL")


@pytest.mark.parametrize("text", ["plot_x", "plot_x:", ": текст", "x: текст", "*: a"])
def test_a_malformed_reference_says_how_to_write_one(text):
    with pytest.raises(ClaimError, match="plot_name: a piece of the claim"):
        split_target(text)


def test_a_piece_in_one_claim_finds_it():
    assert find_claim(CLAIMS, "у каждого свой GIL") is CLAIMS[0]
    assert find_claim(CLAIMS, "потоки не ускоряют") is CLAIMS[1]


def test_a_piece_in_no_claim_lists_the_claims():
    with pytest.raises(ClaimError) as error:
        find_claim(CLAIMS, "asyncio", where="choose.md: ")
    message = str(error.value)
    assert message.startswith("choose.md: no claim contains «asyncio»")
    assert all(f"«{c.text}»" in message for c in CLAIMS)


def test_an_optional_piece_in_no_claim_is_not_measured():
    assert find_claim(CLAIMS, "без GIL два потока", optional=True) is None


@pytest.mark.parametrize("optional", [False, True])
def test_a_piece_in_several_claims_lists_them(optional):
    with pytest.raises(ClaimError) as error:
        find_claim(CLAIMS, "ускоряют вычисления", optional=optional)
    message = str(error.value)
    assert "«ускоряют вычисления» occurs in 2 claims" in message
    assert "quote more of the one you mean" in message
    assert all(f"«{c.text}»" in message for c in CLAIMS)


# --- a small site that uses the role --------------------------------------------

EXAMPLE = '''\
"""
Пример с утверждениями
======================

Печатает два вердикта.
"""

from potok import claims

claims.check("процессы ускоряют вычисления", confirmed=True, evidence="{first}")
claims.check(
    "потоки не ускоряют вычисления",
    confirmed=False,
    evidence="×1.40",
    reason_if_not="машина была занята",
)
'''

GOOD = """\
# Проба

- {claim}`plot_claims: процессы ускоряют`
- {claim}`plot_claims: потоки не`
- {claim}`?plot_claims: без GIL два потока`

```{toctree}
auto_examples/index
```
"""


def test_the_role_renders_verdicts_and_follows_the_example(tmp_path):
    site = make_site(
        tmp_path,
        index=GOOD,
        examples={"plot_claims.py": EXAMPLE.replace("{first}", "ускорение ×1.93")},
    )
    proc = build(site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    index = site / "docs/_build/html/index.html"
    html = index.read_text(encoding="utf-8")
    page = "auto_examples/01_test/plot_claims.html#sphx-glr-auto-examples-01-test"
    assert html.count(f'href="{page}-plot-claims-py"') == 3
    text = text_of(html)
    assert "✔ подтвердилось: процессы ускоряют вычисления — ускорение ×1.93" in text
    assert (
        "✘ не подтвердилось: потоки не ускоряют вычисления — ×1.40; "
        "вероятная причина: машина была занята"
    ) in text
    assert "в этой сборке не измерено: Пример с утверждениями" in text

    # a new output of the example: the page that quotes it is read again
    script = site / "examples/01_test/plot_claims.py"
    script.write_text(EXAMPLE.replace("{first}", "ускорение ×1.51"), encoding="utf-8")
    again = build(site)
    assert again.returncode == 0, again.stdout + again.stderr
    text = text_of(index.read_text(encoding="utf-8"))
    assert "ускорение ×1.51" in text and "×1.93" not in text


def test_a_wrong_reference_fails_the_build_naming_page_and_line(tmp_path):
    index = GOOD.replace("процессы ускоряют", "asyncio").replace(
        "потоки не", "ускоряют вычисления"
    )
    index = index.replace("?plot_claims", "plot_missing")
    site = make_site(
        tmp_path,
        index=index,
        examples={"plot_claims.py": EXAMPLE.replace("{first}", "×2")},
    )
    proc = build(site)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert re.search(r"index\.md:3: WARNING: .*no claim contains «asyncio»", out), out
    assert re.search(r"index\.md:4: WARNING: .*occurs in 2 claims", out), out
    assert re.search(
        r"index\.md:5: WARNING: .*no example pages named 'plot_missing'.*plot_claims",
        out,
    ), out
