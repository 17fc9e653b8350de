"""The style table of CONTRIBUTING.md, enforced.

    python tools/lint_style.py [FILE ...]     (default: every file it covers)

CONTRIBUTING.md's table «Одно понятие — одно слово» has a column «Проверка»: a
regular expression for each form we do not write (empty where only a reader
can tell, such as «ядро» against «логический процессор»). This script reads the
table — the one place the forms live — and looks for each expression in the
Russian text of the site: ``docs/`` (pages, the extension's strings),
``examples/``, ``exercises/`` and ``src/potok``. Each hit is one line,
``file:line: «found» — пишем «form» (why)``; the exit code is 1 if there is any.

A quotation of a wrong form on purpose (a glossary entry that names it, a
chapter that quotes the notes) is allowed by a marker ``style: allow`` on the
same line or alone on the line above it (``% style: allow`` in MyST,
``# style: allow`` in Python). Standard library only.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
#: Where the Russian text is, and what is not ours or not text.
COVERED = ("docs", "examples", "exercises", "src/potok")
SUFFIXES = (".md", ".py", ".rst", ".txt")
SKIP = ("docs/_build", "docs/auto_examples", "docs/locale", "docs/_intersphinx")
ALLOW = "style: allow"
HEADER = "| Пишем | Не пишем | Почему | Проверка |"


@dataclass(frozen=True)
class Rule:
    write: str
    not_write: str
    why: str
    pattern: re.Pattern


def rules(text: str | None = None) -> list[Rule]:
    """The rows of the style table that have an expression in «Проверка»."""
    text = CONTRIBUTING.read_text(encoding="utf-8") if text is None else text
    lines = text.splitlines()
    try:
        start = lines.index(HEADER)
    except ValueError:
        raise SystemExit(
            f"lint_style: {CONTRIBUTING.name} has no table with the header {HEADER!r}"
        ) from None
    found = []
    for n, line in enumerate(lines[start + 2 :], start + 3):
        if not line.startswith("|"):
            break
        # cells split on "|", not on "\|" (a pipe inside an expression)
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
        if len(cells) != 4:
            raise SystemExit(f"lint_style: {CONTRIBUTING.name}:{n}: a row of 4 cells")
        write, not_write, why, check = cells
        check = check.strip("`")
        if not check or check == "—":
            continue
        try:
            pattern = re.compile(check.replace(r"\|", "|"), re.IGNORECASE)
        except re.error as exc:
            raise SystemExit(
                f"lint_style: {CONTRIBUTING.name}:{n}: {check!r} is not a "
                f"regular expression ({exc})"
            ) from None
        found.append(Rule(write, not_write, why, pattern))
    return found


def files() -> list[Path]:
    found = []
    for folder in COVERED:
        for path in sorted((ROOT / folder).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if (
                path.is_file()
                and path.suffix in SUFFIXES
                and not rel.startswith(SKIP)
                and "__pycache__" not in path.parts
            ):
                found.append(path)
    return found


def check_text(text: str, rel: str, table: list[Rule]) -> list[str]:
    problems = []
    lines = text.splitlines()
    for n, line in enumerate(lines, 1):
        above = lines[n - 2].strip().lstrip("%#").strip() if n > 1 else ""
        if ALLOW in line or above == ALLOW:
            continue
        for rule in table:
            for m in rule.pattern.finditer(line):
                problems.append(
                    f"{rel}:{n}: «{m.group(0)}» — пишем «{rule.write}» "
                    f"(не «{rule.not_write}»: {rule.why})"
                )
    return problems


def main(argv: list[str]) -> int:
    table = rules()
    paths = [Path(a).resolve() for a in argv] or files()
    problems = []
    for path in paths:
        try:
            rel = path.relative_to(ROOT).as_posix()
        except ValueError:
            rel = str(path)
        problems += check_text(path.read_text(encoding="utf-8"), rel, table)
    for p in problems:
        print(p)
    if problems:
        print(
            f"lint_style: {len(problems)} form(s) against CONTRIBUTING.md's table "
            f"«Одно понятие — одно слово»; a quotation on purpose: `{ALLOW}` on the "
            "line or alone above it",
            file=sys.stderr,
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
