"""sphinx-lint for the reST inside gallery examples.

sphinx-lint reads ``.rst`` and ``.po`` files; on a ``.py`` file it runs only its
generic checks (whitespace, syntax), not the reST ones. A gallery example's prose
is reST all the same: the module docstring and the ``# %%`` comment blocks. This
script cuts that prose out of each ``examples/**/plot_*.py`` into a text of the
same length in lines (code lines become blank), runs sphinx-lint's reST checks on
it and reports problems with the example's own file name and line numbers.

    python tools/lint_gallery_rst.py [FILE ...]     (default: every example)
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prose_lines(source: str) -> list[str]:
    """The example's reST, line for line; lines that are code come out empty."""
    lines = source.splitlines()
    out = [""] * len(lines)
    tree = ast.parse(source)
    doc = tree.body[0] if tree.body else None
    if (
        isinstance(doc, ast.Expr)
        and isinstance(doc.value, ast.Constant)
        and isinstance(doc.value.value, str)
    ):
        first, last = doc.lineno, doc.end_lineno
        # the text between the quotes, each line where it stands in the file
        text = doc.value.value.split("\n")
        start = first - 1 if lines[first - 1].strip() not in ('"""', "'''") else first
        if lines[first - 1].strip() in ('"""', "'''"):
            text = text[1:]
        for i, t in enumerate(text):
            if start + i < last:
                out[start + i] = t
    comments = {
        tok.start[0]: tok.string
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT and tok.start[1] == 0
    }
    in_block = False
    for n, line in enumerate(lines, start=1):
        if line.startswith("# %%"):
            in_block = True
            continue
        if in_block and n in comments:
            out[n - 1] = comments[n][2:] if comments[n].startswith("# ") else ""
        else:
            in_block = False
    return out


def lint(path: Path) -> list[str]:
    from sphinxlint.checkers import all_checkers
    from sphinxlint.sphinxlint import CheckersOptions, check_text
    from sphinxlint.utils import PER_FILE_CACHES

    checkers = {c for c in all_checkers.values() if c.enabled and ".rst" in c.suffixes}
    # the prose of an example is not a whole file: its end is not checked
    checkers = {c for c in checkers if c.name not in ("missing-final-newline",)}
    text = "\n".join(prose_lines(path.read_text(encoding="utf-8"))) + "\n"
    try:
        shown = path.relative_to(ROOT)
    except ValueError:
        shown = path
    try:
        errors = check_text(f"{shown}.rst", text, checkers, CheckersOptions())
    finally:
        for cached in PER_FILE_CACHES:
            cached.cache_clear()
    return [str(e).replace(f"{shown}.rst", str(shown), 1) for e in errors]


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "examples").glob("*/plot_*.py"))
    problems = [msg for p in paths for msg in lint(p.resolve())]
    for msg in problems:
        print(msg)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
