"""The site's own extensions that keep pages offline and accessible, and the
browser tests' launcher, without a browser or a build."""

from __future__ import annotations

import types
from pathlib import Path

import pytest
from sites import TIMES

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("sphinx", reason="the extensions need the docs group")

from potok_sphinx import html_fixes as potok_a11y  # noqa: E402
from potok_sphinx import offline as potok_offline  # noqa: E402
from sphinx.errors import ExtensionError  # noqa: E402

from tests import chromium  # noqa: E402

# sphinx-gallery 0.19-0.22 writes this for every gallery's execution times


def app(show_memory=False):
    conf = types.SimpleNamespace(sphinx_gallery_conf={"show_memory": show_memory})
    env = types.SimpleNamespace(doc2path=lambda name: f"{name}.rst")
    return types.SimpleNamespace(config=conf, env=env)


def test_execution_times_page_loads_nothing_from_cdns():
    source = [TIMES]
    potok_offline.strip_remote_assets(app(), "sg_execution_times", source)
    text = source[0]
    assert "://" not in text and "raw:: html" not in text
    assert ".. list-table::" in text and "* - :ref:`sphx_glr_x.py`" in text


def test_other_pages_are_left_alone():
    source = [TIMES]
    potok_offline.strip_remote_assets(app(), "chapters/04-gil", source)
    assert source == [TIMES]


def test_remote_url_left_in_times_page_fails_naming_it():
    source = [
        "Computation times\n=================\n\n`x <https://cdn.example/x.js>`_\n"
    ]
    source[0] += (
        '\n.. image:: x.png\n   :target: x\n\n<img src="https://cdn.example/a.png">\n'
    )
    with pytest.raises(ExtensionError, match=r"auto_examples/sg_execution_times\.rst"):
        potok_offline.strip_remote_assets(
            app(), "auto_examples/sg_execution_times", source
        )


def test_remote_script_on_a_page_fails_the_build():
    js = types.SimpleNamespace(filename="https://cdn.jsdelivr.net/npm/mathjax@4/x.js")
    context = {"script_files": [js], "css_files": []}
    with pytest.raises(ExtensionError, match=r"chapters/01-cpu.*mathjax_path"):
        potok_offline.refuse_remote_files(
            None, "chapters/01-cpu", "page.html", context, None
        )
    local = {"script_files": [types.SimpleNamespace(filename="_static/potok.js")]}
    potok_offline.refuse_remote_files(None, "index", "page.html", local, None)


def test_caption_headings_get_a_level():
    caption = (
        '<p class="caption" role="heading"><span class="caption-text">Главы</span></p>'
    )
    has_level = '<p role="heading" aria-level="3">x</p>'
    context = {"body": caption + has_level, "furo_navigation_tree": caption}
    potok_a11y.add_heading_levels(None, "index", "page.html", context, None)
    assert context["body"].count("aria-level") == 2
    assert 'role="heading" aria-level="2"><span' in context["body"]
    assert 'aria-level="3"' in context["body"]
    assert 'aria-level="2"' in context["furo_navigation_tree"]


def test_missing_site_is_named_with_the_command_that_builds_it(tmp_path):
    with pytest.raises(chromium.SiteMissing, match=r"nox -s docs") as exc:
        chromium.require_site(tmp_path / "html")
    assert str(tmp_path / "html") in str(exc.value)


def test_pages_are_discovered_from_the_build(tmp_path):
    for rel in (
        "index.html",
        "chapters/01-cpu.html",
        "_static/x.html",
        "_sources/a.html",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("<html></html>")
    assert chromium.site_pages(tmp_path) == ["chapters/01-cpu.html", "index.html"]


def test_missing_chromium_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("POTOK_CHROMIUM", str(tmp_path / "nothing"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(chromium, "DEBIAN_CHROMIUM", str(tmp_path / "nothing"))
    with pytest.raises(FileNotFoundError, match=r"apt-get install -y chromium"):
        chromium.chromium_path()


def test_server_serves_the_site_and_logs_errors(tmp_path):
    import urllib.error
    import urllib.request

    (tmp_path / "index.html").write_text("<p>привет</p>", encoding="utf-8")
    errors: list[str] = []
    with chromium.serve(tmp_path, errors=errors) as base:
        assert base.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(base + "index.html", timeout=10) as r:
            assert "привет" in r.read().decode()
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(base + "favicon.ico", timeout=10)
    assert errors == ["/favicon.ico: HTTP 404"]
