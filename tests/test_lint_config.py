"""pre-commit runs the same checks, at the same versions, as ``nox -s lint``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10: the same parser, as the tomli package
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
yaml = pytest.importorskip("yaml", reason="PyYAML comes with the docs group")


def locked_versions() -> dict[str, str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    return {p["name"]: p["version"] for p in lock["package"] if "version" in p}


def hooks() -> dict[str, dict]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    return {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}


def test_hook_versions_are_the_locked_ones():
    locked = locked_versions()
    for hook_id, hook in hooks().items():
        for dep in hook.get("additional_dependencies", []):
            name, version = re.fullmatch(r"([\w.-]+)==([\w.]+)", dep).groups()
            assert locked.get(name) == version, (
                f".pre-commit-config.yaml: hook {hook_id} pins {dep}, uv.lock has "
                f"{name} {locked.get(name)}; make them equal"
            )


def test_hooks_cover_the_lint_session():
    entries = {h["entry"] for h in hooks().values()}
    assert {
        "ruff check --force-exclude",
        "ruff format --force-exclude",
        "sphinx-lint",
        "python tools/lint_gallery_rst.py",
        "python tools/lint_style.py",
    } <= entries
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    for command in (
        '"ruff", "check"',
        '"ruff", "format", "--check"',
        '"sphinx-lint"',
        '"tools/lint_gallery_rst.py"',
        '"tools/lint_style.py"',
    ):
        assert command in noxfile, command


def test_gallery_rst_lint_reports_example_lines(tmp_path):

    import lint_gallery_rst

    pytest.importorskip("sphinxlint", reason="sphinx-lint comes with the lint group")
    bad = tmp_path / "plot_bad.py"
    bad.write_text(
        '"""\nПлохой пример\n=============\n"""\n\n# %%\n'
        "# Роль без кавычек :func:time.sleep здесь.\n\nx = 1\n",
        encoding="utf-8",
    )
    problems = lint_gallery_rst.lint(bad)
    assert any(
        p.startswith(f"{bad}:7:") and "role-without-backticks" in p for p in problems
    ), problems
    good = ROOT / "examples/04_gil/plot_gil_timeline.py"
    assert lint_gallery_rst.lint(good) == []
