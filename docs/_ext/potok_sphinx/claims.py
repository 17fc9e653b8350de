"""The page «Проверка утверждений»: every claim of the site with its verdict.

Each example states what its page teaches as a claim and prints the verdict on
the numbers it has just measured (:mod:`potok.claims`). After sphinx-gallery has
run (or reused) the examples, this extension reads those verdict lines from the
generated example pages and writes ``auto_examples/claims.txt`` (an output
folder, like the rest of the gallery; not a page by itself): a summary, then one
table per example, in MyST. ``docs/claims.md`` includes it, so Sphinx re-reads
that page when the file changes; it is written only when its text changed, so a
rebuild with nothing changed reads nothing.

The verdict lines have the shape :meth:`potok.claims.Claim.render` gives them;
:func:`potok.claims.parse` is its inverse (tests/test_claims_page.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx

from potok.claims import Claim, parse

from .gallery import gallery_dirs

INCLUDED = "claims.txt"
#: One claim and its verdict, as potok.claims prints and parses it.
Verdict = Claim


def _cell(text: str) -> str:
    """Text for a table cell, with MyST's markup characters escaped."""
    return re.sub(r"([\\`*_\[\]<>{}|$])", r"\\\1", text)


def page_text(found: dict[str, list[Verdict]]) -> str:
    """MyST for the page; ``found`` maps an example's ref label to its claims."""
    total = sum(len(v) for v in found.values())
    confirmed = sum(c.confirmed for v in found.values() for c in v)
    if not total:
        return "В этой сборке ни один пример не напечатал утверждений.\n"
    lines = [
        f"Подтвердилось: **{confirmed}** из **{total}**; "
        f"не подтвердилось: **{total - confirmed}**.",
        "",
    ]
    for label, claims in found.items():
        ok = sum(c.confirmed for c in claims)
        lines.append(f"- {{ref}}`{label}` — {ok} из {len(claims)}")
    lines.append("")
    for label, claims in found.items():
        lines += [
            f"{{ref}}`{label}`",
            "",
            "```{list-table}",
            ":header-rows: 1",
            ":widths: 50 15 35",
            "",
            "* - Утверждение",
            "  - Вердикт",
            "  - Числа этой сборки",
        ]
        for c in claims:
            verdict = "✔ подтвердилось" if c.confirmed else "✘ не подтвердилось"
            evidence = c.evidence + (
                f"; вероятная причина: {c.reason}" if c.reason else ""
            )
            lines += [
                f"* - {_cell(c.text)}",
                f"  - {verdict}",
                f"  - {_cell(evidence)}",
            ]
        lines += ["```", ""]
    return "\n".join(lines)


def collect(gallery: Path) -> dict[str, list[Verdict]]:
    """Ref label of each example page under ``gallery`` -> its verdicts, in order."""
    found: dict[str, list[Verdict]] = {}
    for page in sorted(gallery.glob("*/plot_*.rst")):
        verdicts = []
        for line in page.read_text(encoding="utf-8").splitlines():
            v = parse(line)
            if v is not None:
                verdicts.append(v)
        if verdicts:
            rel = page.relative_to(gallery.parent).with_suffix(".py").as_posix()
            found["sphx_glr_" + rel.replace("/", "_")] = verdicts
    return found


def write_page(app: Sphinx) -> None:
    """builder-inited, after sphinx-gallery: (re)write the claims page."""
    out = gallery_dirs(app)[0][1]
    out.mkdir(parents=True, exist_ok=True)
    text = page_text(collect(out))
    target = out / INCLUDED
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
