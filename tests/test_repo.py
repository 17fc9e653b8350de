"""The repository's own promises: CI runs the README's command; one source each
for the strict flags and the limits."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run the tests", 1)[1]
    command = re.search(r"```sh\n(.+?)\n```", section, re.S).group(1).strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    run_lines = [ln.strip() for ln in ci.splitlines() if ln and not ln.startswith("#")]
    assert command in run_lines, f"README's test command {command!r} is not in .ci/run"


def test_the_strict_flags_and_limits_have_one_source():
    """Every build runs Sphinx with potok_sphinx.limits.SPHINX_STRICT, and the
    timeouts and exit codes are read from there: nowhere else spells them."""
    root = ROOT
    spelled = re.compile(r"""["']-n["'],\s*["']-W["']|-n -W --keep-going""")
    limits = root / "docs/_ext/potok_sphinx/limits.py"
    places = [
        root / "noxfile.py",
        root / "conftest.py",
        root / "tools/bench.py",
        root / "docs/_polyversion/poly.py",
        root / ".readthedocs.yaml",
        *sorted((root / "docs/_ext").rglob("*.py")),
        *sorted((root / "tests").glob("*.py")),
    ]
    found = [
        str(p.relative_to(root))
        for p in places
        if p != limits
        and p.name != "test_repo.py"
        and spelled.search(p.read_text(encoding="utf-8"))
    ]
    assert not found, f"strict flags spelled outside limits.py: {found}"
    numbers = re.compile(r"(TIMEOUT|LEFTOVER_EXIT|OUTPUT_LIMIT)\w* = \d")
    found = [
        str(p.relative_to(root))
        for p in places
        if p != limits and numbers.search(p.read_text(encoding="utf-8"))
    ]
    assert not found, f"an example's limit defined outside limits.py: {found}"
