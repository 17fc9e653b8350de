"""Verdicts of this build: one component wherever a claim is shown.

Each example states what its page teaches as claims and checks them on the
numbers it has just measured (:mod:`potok.claims`); each run leaves its record
(:mod:`potok.records`, ``<stem>.record.json`` beside the generated page).
Everything here reads those records; nothing reads the printed verdicts back.

**The component** (:func:`verdict`): one claim's verdict as a block of its
own: ✔ in a round badge or ✘ in a square one (colour *and* shape, and the word
«подтвердилось» / «не подтвердилось»), the claim, the evidence this build
measured, and for a failed claim a tinted background and the likely reason;
for a claim this build did not check, «?», the claim's text (read from the
script) and why. It is made of inline nodes, so the same tree serves a block
(the directive) and running text (the role); ``potok.css`` lays it out. Each
gets the anchor ``claim-<stem>-<id>`` (where the page has it once), so a page
can link to it.

Where it is shown:

- **Example pages.** The verdict lines an example prints stay in its output,
  for readers of the output (and of a run at home). As a gallery page is read
  (``source-read``), :func:`place_verdicts` finds, for each claim of the
  page's record, the output block in which the example printed it — by the
  record's own rendering of the claim (:meth:`potok.claims.Claim.render`),
  compared exactly with the block's lines — and puts a ``verdicts`` directive
  for those claims right after that block, that is, under the figure the
  block belongs to (sphinx-gallery writes a cell's images before its output).
  A claim no output block shows (the output was cut) goes above the download
  buttons. The directive renders from the record, not from the line.
- **The directive** ``verdicts`` (MyST ```` ```{verdicts} plot_name ````, reST
  ``.. verdicts:: plot_name``): the verdicts of one example's claims,
  ``:claims:`` picks ids (``?`` before one this build may not check), all of
  them otherwise. Its content, if any, is shown only when one of those claims
  failed: the place to explain a result against the lesson (the front page).
- **The directive** ``measured`` (``{measured} plot_name`` with ``:figure:``
  and ``:claims:``): in a chapter, beside the paragraph that discusses it, an
  example's figure as this build drew it (the gallery's own output, see
  :class:`MeasuredDirective`), a link to the example and its verdicts.
- **The page «Проверка утверждений».** After sphinx-gallery has run (or
  reused) the examples, :func:`write_page` writes ``auto_examples/claims.txt``
  (an output folder, like the rest of the gallery; ``docs/claims.md`` includes
  it): the count, then the examples where something failed, then those where
  all held — each group a list linking to its sections, each example a section
  with a heading (so the page has a table of contents) and its verdicts,
  failures first; an example where everything held keeps its verdicts
  folded (sphinx-design's dropdown), so the page stays short on a phone. It
  is written only when its text changed, so a rebuild with nothing changed
  reads nothing.
- **The role** ``{claim}`` puts one claim's verdict of this build into a page's
  text (the guide «Что выбрать», docs/choose.md)::

      {claim}`plot_process_pool:more-processes-than-cpus`

  names an example by its file's stem and one of its claims by id; the claim's
  text links to the example's page. An unknown example or id fails the strict
  build, naming the page and line and listing the ids there are. A claim the
  example checks only on some machines (when a free-threaded build or a second
  CPU is there) is marked with ``?`` before the stem; when this build did not
  check it, the role names the claim (its text as the script states it) and
  says why. An example with no record did not run in this build
  (``--example``, a skipped example): the role says so, with the reason the
  gallery recorded.
- **The guide's branches** (:func:`mark_failed_branches`): in the guide's
  tree (a ``potok-choose`` container), a branch whose own claims include one
  this build refuted says so right after its advice — which claim, the
  evidence and the likely reason — so a reader of the advice does not have to
  find the ✘ among the claims under it.

A page that shows verdicts is read again whenever the example's record
changes.
"""

from __future__ import annotations

import ast
import fnmatch
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from potok import records
from potok.claims import Claim

