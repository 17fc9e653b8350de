"""The repository's own promises: CI runs the README's command."""

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
