"""A reader's home: a downloaded example runs with only what the page installs.

The wheel is built from this tree into a temporary folder, a fresh virtual
environment gets that wheel and its dependencies (the page's command installs
nothing else), and a downloaded example, copied out of the tree, runs there.
A small test site checks the page's command and the notebook's first cell.
nbconvert is not in uv.lock, so the notebook is checked, not executed.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from potok_sphinx import downloads, reader
from sites import build, make_site

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "06_futures" / "plot_future_errors.py"

needs_uv = pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv")


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment of a reader's shell: nothing points into this tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    env.pop("PYTHONPATH", None)
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """A fresh venv holding the wheel built from the tree, and nothing of ours."""
    if shutil.which("uv") is None:
        pytest.skip("needs uv to build the wheel and the venv")
    tmp = tmp_path_factory.mktemp("home")
    dist = tmp / "dist"
    subprocess.run(
        ["uv", "build", "--wheel", "--out-dir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (wheel,) = dist.glob("potok-*.whl")
    venv = tmp / "venv"
    subprocess.run(
        ["uv", "venv", "--python", sys.executable, str(venv)],
        check=True,
        capture_output=True,
        env=_clean_env(),
        timeout=120,
    )
    python = venv / "bin" / "python"
    # what `pip install potok==X.Y.Z` installs: the wheel and its dependencies
    subprocess.run(
        ["uv", "pip", "install", "--python", str(python), str(wheel)],
        check=True,
        capture_output=True,
        env=_clean_env(),
        timeout=300,
    )
    return tmp


def _python(home: Path) -> str:
    return str(home / "venv" / "bin" / "python")


@needs_uv
def test_the_wheel_brings_potok_not_the_tree(home):
    done = subprocess.run(
        [_python(home), "-c", "import potok, sys; print(potok.__file__)"],
        cwd=home,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    where = Path(done.stdout.strip()).resolve()
    assert (home / "venv").resolve() in where.parents, where
    assert ROOT not in where.parents


@needs_uv
def test_a_downloaded_example_runs_at_home(home):
    script = home / EXAMPLE.name  # as the download button saves it
    shutil.copy(EXAMPLE, script)
    done = subprocess.run(
        [_python(home), script.name],
        cwd=home,
        env=_clean_env(POTOK_QUICK="1", MPLBACKEND="Agg"),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Утверждение:" in done.stdout


@needs_uv
def test_python_m_potok_runs_from_the_wheel(home):
    done = subprocess.run(
        [_python(home), "-m", "potok", "--version"],
        cwd=home,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip()


CLAIMING_EXAMPLE = '''\
"""
Пример с утверждением
=====================

Печатает вердикт.
"""

from potok import claims

claims.check(
    "two-more-than-one",
    "два больше одного",
    confirmed=2 > 1,
    evidence="2 > 1",
    numbers={"two": 2},
    reason_if_not="арифметика сломалась",
)
'''


def _downloads(site: Path) -> tuple[str, str, str]:
    """What a reader of ``plot_claim`` gets: the page's text, the notebook's
    first cell and the downloaded script."""
    gallery = site / "docs" / "_build" / "html"
    page = (gallery / "auto_examples" / "01_test" / "plot_claim.html").read_text(
        encoding="utf-8"
    )
    # the highlighter splits the commands
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    (script,) = gallery.glob("_downloads/*/plot_claim.py")
    (notebook,) = gallery.glob("_downloads/*/plot_claim.ipynb")
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    assert nb["cells"][0]["cell_type"] == "code"
    return text, "".join(nb["cells"][0]["source"]), script.read_text("utf-8")


def _script_metadata(script: str) -> dict:
    """PEP 723's reference reader: the script's ``# /// script`` block."""
    (block,) = [m for m in downloads.BLOCK.finditer(script) if m["type"] == "script"]
    content = "".join(
        line[2:] if line.startswith("# ") else line[1:]
        for line in block["content"].splitlines(keepends=True)
    )
    return tomllib.loads(content)


