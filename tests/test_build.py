"""The build fails loudly on bad input and passes offline.

Each test builds a small site from tests/sites/ (see tests/sites.py): the real
docs/conf.py, extension, catalog and static files, with pages and examples of
the test's own, in a temporary folder shaped like the repository.
"""

from __future__ import annotations

import os
import re

import pytest
from sites import INDEX, NO_NETWORK, build, html, make_site, text

pytest.importorskip("sphinx", reason="the build checks need the docs group")

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


def test_build_passes_offline_in_russian(site):
    index = site.html("index")
    assert index.html["lang"] == "ru"
    # the intersphinx fallback resolved the reference to docs.python.org
    link = index.find(
        "a", href="https://docs.python.org/3/library/time.html#time.sleep"
    )
    assert link is not None and "time.sleep" in link.get_text()
    # furo's interface reads in Russian, hard-coded strings included
    words = str(index)
    for russian in ("На этой странице", "Наверх", "Поиск", "Тема оформления"):
        assert russian in words, russian
    for english in ("On this page", "Back to top", "Toggle"):
        assert english not in words, english
    example = site.html("auto_examples/01_test/plot_good")
    output = example.select_one(".sphx-glr-script-out")
    assert output is not None and "пример выполнился" in output.get_text()
    # sphinx-gallery's words on the gallery's pages are in Russian too (as text:
    # a download link's words are in separate <span>s)
    example_text = text(example)
    gallery = text(site.html("auto_examples/index"))
    for russian in (
        "Полный код примера можно скачать",
        "Время выполнения скрипта:",
        "Скачать код на Python:",
        "Скачать блокнот Jupyter:",
        "Галерея собрана с помощью",
        "Тема как в системе",
    ):
        assert russian in example_text, russian
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
        assert english not in example_text, english
        assert english not in gallery, english


def test_fallback_inventory_is_read_only_when_needed(tmp_path):
    site = make_site(tmp_path)
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
    href = "concurrent.futures.html#concurrent.futures.ThreadPoolExecutor"
    assert html(site, "index").find("a", href=lambda h: h and h.endswith(href))
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
    site = make_site(tmp_path, examples={"plot_broken.py": BROKEN_EXAMPLE})
    proc = build(site, **NO_NETWORK)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "plot_broken.py" in out
    assert "ZeroDivisionError" in out and "divide()" in out


def test_dangling_reference_fails_naming_file_and_line(tmp_path):
    index = INDEX + "\nСм. {doc}`нет-такой-страницы`.\n"
    site = make_site(tmp_path, index=index)
    proc = build(site, **NO_NETWORK)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "index.md:13" in out and "нет-такой-страницы" in out


def test_malformed_myst_fails_naming_file_and_line(tmp_path):
    index = INDEX + "\n```{nosuchdirective}\nтекст\n```\n"
    site = make_site(tmp_path, index=index)
    proc = build(site, **NO_NETWORK)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    # Sphinx 8.1 (the newest for Python 3.10) names the file "index.md.rst"
    assert re.search(r"index\.md(\.rst)?:13", out) and "nosuchdirective" in out
