"""The role {claim}: one claim's verdict of this build in a page's text.

The matching on its own; a small site built with the role (a claim confirmed,
one refuted, one this build did not check, a page re-read when the example's
record changes; the errors naming page and line); and the guide «Что выбрать»,
whose every reference must name an example that exists and the id of a claim
that example checks.
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
    Claim("processes-speed-up", "процессы ускоряют вычисления", True, "×1.9"),
    Claim("threads-no-speedup", "потоки не ускоряют", False, "×1.4", "занято"),
]


def test_a_reference_is_a_stem_and_an_id():
    assert split_target("plot_x:processes-speed-up") == (
        False,
        "plot_x",
        "processes-speed-up",
    )
    assert split_target(" ?plot_x : faster-on-3.13t ") == (
        True,
        "plot_x",
        "faster-on-3.13t",
    )


@pytest.mark.parametrize(
    "text", ["plot_x", "plot_x:", ":an-id", "x:an-id", "plot_x:Текст", "plot_x:a b"]
)
def test_a_malformed_reference_says_how_to_write_one(text):
    with pytest.raises(ClaimError, match="plot_name:claim-id"):
        split_target(text)


def test_an_id_finds_its_claim():
    assert find_claim(CLAIMS, "processes-speed-up") is CLAIMS[0]
    assert find_claim(CLAIMS, "threads-no-speedup") is CLAIMS[1]


def test_an_unknown_id_lists_the_ids():
    with pytest.raises(ClaimError) as error:
        find_claim(CLAIMS, "asyncio", where="choose.md: ")
    message = str(error.value)
    assert message.startswith("choose.md: no claim has the id 'asyncio'")
    assert "processes-speed-up, threads-no-speedup" in message


def test_an_optional_unknown_id_is_not_measured():
    assert find_claim(CLAIMS, "no-gil-faster", optional=True) is None


# --- a small site that uses the role --------------------------------------------

EXAMPLE = '''\
"""
Пример с утверждениями
======================

Печатает два вердикта.
"""

from potok import claims

claims.check(
    "processes-speed-up",
    "процессы ускоряют вычисления",
    confirmed=True,
    evidence="{first}",
    reason_if_not="машина была занята",
)
claims.check(
    "threads-no-speedup",
    "потоки не ускоряют вычисления",
    confirmed=False,
    evidence="×1.40",
    reason_if_not="машина была занята",
)
if False:  # a claim only some machines check
    claims.check(
        "no-gil-two-threads",
        "без GIL два потока считают быстрее одного",
        confirmed=True,
        evidence="×2",
        reason_if_not="это сборка с GIL",
    )
'''

GOOD = """\
# Проба

- {claim}`plot_claims:processes-speed-up`
- {claim}`plot_claims:threads-no-speedup`
- {claim}`?plot_claims:no-gil-two-threads`

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
    links = built.select(f'.potok-verdict a[href="{page}-plot-claims-py"]')
    assert len(links) == 3
    # the text alone, as a search result or a copy has it (no space before ";")
    shown = text(built).replace(" ;", ";")
    assert "✔ Подтвердилось: процессы ускоряют вычисления — ускорение ×1.93" in shown
    assert (
        "✘ Не подтвердилось: потоки не ускоряют вычисления — ×1.40; "
        "Вероятная причина: машина была занята"
    ) in shown
    # a claim this build did not check is named, as the script states it
    assert (
        "? В этой сборке не измерено: без GIL два потока считают быстрее одного — "
        "пример выполнялся, но не проверял это"
    ) in shown
    # each verdict can be linked to: claim-<stem>-<id>
    for claim_id in ("processes-speed-up", "threads-no-speedup", "no-gil-two-threads"):
        box = built.find(id=f"claim-plot-claims-{claim_id}")
        assert box is not None and "potok-verdict" in box["class"], claim_id

    # a new output of the example: the page that quotes it is read again
    script = site / "examples/01_test/plot_claims.py"
    script.write_text(EXAMPLE.replace("{first}", "ускорение ×1.51"), encoding="utf-8")
    again = build(site)
    assert again.returncode == 0, again.stdout + again.stderr
    shown = text(html(site, "index"))
    assert "ускорение ×1.51" in shown and "×1.93" not in shown


