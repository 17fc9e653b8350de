"""The page «Проверка утверждений»: every claim of the site with its verdict.

Each example states what its page teaches as claims and checks them on the
numbers it has just measured (:mod:`potok.claims`); each run leaves its record
(:mod:`potok.records`, ``<stem>.record.json`` beside the generated page). After
sphinx-gallery has run (or reused) the examples, this extension reads those
records and writes ``auto_examples/claims.txt`` (an output folder, like the
rest of the gallery; not a page by itself): a summary, then one table per
example, in MyST. ``docs/claims.md`` includes it, so Sphinx re-reads that page
when the file changes; it is written only when its text changed, so a rebuild
with nothing changed reads nothing. Nothing here reads the printed verdicts.

The role ``{claim}`` puts one claim's verdict of this build into a page's text
(the guide «Что выбрать», docs/choose.md)::

    {claim}`plot_process_pool:more-processes-than-cpus`

names an example by its file's stem and one of its claims by id. It renders ✔
or ✘ with the verdict, the claim's text as a link to the example's page and the
evidence this build measured. An unknown example or id fails the strict build,
naming the page and line and listing the ids there are. A claim the example
checks only on some machines (when a free-threaded build or a second CPU is
there) is marked with ``?`` before the stem; when this build did not check it,
the role says it was not measured here. An example with no record did not run
in this build (``--example``, a skipped example): the role says so and links
the page. The page that uses the role is read again whenever the example's
record changes.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

from potok import records
from potok.claims import Claim

from .gallery import gallery_dirs

logger = logging.getLogger(__name__)

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


def verdicts(record: records.Record) -> list[Verdict]:
    """The claims a run's record holds, in the order they were checked."""
    fields = ("id", "text", "confirmed", "evidence", "reason", "numbers")
    return [Claim(**{k: c[k] for k in fields if k in c}) for c in record.claims]


def record_of(page: Path) -> records.Record | None:
    """The record beside a generated example page (``plot_x.rst``), if any."""
    try:
        return records.load(page.with_name(page.stem + records.SUFFIX))
    except records.RecordError:
        return None


def example_label(page: Path, gallery: Path) -> str:
    """sphinx-gallery's ref label of the example page ``page`` under ``gallery``."""
    rel = page.relative_to(gallery.parent).with_suffix(".py").as_posix()
    return "sphx_glr_" + rel.replace("/", "_")


def collect(gallery: Path) -> dict[str, list[Verdict]]:
    """Ref label of each example page under ``gallery`` -> its verdicts, in order."""
    found: dict[str, list[Verdict]] = {}
    for page in sorted(gallery.glob("*/plot_*.rst")):
        record = record_of(page)
        if record is not None and record.claims:
            found[example_label(page, gallery)] = verdicts(record)
    return found


def write_page(app: Sphinx) -> None:
    """builder-inited, after sphinx-gallery: (re)write the claims page."""
    out = gallery_dirs(app)[0][1]
    out.mkdir(parents=True, exist_ok=True)
    text = page_text(collect(out))
    target = out / INCLUDED
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


class ClaimError(ValueError):
    """A {claim} reference that names no claim, or more than one."""


def split_target(text: str) -> tuple[bool, str, str]:
    """``[?]stem:claim-id`` -> (optional, stem, claim id)."""
    stem, sep, claim_id = text.partition(":")
    stem, claim_id = stem.strip(), claim_id.strip()
    optional = stem.startswith("?")
    stem = stem.removeprefix("?").strip()
    if (
        not sep
        or not re.fullmatch(r"plot_\w+", stem)
        or not re.fullmatch(r"[a-z0-9]+(?:[-.][a-z0-9]+)*", claim_id)
    ):
        raise ClaimError(
            f"{{claim}}`{text}`: write {{claim}}`plot_name:claim-id` (with ? before "
            "the name for a claim this build may not check)"
        )
    return optional, stem, claim_id


def find_claim(
    claims: list[Claim], claim_id: str, *, optional: bool = False, where: str = ""
) -> Claim | None:
    """The claim of ``claims`` with this id; None if there is none and
    ``optional``; otherwise :class:`ClaimError` listing the ids there are."""
    hit = next((c for c in claims if c.id == claim_id), None)
    if hit is not None or optional:
        return hit
    listed = ", ".join(c.id for c in claims) or "none"
    raise ClaimError(f"{where}no claim has the id {claim_id!r}; the ids: {listed}")


NOT_MEASURED = "в этой сборке не измерено:"
NOT_RUN = "в этой сборке пример не выполнялся:"


def claim_nodes(
    claim: Claim | None, label: str, docname: str, *, missing: str = NOT_MEASURED
) -> list[nodes.Node]:
    """✔/✘, the claim as a link to its example, its evidence; or, for a claim
    this build did not measure (``claim`` None), ``missing`` and a link to the
    example, titled by its page."""
    if claim is None:
        css, mark, text = "potok-claim-missing", missing, ""
    elif claim.confirmed:
        css, mark, text = "potok-claim-confirmed", "✔ подтвердилось:", claim.text
    else:
        css, mark, text = "potok-claim-refuted", "✘ не подтвердилось:", claim.text
    ref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="ref",
        reftarget=label.lower(),
        refexplicit=bool(text),
        refwarn=True,
        refdoc=docname,
    )
    ref += nodes.inline(text, text)
    box = nodes.inline(classes=["potok-claim", css])
    box += nodes.inline(mark, mark, classes=["potok-claim-mark"])
    box += nodes.Text(" ")
    box += ref
    if claim is not None:
        evidence = claim.evidence
        if not claim.confirmed and claim.reason:
            evidence += f"; вероятная причина: {claim.reason}"
        box += nodes.Text(" — ")
        box += nodes.inline(evidence, evidence, classes=["potok-claim-evidence"])
    return [box]


class ClaimRole(SphinxRole):
    """{claim}`[?]plot_name: piece of the claim` (see the module's docstring)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        try:
            optional, stem, piece = split_target(self.text)  # piece: the id
            gallery = gallery_dirs(self.env.app)[0][1]
            pages = sorted(gallery.glob(f"*/{stem}.rst"))
            if len(pages) != 1:
                known = ", ".join(sorted(p.stem for p in gallery.glob("*/plot_*.rst")))
                raise ClaimError(
                    f"{{claim}}`{self.text}`: {len(pages) or 'no'} example pages "
                    f"named {stem!r} under {gallery.name}/; the examples: {known}"
                )
            page = pages[0]
            self.env.note_dependency(str(page.resolve()))
            record_file = page.with_name(page.stem + records.SUFFIX)
            if record_file.exists():
                self.env.note_dependency(str(record_file.resolve()))
            label = example_label(page, gallery)
            record = record_of(page)
            if record is None:  # the example did not run in this build
                return claim_nodes(None, label, self.env.docname, missing=NOT_RUN), []
            where = f"{{claim}}`{self.text}`: {stem}: "
            claim = find_claim(verdicts(record), piece, optional=optional, where=where)
        except ClaimError as error:
            logger.warning(str(error), location=self.get_location(), type="potok")
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        return claim_nodes(claim, label, self.env.docname), []
