"""The build fails loudly on bad input and passes offline.

Each test builds a small site made of the real docs/conf.py, extensions, catalog
and static files, with pages and examples of the test's own, in a temporary
folder shaped like the repository (docs/, examples/, src/).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("sphinx", reason="the build checks need the docs group")

INDEX = """\
# Проба

Ссылка на {py:func}`time.sleep`.

## Раздел

Второй раздел, чтобы у страницы было оглавление.

```{toctree}
auto_examples/index
```
"""

GOOD_EXAMPLE = '''\
"""
Хороший пример
==============

Печатает строку.
"""

print("пример выполнился")
'''

BROKEN_EXAMPLE = '''\
"""
Сломанный пример
================

Делит на ноль.
"""


def divide():
    return 1 / 0


divide()
'''


def make_site(tmp_path: Path, *, index: str = INDEX, examples: dict[str, str]) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("conf.py",):
        shutil.copy(ROOT / "docs" / name, docs / name)
    for folder in ("_ext", "_static", "_intersphinx", "locale"):
        shutil.copytree(ROOT / "docs" / folder, docs / folder)
    (docs / "index.md").write_text(index, encoding="utf-8")
    ex = tmp_path / "examples"
    (ex / "01_test").mkdir(parents=True)
    (ex / "GALLERY_HEADER.rst").write_text("Примеры\n=======\n", encoding="utf-8")
    (ex / "01_test" / "GALLERY_HEADER.rst").write_text(
        "Раздел\n------\n", encoding="utf-8"
    )
    for name, text in examples.items():
        (ex / "01_test" / name).write_text(text, encoding="utf-8")
    (tmp_path / "src").symlink_to(ROOT / "src")
    return tmp_path


def sphinx_command(builder: str = "html", python: str = sys.executable) -> list[str]:
    """A strict build of a test site into docs/_build/<builder>.

    -N: no colour codes in the output the tests read, whatever the terminal.
    """
    strict = ["-n", "-W", "--keep-going", "-N"]
    out = f"docs/_build/{builder}"
    return [python, "-m", "sphinx", *strict, "-b", builder, "docs", out]


def build(site: Path, **env: str) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, MPLBACKEND="Agg", **env)
    return subprocess.run(
        sphinx_command(),
        cwd=site,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def text_of(html: str) -> str:
    """The page's text and <title>s, without tags, spaces collapsed."""
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# An unreachable proxy makes every download fail at once, as with no network.
NO_NETWORK = {
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
}


def test_build_passes_offline_in_russian(tmp_path):
    site = make_site(tmp_path, examples={"plot_good.py": GOOD_EXAMPLE})
    proc = build(site, **NO_NETWORK)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = (site / "docs/_build/html/index.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]* lang="ru"', html)
    # the intersphinx fallback resolved the reference to docs.python.org
    assert "https://docs.python.org/3/library/time.html#time.sleep" in html
    # furo's interface reads in Russian, hard-coded strings included
    for russian in ("На этой странице", "Наверх", "Поиск", "Тема оформления"):
        assert russian in html, russian
    for english in ("On this page", "Back to top", "Toggle"):
        assert english not in html, english
    page = site / "docs/_build/html/auto_examples/01_test/plot_good.html"
    example = page.read_text(encoding="utf-8")
    assert "пример выполнился" in example
    # sphinx-gallery's words on the gallery's pages are in Russian too (as text:
    # a download link's words are in separate <span>s)
    example = text_of(example)
    gallery = text_of(
        (site / "docs/_build/html/auto_examples/index.html").read_text(encoding="utf-8")
    )
    for russian in (
        "Полный код примера можно скачать",
        "Время выполнения скрипта:",
        "Скачать код на Python:",
        "Скачать блокнот Jupyter:",
        "Галерея собрана с помощью",
        "Тема как в системе",
    ):
        assert russian in example, russian
    assert "Скачать все примеры: код на Python:" in gallery
    for english in (
        "Go to the end",
        "Total running time",
        "Download",
        "Gallery generated",
        "Light mode",
        "Dark mode",
        "Auto light/dark",
    ):
        assert english not in example, english
        assert english not in gallery, english


def test_fallback_inventory_is_read_only_when_needed(tmp_path):
    site = make_site(tmp_path, examples={"plot_good.py": GOOD_EXAMPLE})
    loads = "loading intersphinx inventory 'python' from"
    first = build(site, **NO_NETWORK)
    assert first.returncode == 0, first.stdout + first.stderr
    assert loads in first.stdout

    # the environment holds it: the checked-in copy is not parsed again...
    index = site / "docs/index.md"
    index.write_text(
        index.read_text(encoding="utf-8")
        + "\nИ {py:class}`concurrent.futures.ThreadPoolExecutor`.\n",
        encoding="utf-8",
    )
    second = build(site, **NO_NETWORK)
    assert second.returncode == 0, second.stdout + second.stderr
    assert loads not in second.stdout
    assert "'python' is cached; its local copy is not read" in second.stdout
    # ...and a new reference still resolves from it (the build is -n -W)
    html = (site / "docs/_build/html/index.html").read_text(encoding="utf-8")
    assert "concurrent.futures.html#concurrent.futures.ThreadPoolExecutor" in html
    # conf.py's mapping is left as it was: Sphinx sees no configuration change
    assert "intersphinx_mapping" not in second.stdout

    # a refreshed checked-in copy is read again
    inv = site / "docs/_intersphinx/python.inv"
    later = inv.stat().st_mtime + 3600 * 24
    os.utime(inv, (later, later))
    third = build(site, **NO_NETWORK)
    assert third.returncode == 0, third.stdout + third.stderr
    assert loads in third.stdout


def test_broken_example_fails_build_naming_file_and_traceback(tmp_path):
    site = make_site(
        tmp_path,
        examples={"plot_good.py": GOOD_EXAMPLE, "plot_broken.py": BROKEN_EXAMPLE},
    )
    proc = build(site, **NO_NETWORK)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "plot_broken.py" in out
    assert "ZeroDivisionError" in out and "divide()" in out


def test_dangling_reference_fails_naming_file_and_line(tmp_path):
    index = INDEX + "\nСм. {doc}`нет-такой-страницы`.\n"
    site = make_site(tmp_path, index=index, examples={"plot_good.py": GOOD_EXAMPLE})
    proc = build(site, **NO_NETWORK)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "index.md:13" in out and "нет-такой-страницы" in out


def test_malformed_myst_fails_naming_file_and_line(tmp_path):
    index = INDEX + "\n```{nosuchdirective}\nтекст\n```\n"
    site = make_site(tmp_path, index=index, examples={"plot_good.py": GOOD_EXAMPLE})
    proc = build(site, **NO_NETWORK)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    # Sphinx 8.1 (the newest for Python 3.10) names the file "index.md.rst"
    assert re.search(r"index\.md(\.rst)?:13", out) and "nosuchdirective" in out