def test_a_wrong_reference_fails_the_build_naming_page_and_line(tmp_path):
    index = GOOD.replace("processes-speed-up", "asyncio").replace(
        "threads-no-speedup", "Потоки"
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
    assert re.search(r"index\.md:3: WARNING: .*no claim has the id 'asyncio'", out), out
    assert re.search(r"index\.md:4: WARNING: .*plot_name:claim-id", out), out
    assert re.search(
        r"index\.md:5: WARNING: .*no example pages named 'plot_missing'.*plot_claims",
        out,
    ), out


# --- the guide «Что выбрать» ------------------------------------------------------


def claim_ids(path: Path) -> list[str]:
    """The ids of the claims.check calls in a script: literals, and f-strings as
    regular expressions (a field stands for any text)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "check"
            and node.args
        ):
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append(re.escape(first.value))
        elif isinstance(first, ast.JoinedStr):
            found.append(
                "".join(
                    re.escape(v.value) if isinstance(v, ast.Constant) else ".+"
                    for v in first.values
                )
            )
    return found


def guide_references() -> list[tuple[int, str]]:
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    return [(n, m) for n, line in enumerate(lines, 1) for m in ROLE.findall(line)]


def test_the_guide_refers_to_claims_its_examples_check():
    refs = guide_references()
    assert len(refs) >= 20, "the guide lost its measured branches"
    scripts = {p.stem: p for p in (ROOT / "examples").glob("*/plot_*.py")}
    problems = []
    for line, ref in refs:
        _optional, stem, claim_id = split_target(ref)
        if stem not in scripts:
            problems.append(f"docs/choose.md:{line}: no example {stem}")
            continue
        if not any(re.fullmatch(p, claim_id) for p in claim_ids(scripts[stem])):
            problems.append(
                f"docs/choose.md:{line}: {stem} checks no claim with the id {claim_id}"
            )
    assert not problems, "\n".join(problems)


def test_the_guide_is_a_chapter_of_the_site():
    index = (ROOT / "docs/index.md").read_text(encoding="utf-8")
    chapters = index.split(":caption: Главы", 1)[1].split("```", 1)[0].split()
    # the guide comes right after the last chapter
    last = max(i for i, name in enumerate(chapters) if name.startswith("chapters/"))
    assert chapters.index("choose") == last + 1
    # «Как читать» explains the words the role writes for a claim not measured
    guide = " ".join(GUIDE.read_text(encoding="utf-8").split())
    assert potok_claims.NOT_MEASURED.rstrip(":").lower() in guide


#: a link of the guide's table at the top: [tool](#claim-<stem>-<id>)
TABLE_LINK = re.compile(r"\]\(#(claim-[a-z0-9-]+)\)")


def test_the_guide_opens_with_a_table_that_links_into_its_tree():
    guide = GUIDE.read_text(encoding="utf-8")
    top = guide.split("\n## ", 1)[0]  # before the first section («Как читать»)
    rows = [line for line in top.splitlines() if line.startswith("| ")]
    assert rows and rows[0].startswith("| Задача"), "no task -> tool table on top"
    links = TABLE_LINK.findall(top)
    assert len(links) == len(rows) - 2 >= 8, "every row links into the tree"
    # each link lands on a claim's verdict in the tree, under the branch it names
    in_tree = {
        potok_claims.anchor(stem, claim_id)
        for _line, ref in guide_references()
        for _optional, stem, claim_id in [split_target(ref)]
    }
    missing = [link for link in links if link not in in_tree]
    assert not missing, f"the table links to claims the tree does not show: {missing}"
