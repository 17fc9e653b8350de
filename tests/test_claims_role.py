"""The role {claim}: one claim's verdict of this build in a page's text.

The matching on its own; a small site built with the role (a claim confirmed,
one refuted, one this build did not print, a page re-read when the example's
output changes; the errors naming page and line); and the guide «Что выбрать»,
whose every reference must name an example that exists and a piece of a claim
text that example (or the potok module it uses) really prints.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the build checks need the docs group")

from potok_sphinx import claims as potok_claims
from potok_sphinx.claims import ClaimError, find_claim, split_target
from sites import build, html, make_site, text

from potok.claims import Claim

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "choose.md"
ROLE = re.compile(r"\{claim\}`([^`]*)`")

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
    built = html(site, "index")
    page = "auto_examples/01_test/plot_claims.html#sphx-glr-auto-examples-01-test"
    assert len(built.select(f'.potok-claim a[href="{page}-plot-claims-py"]')) == 3
    shown = text(built)
    assert "✔ подтвердилось: процессы ускоряют вычисления — ускорение ×1.93" in shown
    assert (
        "✘ не подтвердилось: потоки не ускоряют вычисления — ×1.40; "
        "вероятная причина: машина была занята"
    ) in shown
    assert "в этой сборке не измерено: Пример с утверждениями" in shown

    # a new output of the example: the page that quotes it is read again
    script = site / "examples/01_test/plot_claims.py"
    script.write_text(EXAMPLE.replace("{first}", "ускорение ×1.51"), encoding="utf-8")
    again = build(site)
    assert again.returncode == 0, again.stdout + again.stderr
    shown = text(html(site, "index"))
    assert "ускорение ×1.51" in shown and "×1.93" not in shown


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


# --- the guide «Что выбрать» ------------------------------------------------------


def templates(path: Path) -> list[list[str | None]]:
    """Every string in a Python file, an f-string's fields as None."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append([node.value])
        elif isinstance(node, ast.JoinedStr):
            found.append(
                [v.value if isinstance(v, ast.Constant) else None for v in node.values]
            )
    return found


def could_print(template: list[str | None], piece: str) -> bool:
    """Whether some text the template renders to contains ``piece``, with at
    least half of the piece from the template's own words (a field stands for
    any text of one or more characters, so a field alone would match anything)."""
    tokens = [ch for part in template for ch in (part if part is not None else [None])]
    piece = " ".join(piece.split())
    # (token position, inside a field) -> most characters matched literally
    states = {(j, False): 0 for j in range(len(tokens))}  # start anywhere
    for ch in piece:
        nxt: dict[tuple[int, bool], int] = {}
        for (j, inside), literal in states.items():
            steps = []
            if inside:
                steps.append(((j, True), literal))  # the field goes on
                j += 1  # or it ended before this character
            if j < len(tokens):
                if tokens[j] is None:
                    steps.append(((j, True), literal))
                elif tokens[j] == ch or (ch == " " and tokens[j].isspace()):
                    steps.append(((j + 1, False), literal + 1))
            for state, count in steps:
                nxt[state] = max(nxt.get(state, -1), count)
        states = nxt
    return any(2 * literal >= len(piece) for literal in states.values())


def test_could_print_reads_fields_as_any_text():
    template = [None, ": когда исполнителей не меньше"]
    assert could_print(template, "наши процессы: когда исполнителей")
    assert could_print(template, "когда исполнителей")
    assert not could_print(template, "наши процессы, когда исполнителей")
    assert not could_print([None, ": когда"], "любой текст: когда")
    assert not could_print(["на сборке с GIL"], "без GIL")


def sources(example: Path) -> list[Path]:
    """The example and the potok modules it imports."""
    found = [example]
    for node in ast.walk(ast.parse(example.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "potok":
            found += [ROOT / "src/potok" / f"{a.name}.py" for a in node.names]
    return [p for p in found if p.exists()]


def guide_references() -> list[tuple[int, str]]:
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    return [(n, m) for n, line in enumerate(lines, 1) for m in ROLE.findall(line)]


def test_the_guide_quotes_claims_its_examples_print():
    refs = guide_references()
    assert len(refs) >= 20, "the guide lost its measured branches"
    scripts = {p.stem: p for p in (ROOT / "examples").glob("*/plot_*.py")}
    problems = []
    for line, ref in refs:
        _optional, stem, piece = split_target(ref)
        if stem not in scripts:
            problems.append(f"docs/choose.md:{line}: no example {stem}")
            continue
        found = [t for p in sources(scripts[stem]) for t in templates(p)]
        if not any(could_print(t, piece) for t in found):
            problems.append(
                f"docs/choose.md:{line}: {stem} prints no claim containing «{piece}»"
            )
    assert not problems, "\n".join(problems)


def test_the_guide_is_a_chapter_of_the_site():
    index = (ROOT / "docs/index.md").read_text(encoding="utf-8")
    chapters = index.split(":caption: Главы", 1)[1].split("```", 1)[0].split()
    assert (
        chapters.index("choose") == chapters.index("chapters/13-oversubscription") + 1
    )
    # «Как читать» explains the words the role writes for a claim not measured
    guide = " ".join(GUIDE.read_text(encoding="utf-8").split())
    assert potok_claims.NOT_MEASURED.rstrip(":") in guide