from .gallery import gallery_dirs, gallery_prefixes, read_manifest

logger = logging.getLogger(__name__)

INCLUDED = "claims.txt"
#: One claim and its verdict, as potok.claims prints and parses it.
Verdict = Claim


class ClaimError(ValueError):
    """A {claim} reference that names no claim, or more than one."""


# --- the records -----------------------------------------------------------------


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


_TITLE_UNDER = re.compile(r"([=\-~^\"'`#*+<>_:.])\1*")


def page_title(page: Path) -> str:
    """The title of a generated example page (the script's docstring title)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    for title, under in itertools.pairwise(lines):
        title, under = title.strip(), under.rstrip()
        if (
            title
            and not title.startswith("..")
            and len(under) >= len(title)
            and _TITLE_UNDER.fullmatch(under)
        ):
            return title
    return page.stem


@dataclass
class Example:
    """One example page and the verdicts of its last run."""

    stem: str
    label: str
    title: str
    claims: list[Verdict]

    @property
    def failed(self) -> list[Verdict]:
        return [c for c in self.claims if not c.confirmed]


def collect(gallery: Path) -> list[Example]:
    """Every example page under ``gallery`` whose record holds claims, in order."""
    found = []
    for page in sorted(gallery.glob("*/plot_*.rst")):
        record = record_of(page)
        if record is not None and record.claims:
            label = example_label(page, gallery)
            found.append(Example(page.stem, label, page_title(page), verdicts(record)))
    return found


def script_claim_text(script: Path, claim_id: str) -> str | None:
    """The text of the claim ``claim_id`` as the script states it in its
    ``claims.check(id, text, ...)`` call (an f-string's fields as «…»), for a
    claim this build did not check; None if the script has no such call."""
    try:
        tree = ast.parse(script.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return None

    def literal(node: ast.AST) -> tuple[str, str] | None:
        """(text, pattern) of a str or f-string literal; fields: «…» and .+"""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value, re.escape(node.value)
        if isinstance(node, ast.JoinedStr):
            parts = [
                (v.value, re.escape(v.value))
                if isinstance(v, ast.Constant)
                else ("…", ".+")
                for v in node.values
            ]
            return "".join(p[0] for p in parts), "".join(p[1] for p in parts)
        return None

    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "check"
            and len(node.args) >= 2
        ):
            continue
        got_id, got_text = literal(node.args[0]), literal(node.args[1])
        if got_id and got_text and re.fullmatch(got_id[1], claim_id):
            return got_text[0]
    return None


# --- the component ----------------------------------------------------------------

CONFIRMED, REFUTED, MISSING = "confirmed", "refuted", "missing"
NOT_MEASURED = "В этой сборке не измерено:"
NOT_RUN = "В этой сборке пример не выполнялся:"
#: why a claim marked "?" was not checked, when the example ran
WHY_NOT_MEASURED = (
    "пример выполнялся, но не проверял это: у машины, собравшей сайт, не нашлось "
    "нужного (free-threaded сборки, второго логического процессора); что "
    "именно — в выводе на странице примера"
)
WHY_NOT_RUN = "пример не выполнялся при этой сборке сайта"


def anchor(stem: str, claim_id: str) -> str:
    """The id of a claim's verdict in a page: ``claim-<stem>-<id>``, as docutils
    writes ids (lowercase, hyphens)."""
    return nodes.make_id(f"claim-{stem}-{claim_id}")


def _sep(text: str) -> nodes.inline:
    """Punctuation between the parts, for a reader of the text alone (a search
    result, a copy); the laid-out component hides it (potok.css)."""
    return nodes.inline(text, text, classes=["potok-verdict-sep"])


def verdict(
    claim: Claim | None,
    *,
    title: str = "",
    why: str = "",
    missing: str = NOT_MEASURED,
    link: addnodes.pending_xref | None = None,
) -> nodes.inline:
    """One claim's verdict: the component (see the module's docstring).

    ``claim`` None: this build did not check it; ``title`` names the claim,
    ``why`` says why, ``missing`` is the word for it. ``link``: an empty
    cross-reference that the claim's text goes into (the role).
    """
    if claim is None:
        kind, mark, word, text = MISSING, "?", missing, title
    elif claim.confirmed:
        kind, mark, word, text = CONFIRMED, "✔", "Подтвердилось:", claim.text
    else:
        kind, mark, word, text = REFUTED, "✘", "Не подтвердилось:", claim.text
    box = nodes.inline(classes=["potok-verdict", f"potok-verdict-{kind}"])
    box += nodes.inline(mark, mark, classes=["potok-verdict-mark"])
    box += _sep(" ")
    line = nodes.inline(classes=["potok-verdict-claim"])
    line += nodes.strong(word, word, classes=["potok-verdict-word"])
    line += nodes.Text(" ")
    if link is not None:
        link += nodes.inline(text, text)
        line += link
    else:
        line += nodes.Text(text)
    box += line
    if claim is not None:
        box += _sep(" — ")
        evidence = claim.evidence
        box += nodes.inline(evidence, evidence, classes=["potok-verdict-evidence"])
        if not claim.confirmed and claim.reason:
            box += _sep("; ")
            reason = nodes.inline(classes=["potok-verdict-reason"])
            reason += nodes.strong("Вероятная причина:", "Вероятная причина:")
            reason += nodes.Text(f" {claim.reason}")
            box += reason
    elif why:
        box += _sep(" — ")
        box += nodes.inline(why, why, classes=["potok-verdict-reason"])
    return box


def _anchored(box: nodes.Element, document: nodes.document, name: str) -> None:
    """Give ``box`` the id ``name`` unless the page already has it."""
    if name not in document.ids:
        box["ids"].append(name)
        document.ids[name] = box


# --- finding an example -------------------------------------------------------------


@dataclass
class Found:
    """An example page of this build, by its stem."""

    stem: str
    page: Path  # the generated plot_x.rst
    label: str
    record: records.Record | None
    script: Path  # the example's script
    skipped: str  # why the gallery did not run it, if it said


def find_example(env, stem: str, where: str) -> Found:
    """The example page named ``stem``; noted as a dependency of the current
    page, with its record, so the page is read again when either changes."""
    (src, gallery), *_ = gallery_dirs(env.app)
    pages = sorted(gallery.glob(f"*/{stem}.rst"))
    if len(pages) != 1:
        known = ", ".join(sorted(p.stem for p in gallery.glob("*/plot_*.rst")))
        raise ClaimError(
            f"{where}{len(pages) or 'no'} example pages named {stem!r} under "
            f"{gallery.name}/; the examples: {known}"
        )
    page = pages[0]
    env.note_dependency(str(page.resolve()))
    record_file = page.with_name(page.stem + records.SUFFIX)
    if record_file.exists():
        env.note_dependency(str(record_file.resolve()))
    rel = f"{page.parent.name}/{stem}.py"
    entry = read_manifest(gallery).get("examples", {}).get(rel, {})
    return Found(
        stem,
        page,
        example_label(page, gallery),
        record_of(page),
        src / rel,
        entry.get("skipped", ""),
    )


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


def unchecked(found: Found, claim_id: str, **kwargs) -> nodes.inline:
    """The component for a claim of ``found`` this build did not check."""
    title = script_claim_text(found.script, claim_id) or claim_id
    if found.record is None:
        why = found.skipped or WHY_NOT_RUN
        return verdict(None, title=title, why=why, missing=NOT_RUN, **kwargs)
    return verdict(None, title=title, why=WHY_NOT_MEASURED, **kwargs)


# --- the role --------------------------------------------------------------------


class ClaimRole(SphinxRole):
    """{claim}`[?]plot_name:claim-id` (see the module's docstring)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        try:
            optional, stem, claim_id = split_target(self.text)
            found = find_example(self.env, stem, f"{{claim}}`{self.text}`: ")
            link = addnodes.pending_xref(
                "",
                refdomain="std",
                reftype="ref",
                reftarget=found.label.lower(),
                refexplicit=True,
                refwarn=True,
                refdoc=self.env.docname,
            )
            if found.record is None:  # the example did not run in this build
                box = unchecked(found, claim_id, link=link)
            else:
                where = f"{{claim}}`{self.text}`: {stem}: "
                claim = find_claim(
                    verdicts(found.record), claim_id, optional=optional, where=where
                )
                if claim is None:
                    box = unchecked(found, claim_id, link=link)
                else:
                    box = verdict(claim, link=link)
        except ClaimError as error:
            logger.warning(str(error), location=self.get_location(), type="potok")
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        _anchored(box, self.inliner.document, anchor(stem, claim_id))
        return [box], []


# --- the guide's branches ------------------------------------------------------------

BRANCH_CLASS = "potok-branch-failed"
BRANCH_WORD = "В этой сборке замер не подтвердил этот совет:"


def _refuted_under(item: nodes.list_item) -> list[nodes.inline]:
    """The refuted verdicts among the claims listed right under a branch
    (``- {claim}`…``` items of its own sub-lists, not of deeper branches)."""
    found = []
    for sub in item.children[1:]:
        if not isinstance(sub, nodes.bullet_list):
            continue
        for li in sub.children:
            for paragraph in li.children:
                if not isinstance(paragraph, nodes.paragraph):
                    continue
                found += [
                    box
                    for box in paragraph.children
                    if isinstance(box, nodes.inline)
                    and f"potok-verdict-{REFUTED}" in box["classes"]
                ]
    return found


def branch_note(refuted: list[nodes.inline]) -> nodes.container:
    """The note after a branch's advice: each refuted claim's text, evidence
    and likely reason, as the verdicts below it say them."""
    note = nodes.container(classes=[BRANCH_CLASS])
    for box in refuted:
        paragraph = nodes.paragraph()
        paragraph += nodes.inline("✘", "✘", classes=["potok-verdict-mark"])
        paragraph += nodes.Text(" ")
        paragraph += nodes.strong(BRANCH_WORD, BRANCH_WORD)
        paragraph += nodes.Text(" ")
        for part in box.findall(nodes.inline):
            kind = set(part["classes"])
            if "potok-verdict-claim" in kind:
                word = part.next_node(nodes.strong)
                text = part.astext().removeprefix(word.astext() if word else "")
                paragraph += nodes.Text(text.strip())
            elif "potok-verdict-evidence" in kind:
                paragraph += nodes.Text(f" — {part.astext()}")
            elif "potok-verdict-reason" in kind:
                paragraph += nodes.Text(f". {part.astext()}")
        paragraph += nodes.Text(".")
        if box["ids"]:
            paragraph += nodes.Text(" ")
            ref = nodes.reference("", "Утверждение ниже", refid=box["ids"][0])
            paragraph += ref
            paragraph += nodes.Text(".")
        note += paragraph
    return note


def mark_failed_branches(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: in the guide's tree, a note after the advice of each
    branch whose claims this build refuted (see the module's docstring).

    Sphinx has no hook for this (the claims are rendered one by one, by the
    role); the tree is walked once the page is read, so the note follows the
    verdicts of this build's records like the role does."""
    for tree in doctree.findall(nodes.container):
        if "potok-choose" not in tree["classes"]:
            continue
        for item in tree.findall(nodes.list_item):
            if not item.children or not isinstance(item[0], nodes.paragraph):
                continue
            refuted = _refuted_under(item)
            if refuted:
                item.insert(1, branch_note(refuted))


# --- the directive ---------------------------------------------------------------


class VerdictsDirective(SphinxDirective):
    """``verdicts plot_name`` with ``:claims: id ?id …`` (see the module's
    docstring); its content is shown only when one of the claims failed."""

    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict] = {"claims": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        stem = self.arguments[0].strip()
        wanted = self.options.get("claims", "").split()
        where = f"{self.name} {stem}: "
        try:
            if not re.fullmatch(r"plot_\w+", stem):
                raise ClaimError(f"{where}name an example: {self.name} plot_name")
            found = find_example(self.env, stem, where)
            shown = chosen(found, wanted, where)
        except ClaimError as error:
            logger.warning(str(error), location=self.get_location(), type="potok")
            return []
        box = verdicts_box(shown, stem, self.state.document)
        failed = any(f"potok-verdict-{REFUTED}" in n["classes"] for _, n in shown)
        if failed and self.content:
            note = nodes.container(classes=["potok-verdicts-note"])
            self.state.nested_parse(self.content, self.content_offset, note)
            box += note
        return [box]


def verdicts_box(
    shown: list[tuple[str, nodes.inline]], stem: str, document: nodes.document
) -> nodes.container:
    """The block of verdicts :func:`chosen` picked, each anchored."""
    box = nodes.container(classes=["potok-verdicts"])
    for claim_id, node in shown:
        if claim_id:
            _anchored(node, document, anchor(stem, claim_id))
        paragraph = nodes.paragraph()
        paragraph += node
        box += paragraph
    return box


def chosen(
    found: Found, wanted: list[str], where: str
) -> list[tuple[str, nodes.inline]]:
    """(claim id, component) for each claim to show, in the order asked
    (``?id``: one this build may not check; a glob picks several)."""
    if found.record is None:
        if not wanted:
            return [("", verdict(None, title=page_title(found.page),
                                 why=found.skipped or WHY_NOT_RUN,
                                 missing=NOT_RUN))]  # fmt: skip
        return [(w.lstrip("?"), unchecked(found, w.lstrip("?"))) for w in wanted]
    claims = verdicts(found.record)
    if not wanted:
        return [(c.id, verdict(c)) for c in claims]
    shown = []
    for w in wanted:
        optional, claim_id = w.startswith("?"), w.lstrip("?")
        if any(ch in claim_id for ch in "*?["):
            shown += [
                (c.id, verdict(c))
                for c in claims
                if fnmatch.fnmatchcase(c.id, claim_id)
            ]
            continue
        claim = find_claim(claims, claim_id, optional=optional, where=where)
        shown.append(
            (claim_id, verdict(claim) if claim else unchecked(found, claim_id))
        )
    return shown


# --- the chapters: a measured figure beside its paragraph -------------------------

_IMAGE_SG = re.compile(r"^( *)\.\. image-sg:: (\S+)\n((?:\1 +:.*\n)*)", re.M)
_OPTION = re.compile(r"^\s*:([\w-]+):\s*(.*)$")


def image_options(page_text: str, stem: str, number: int) -> dict[str, str] | None:
    """The ``image-sg`` directive by which the generated example page shows
    its figure ``number``: ``{"uri": …, "alt": …, "srcset": …, "class": …}``;
    None if the page shows no such figure."""
    name = f"/sphx_glr_{stem}_{number:03d}.png"
    for m in _IMAGE_SG.finditer(page_text):
        if m.group(2).endswith(name):
            found = {"uri": m.group(2)}
            for line in m.group(3).splitlines():
                option = _OPTION.match(line)
                if option:
                    found[option.group(1)] = option.group(2).strip()
            return found
    return None


def gallery_image(options: dict[str, str]) -> nodes.Element:
    """sphinx-gallery's own image node for those options (what its
    ``image-sg`` directive makes: the figure and its 2x srcset), built here
    because a MyST page parses nested text as Markdown, not as reST."""
    from sphinx_gallery.directives import imgsgnode

    node = imgsgnode()
    node["uri"] = options["uri"]
    node["alt"] = options.get("alt", "")
    node["class"] = directives.class_option(options.get("class", "")) or None
    node["srcset"] = options.get("srcset")
    return node


class MeasuredDirective(SphinxDirective):
    """``measured plot_name`` with ``:figure: N`` (1 by default) and
    ``:claims: id ?id …``: an example's figure as this build drew it, with its
    verdicts and a link to the example, in a chapter beside the paragraph that
    discusses it. Its content, if any, is the caption.

    The figure is the gallery's own output of this build: the directive
    repeats the ``image-sg`` directive of the generated example page (its
    file, alt text and 2x srcset), so the chapter never holds a copy that
    could go stale. A figure the page does not have fails the strict build."""

    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict] = {
        "figure": directives.positive_int,
        "claims": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        stem = self.arguments[0].strip()
        number = self.options.get("figure", 1)
        where = f"{self.name} {stem}: "
        try:
            if not re.fullmatch(r"plot_\w+", stem):
                raise ClaimError(f"{where}name an example: {self.name} plot_name")
            found = find_example(self.env, stem, where)
            image = image_options(found.page.read_text(encoding="utf-8"), stem, number)
            if image is None:
                raise ClaimError(f"{where}the example's page shows no figure {number}")
            wanted = self.options.get("claims", "").split()
            shown = chosen(found, wanted, where)
        except ClaimError as error:
            logger.warning(str(error), location=self.get_location(), type="potok")
            return []
        box = nodes.container(classes=["potok-measured"])
        box += gallery_image(image)
        box += verdicts_box(shown, stem, self.state.document)
        caption = nodes.paragraph(classes=["potok-measured-caption"])
        if self.content:
            inner = nodes.container()
            self.state.nested_parse(self.content, self.content_offset, inner)
            for child in inner.children:
                if isinstance(child, nodes.paragraph):
                    caption += child.children
                    caption += nodes.Text(" ")
        caption += nodes.Text("Замер этой сборки: ")
        link = addnodes.pending_xref(
            "",
            refdomain="std",
            reftype="ref",
            reftarget=found.label.lower(),
            refexplicit=False,
            refwarn=True,
            refdoc=self.env.docname,
        )
        link += nodes.inline(found.label, found.label)
        caption += link
        caption += nodes.Text(".")
        # the caption between the figure and its verdicts
        at = next(
            (
                i
                for i, child in enumerate(box.children)
                if "potok-verdicts" in child.get("classes", [])
            ),
            len(box.children),
        )
        box.insert(at, caption)
        return [box]


# --- the example pages -----------------------------------------------------------

_OUTPUT = ".. rst-class:: sphx-glr-script-out"
_DOWNLOAD = re.compile(r"^\.\. _sphx_glr_download_\S+:\s*$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def output_blocks(lines: list[str]) -> list[tuple[int, int, int]]:
    """(first line, end, indent) of each block of printed output in a page
    sphinx-gallery generated: ``.. rst-class:: sphx-glr-script-out`` and its
    ``.. code-block:: none``; ``end`` is just after its last non-blank line."""
    found = []
    for i, line in enumerate(lines):
        if line.rstrip() != _OUTPUT:
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j == len(lines) or lines[j].strip() != ".. code-block:: none":
            continue
        directive_indent = _indent(lines[j])
        end, content_indent = j + 1, None
        for k in range(j + 1, len(lines)):
            if not lines[k].strip():
                continue
            if _indent(lines[k]) <= directive_indent:
                break
            if content_indent is None:
                content_indent = _indent(lines[k])
            end = k + 1
        found.append((j + 1, end, content_indent or 0))
    return found


def with_verdicts(text: str, stem: str, claims: list[Verdict]) -> str:
    """The page's reST with a ``verdicts`` directive after each output block
    that printed claims, for those claims; claims no block printed go above
    the download buttons (the end of the page, if there are none)."""
    lines = text.split("\n")
    blocks = output_blocks(lines)
    at: dict[int, list[str]] = {}  # line to insert after -> claim ids
    for claim in claims:
        printed = claim.render()
        hit = next(
            (
                end
                for start, end, indent in blocks
                if any(line[indent:].rstrip() == printed for line in lines[start:end])
            ),
            None,
        )
        if hit is None:
            hit = next(
                (i for i, line in enumerate(lines) if _DOWNLOAD.match(line)),
                len(lines),
            )
        at.setdefault(hit, []).append(claim.id)
    for where in sorted(at, reverse=True):
        block = ["", f".. verdicts:: {stem}", f"   :claims: {' '.join(at[where])}", ""]
        lines[where:where] = block
    return "\n".join(lines)


def place_verdicts(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: each example page shows its claims' verdicts, from its
    record, right under the output (and figure) where it printed them."""
    if not docname.startswith(tuple(gallery_prefixes(app))):
        return
    page = Path(app.srcdir) / (docname + ".rst")
    if not page.name.startswith("plot_"):
        return
    record = record_of(page)
    if record is None or not record.claims:
        return
    source[0] = with_verdicts(source[0], page.stem, verdicts(record))


# --- the page «Проверка утверждений» -------------------------------------------


def _heading(text: str) -> str:
    """A page title of reST as MyST heading text: ``code`` kept as code, MyST's
    markup characters escaped elsewhere."""
    parts = re.split(r"``(.+?)``", text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"`{part}`")
        else:
            out.append(re.sub(r"([\\`*_\[\]<>{}|$#])", r"\\\1", part))
    return "".join(out)


def _count(example: Example) -> str:
    failed, total = len(example.failed), len(example.claims)
    if failed:
        return f"не подтвердилось {failed} из {total}"
    return f"подтвердилось {total} из {total}"


#: the title of the folded verdicts of an example where every claim held
FOLDED = "Что проверено"


def section_label(stem: str) -> str:
    """The label of an example's section on the claims page."""
    return f"claims-{stem}"


def page_text(examples: list[Example]) -> str:
    """MyST for the page: the count, then the examples where something failed,
    then those where everything held; a heading per example, failures first."""
    total = sum(len(e.claims) for e in examples)
    failed = sum(len(e.failed) for e in examples)
    if not total:
        return "В этой сборке ни один пример не проверил утверждений.\n"
    failing = [e for e in examples if e.failed]
    holding = [e for e in examples if not e.failed]
    lines = [
        f"Подтвердилось: **{total - failed}** из **{total}**; "
        f"не подтвердилось: **{failed}** (в {len(failing)} примерах из "
        f"{len(examples)}). Сначала — примеры, где что-то не подтвердилось, и в "
        "каждом сначала то, что не подтвердилось, с вероятной причиной.",
        "",
    ]
    groups = (
        ("Где не подтвердилось", failing),
        ("Где всё подтвердилось", holding),
    )
    for heading, group in groups:
        if not group:
            continue
        lines += [f"## {heading}", ""]
        lines += [f"- {{ref}}`{section_label(e.stem)}` — {_count(e)}" for e in group]
        lines.append("")
        for e in group:
            ordered = e.failed + [c for c in e.claims if c.confirmed]
            shown = [
                f"```{{verdicts}} {e.stem}",
                f":claims: {' '.join(c.id for c in ordered)}",
                "```",
            ]
            if not e.failed:  # folded: on a phone the page stays short
                shown = [f"````{{dropdown}} {FOLDED}", *shown, "````"]
            lines += [
                f"({section_label(e.stem)})=",
                f"### {_heading(e.title)}",
                "",
                f"{_count(e).capitalize()}. Страница примера: {{ref}}`{e.label}`.",
                "",
                *shown,
                "",
            ]
    return "\n".join(lines)


def write_page(app: Sphinx) -> None:
    """builder-inited, after sphinx-gallery: (re)write the claims page."""
    out = gallery_dirs(app)[0][1]
    out.mkdir(parents=True, exist_ok=True)
    text = page_text(collect(out))
    target = out / INCLUDED
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
