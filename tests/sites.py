"""Small sites built with the real conf.py and extension, for the build checks.

A site is a folder under ``tests/sites/`` shaped like the repository
(``docs/index.md``, ``examples/...``). :func:`make_site` copies one into a
temporary folder and adds the real ``docs/conf.py``, ``docs/_ext``, the static
files, the catalog and the intersphinx fallback, and ``src`` (a link); a test
may replace the page or add examples of its own. :func:`build` runs Sphinx on
it as nox does (strict); :func:`html` parses a built page with BeautifulSoup,
so tests ask about elements and text, not about the markup's spelling.

The ``site`` fixture builds the site its test names with
``@pytest.mark.site("basic")`` (the default), offline, and fails the test with
Sphinx's output if the build fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from potok_sphinx.limits import DOCS_PYTHON, SPHINX_STRICT

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"

#: The example of the basic site: it prints one line.
GOOD_EXAMPLE = (SITES / "basic/examples/01_test/plot_good.py").read_text("utf-8")
#: The page of the basic site.
INDEX = (SITES / "basic/docs/index.md").read_text("utf-8")
#: sphinx-gallery's execution-times page as it writes it (0.22), with its CDNs.
TIMES = (SITES / "pages/sg_execution_times.rst").read_text("utf-8")

# An unreachable proxy makes every download fail at once, as with no network.
NO_NETWORK = {
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
}


def make_site(
    tmp_path: Path,
    name: str = "basic",
    *,
    index: str | None = None,
    examples: dict[str, str] | None = None,
) -> Path:
    """``tests/sites/<name>`` in ``tmp_path``, with the real docs machinery.

    ``index`` replaces its docs/index.md; ``examples`` (file name -> text)
    replace the scripts of its examples/01_test/. A test that builds a site is
    skipped on any Python but the one that builds the real site
    (:data:`potok_sphinx.limits.DOCS_PYTHON`): nothing else ever runs Sphinx.
    """
    needs_docs_python()
    source = SITES / name
    if not (source / "docs" / "index.md").is_file():
        raise FileNotFoundError(f"{source}: a test site needs docs/index.md")
    shutil.copytree(source, tmp_path, dirs_exist_ok=True)
    docs = tmp_path / "docs"
    shutil.copy(ROOT / "docs" / "conf.py", docs / "conf.py")
    for folder in ("_ext", "_static", "_templates", "_intersphinx", "locale"):
        shutil.copytree(
            ROOT / "docs" / folder,
            docs / folder,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    if index is not None:
        (docs / "index.md").write_text(index, encoding="utf-8")
    if examples is not None:
        folder = tmp_path / "examples" / "01_test"
        for old in folder.glob("*.py"):
            old.unlink()
        for file_name, script in examples.items():
            (folder / file_name).write_text(script, encoding="utf-8")
    (tmp_path / "src").symlink_to(ROOT / "src")
    return tmp_path


def needs_docs_python() -> None:
    """Skip, saying why, unless this is the Python that builds the site."""
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if here != DOCS_PYTHON:
        pytest.skip(
            f"the site is built with Python {DOCS_PYTHON} only (nox's docs "
            f"session); its build checks run there, not on {here}"
        )


def sphinx_command(builder: str = "html", python: str = sys.executable) -> list[str]:
    """A strict build of a test site into docs/_build/<builder>.

    -N: no colour codes in the output the tests read, whatever the terminal.
    """
    out = f"docs/_build/{builder}"
    return [python, "-m", "sphinx", *SPHINX_STRICT, "-N", "-b", builder, "docs", out]


def build(site: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """sphinx-build the site as nox does, with more options and environment."""
    full_env = dict(os.environ, MPLBACKEND="Agg", **env)
    return subprocess.run(
        [*sphinx_command(), *args],
        cwd=site,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def html(site: Path, docname: str):
    """The built page ``docname`` (e.g. "index"), parsed."""
    from bs4 import BeautifulSoup

    path = site / "docs" / "_build" / "html" / f"{docname}.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text(page) -> str:
    """A parsed page's text without scripts and styles, spaces collapsed."""
    for tag in page(["script", "style"]):
        tag.decompose()
    return " ".join(page.get_text(" ").split())


@dataclass
class Site:
    """A test site, built."""

    root: Path
    proc: subprocess.CompletedProcess

    def html(self, docname: str):
        return html(self.root, docname)


@pytest.fixture
def site(request, tmp_path) -> Site:
    """The site ``@pytest.mark.site(NAME)`` names (default "basic"), built offline."""
    pytest.importorskip("sphinx", reason="the build checks need the docs group")
    marker = request.node.get_closest_marker("site")
    root = make_site(tmp_path, *(marker.args if marker else ()))
    proc = build(root, **NO_NETWORK)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return Site(root, proc)