def test_a_build_that_is_not_a_release_installs_from_a_clone(tmp_path):
    """No page, notebook or download sends a reader to an unpinned ``potok``
    that this project has not published (a test site is no git checkout and
    names no repository: its potok is in a clone only)."""
    site = make_site(tmp_path, examples={"plot_claim.py": CLAIMING_EXAMPLE})
    done = build(
        site,
        "-D",
        "release=0.0.1.dev5+gabcdef1",
        POTOK_REPOSITORY_URL="",
        GITHUB_REPOSITORY="",
        READTHEDOCS_GIT_CLONE_URL="",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text, cell, script = _downloads(site)
    for where in (text, cell, script):
        assert not reader.unpinned_installs(where), where
    assert "Как воспроизвести" in text and "не из выпуска" in text
    assert f"uv run --with {reader.CLONE} plot_claim.py" in text
    assert f"python -m pip install {reader.CLONE} && python plot_claim.py" in text
    assert "python -m potok compare plot_claim.py" in text
    assert cell.splitlines()[-1] == f"# %pip install {reader.CLONE}"
    meta = _script_metadata(script)
    assert meta["dependencies"] == [] and meta["requires-python"].startswith(">=")
    assert f"uv run --with {reader.CLONE} plot_claim.py" in script
    assert script.endswith(CLAIMING_EXAMPLE)


def test_a_release_build_pins_the_release_everywhere(tmp_path):
    site = make_site(tmp_path, examples={"plot_claim.py": CLAIMING_EXAMPLE})
    done = build(site, "-D", "release=1.2.3")
    assert done.returncode == 0, done.stderr[-3000:]
    text, cell, script = _downloads(site)
    for where in (text, cell, script):
        assert not reader.unpinned_installs(where), where
    assert _script_metadata(script)["dependencies"] == ["potok==1.2.3"]
    assert "uv run plot_claim.py" in text  # the script says what it needs
    assert "python -m pip install potok==1.2.3 && python plot_claim.py" in text
    assert cell == "%pip install potok==1.2.3"


@pytest.mark.parametrize(
    ("version", "environ", "kind", "requirement"),
    [
        ("1.2.3", {}, "release", "potok==1.2.3"),
        ("0.0.1.dev5+gabcdef1", {}, "clone", ""),
        (
            "0.0.1.dev5+gabcdef1.d20261203",
            {"POTOK_REPOSITORY_URL": "https://x/p"},
            "clone",
            "",
        ),
        (
            "0.0.1.dev5+gabcdef1",
            {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/p"},
            "commit",
            "potok @ git+https://github.com/o/p@abcdef1",
        ),
    ],
)
def test_where_a_builds_potok_comes_from(version, environ, kind, requirement):
    source = reader.source_of(version, None, environ)
    assert (source.kind, source.requirement) == (kind, requirement)
    assert not reader.unpinned(filter(None, [source.requirement]))


def test_an_unpinned_potok_is_found():
    assert reader.unpinned_installs("uv run --with potok plot_x.py") == ["potok"]
    assert reader.unpinned_installs("%pip install potok") == ["potok"]
    assert reader.unpinned_installs("pip install 'potok>=1'") == ["potok>=1"]
    assert not reader.unpinned_installs("pip install potok==1.2.3 ПУТЬ/К/КЛОНУ")


def test_pages_verdicts_of_a_site(tmp_path):
    site = make_site(tmp_path, examples={"plot_claim.py": CLAIMING_EXAMPLE})
    done = build(site)
    assert done.returncode == 0, done.stderr[-3000:]
    html_dir = site / "docs" / "_build" / "html" / "auto_examples" / "01_test"
    page = (html_dir / "plot_claim.html").read_text(encoding="utf-8")
    assert "Запустить у себя" not in page  # the box's title replaces the heading
    assert page.index("Как воспроизвести") < page.index("sphx-glr-download-python")

    # the run's record published beside the page, and in the gallery's index
    one = json.loads((html_dir / "plot_claim.record.json").read_text("utf-8"))
    assert one["format"] == "potok-record/1"
    assert (one["section"], one["example"]) == ("01_test", "plot_claim.py")
    [claim] = one["claims"]
    assert claim["id"] == "two-more-than-one" and claim["confirmed"] is True
    assert claim["evidence"] == "2 > 1" and claim["numbers"] == {"two": 2}
    assert one["python"]["__type__"] == "Stamp" and one["finished"]
    index = json.loads((html_dir.parent / "records.json").read_text(encoding="utf-8"))
    assert index["plot_claim.py"] == one
