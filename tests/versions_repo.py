"""A small git repository of releases, for the multi-version build's tests.

:func:`make_repo` copies the real build machinery (docs/conf.py, its extension,
templates, static files, docs/_polyversion/) into a temporary folder, adds a
tiny site of its own (a start page, pages named by the test, one gallery
example) and makes it a git repository on ``main``. :func:`commit` writes the
site's pages as they are in one version and commits them, tagging the commit if
asked. :func:`deploy` runs ``docs/_polyversion/poly.py`` (what ``nox -s
versions`` runs) on it at quick scale, offline, and fails the test with its
output if it fails; like every test that builds a site, it runs on the Python
that builds the real one only (``tests/sites.py``). :func:`files` reads a built
folder byte for byte.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sites import needs_docs_python

ROOT = Path(__file__).resolve().parent.parent

INDEX = """\
# Проба версий

Главная страница.

```{{toctree}}
{pages}
auto_examples/index
```
"""

PAGE = """\
# {title}

Текст страницы «{title}», версия {version}.
"""

EXAMPLE = '''\
"""
Пример
======

Печатает строку.
"""

print("пример выполнился")
'''

COPIED = [
    "pyproject.toml",
    "uv.lock",
    "README.md",
    "src",
    "docs/conf.py",
    "docs/_ext",
    "docs/_static",
    "docs/_templates",
    "docs/_intersphinx",
    "docs/_polyversion",
    "docs/locale",
]


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=potok", "-c", "user.email=potok@localhost", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def write_site(repo: Path, version: str, pages: dict[str, str]) -> None:
    """The site's pages as they are in ``version``: file name -> title."""
    docs = repo / "docs"
    for name in list(docs.glob("*.md")):
        name.unlink()
    (docs / "index.md").write_text(
        INDEX.format(pages="\n".join(pages)), encoding="utf-8"
    )
    for name, title in pages.items():
        (docs / f"{name}.md").write_text(
            PAGE.format(title=title, version=version), encoding="utf-8"
        )


def make_repo(repo: Path, branch: str = "main") -> None:
    """The build machinery and one example in a new git repository (no commit)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for rel in COPIED:
        src, dst = ROOT / rel, repo / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=ignore)
        else:
            shutil.copy(src, dst)
    ex = repo / "examples" / "01_test"
    ex.mkdir(parents=True)
    (repo / "examples" / "GALLERY_HEADER.rst").write_text("Примеры\n=======\n")
    (ex / "GALLERY_HEADER.rst").write_text("Раздел\n------\n")
    (ex / "plot_hello.py").write_text(EXAMPLE, encoding="utf-8")
    (repo / ".gitignore").write_text(".venv/\ndocs/_build/\ndocs/auto_examples/\n")
    git(repo, "init", "-q", "-b", branch)


def commit(
    repo: Path, version: str, pages: dict[str, str], *, tag: str | None = None
) -> None:
    """Commit the site as it is in ``version``; tag the commit if ``tag``."""
    write_site(repo, version, pages)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"the site as in {version}")
    if tag:
        git(repo, "tag", "-a", tag, "-m", tag)


def run_poly(
    repo: Path, out: Path, *options: str, site_url: str = ""
) -> subprocess.CompletedProcess:
    """Run poly.py on ``repo`` into ``out`` as the deploy does, at quick scale."""
    needs_docs_python()
    if shutil.which("uv") is None:
        pytest.fail("uv is not on PATH: the versions build syncs each version with it")
    env = dict(
        os.environ,
        POTOK_QUICK="1",
        POTOK_OFFLINE="1",
        POTOK_OBTAIN_PYTHONS="0",
        POTOK_SITE_URL=site_url,
        MPLBACKEND="Agg",
    )
    env.pop("POLYVERSION_DATA", None)
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "docs/_polyversion/poly.py", *options, str(out)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def deploy(repo: Path, out: Path, *options: str, site_url: str = "") -> str:
    """:func:`run_poly`, which must succeed; its output."""
    proc = run_poly(repo, out, *options, site_url=site_url)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    return proc.stdout


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> its bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
