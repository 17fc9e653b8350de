"""The multi-version site works in a real browser.

A temporary git repository made of the real build machinery (docs/conf.py, its
extensions, templates, static files, docs/_polyversion/) and a small site of its
own gets two release tags and a newer main:

    v0.1.0   index, guide
    v0.2.0   index, guide, new        (new.md appears)
    main     index, guide, new        (one more commit)

``docs/_polyversion/poly.py`` (what ``nox -s versions`` runs) builds it at quick
scale, the tree is served on 127.0.0.1 by http.server in a thread, and headless
Chromium (Debian's, driven by Playwright) checks: the root redirects to the latest
release; every page's selector lists all three versions and leads to the same page
in another version, or to that version's start page where the page does not exist;
the old-version banner shows on v0.1.0 and main and not on the latest; canonical
URLs and the sitemap point at the latest release.

Chromium is found and launched as for the other browser tests (tests/chromium.py);
run with ``pytest -m browser``.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CI = os.environ.get("CI", "").lower() not in ("", "0", "false")

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright")
pytest.importorskip("sphinx_polyversion", reason="needs the docs group")

from tests.chromium import chromium_path, launch  # noqa: E402

# --- a small repository with two releases and a newer main ------------------------

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


def make_repo(repo: Path) -> None:
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

    git(repo, "init", "-q", "-b", "main")
    write_site(repo, "0.1.0", {"guide": "Руководство"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first release")
    git(repo, "tag", "-a", "v0.1.0", "-m", "v0.1.0")
    write_site(repo, "0.2.0", {"guide": "Руководство", "new": "Новая страница"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "second release")
    git(repo, "tag", "-a", "v0.2.0", "-m", "v0.2.0")
    write_site(repo, "main", {"guide": "Руководство", "new": "Новая страница"})
    git(repo, "commit", "-q", "-am", "work on main")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the versions tree and serve it; yields its base URL."""
    try:
        chromium_path()
    except FileNotFoundError as exc:
        if CI:
            pytest.fail(f"CI=true and {exc}")
        pytest.skip(str(exc))
    if shutil.which("uv") is None:
        pytest.fail("uv is not on PATH: the versions build syncs each version with it")
    tmp = tmp_path_factory.mktemp("versions")
    repo, out = tmp / "repo", tmp / "site"
    repo.mkdir()
    out.mkdir()
    make_repo(repo)

    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    env = dict(
        os.environ,
        POTOK_QUICK="1",
        POTOK_OFFLINE="1",
        POTOK_SITE_URL=base,
        MPLBACKEND="Agg",
    )
    env.pop("POLYVERSION_DATA", None)
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run(
        [sys.executable, "docs/_polyversion/poly.py", str(out)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"base": base, "out": out}
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def page(site):
    with launch() as browser:
        yield browser.new_page()


VERSIONS = {"main": "main", "v0.2.0": "0.2.0", "v0.1.0": "0.1.0"}
PAGES = {"v0.1.0": ["index", "guide"], "v0.2.0": ["index", "guide", "new"]}
PAGES["main"] = PAGES["v0.2.0"]


def selector_links(page):
    return page.locator("nav.potok-versions a.potok-version-link")


def switch(page, label: str) -> None:
    """Open the selector in the sidebar and choose a version, as a reader would."""
    page.locator("nav.potok-versions summary").click()
    with page.expect_navigation():  # the click checks the target first (a HEAD)
        page.locator("nav.potok-versions a", has_text=label).click()


def test_tree_has_every_version_and_the_root_files(site):
    out = site["out"]
    for version, pages in PAGES.items():
        for name in pages:
            assert (out / version / f"{name}.html").is_file(), (version, name)
    assert not (out / "v0.1.0" / "new.html").exists()
    # each version's package version is the one its tag gives (hatch-vcs)
    for version, expected in [("v0.1.0", "'0.1.0'"), ("v0.2.0", "'0.2.0'")]:
        options = out / version / "_static" / "documentation_options.js"
        assert f"VERSION: {expected}" in options.read_text(encoding="utf-8")
    assert (out / "index.html").is_file() and (out / "404.html").is_file()
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{site['base']}v0.2.0/guide.html</loc>" in sitemap
    notfound = (out / "404.html").read_text(encoding="utf-8")
    assert 'href="/v0.2.0/_static/' in notfound  # absolute: works at any depth


def test_root_redirects_to_the_latest_release(site, page):
    page.goto(site["base"])
    page.wait_for_url(re.compile(r"/v0\.2\.0/(index\.html)?$"))
    assert page.locator("h1").first.inner_text().startswith("Проба версий")


@pytest.mark.parametrize(
    ("version", "name"), [(v, n) for v, pages in PAGES.items() for n in pages]
)
def test_every_page_lists_every_version(site, page, version, name):
    page.goto(f"{site['base']}{version}/{name}.html")
    links = selector_links(page)
    assert [t.strip() for t in links.all_text_contents()] == [
        "main (в разработке)",
        "0.2.0 (последний выпуск)",
        "0.1.0",
    ]
    current = page.locator("nav.potok-versions a[aria-current=page]")
    assert current.get_attribute("data-version") == version
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical == f"{site['base']}v0.2.0/{name}.html"
    banner = page.locator(".announcement")
    if version == "v0.2.0":
        assert banner.count() == 0
    else:
        assert banner.is_visible()
        assert "Последний выпуск — 0.2.0" in banner.inner_text()


def test_selector_leads_to_the_same_page_in_another_version(site, page):
    base = site["base"]
    page.goto(f"{base}v0.2.0/guide.html")
    switch(page, "0.1.0")
    assert page.url == f"{base}v0.1.0/guide.html"
    assert "версия 0.1.0" in page.locator("article").inner_text()
    switch(page, "main")
    assert page.url == f"{base}main/guide.html"


def test_selector_falls_back_to_the_start_page_when_the_page_is_missing(site, page):
    base = site["base"]
    page.goto(f"{base}main/new.html")
    switch(page, "0.1.0")
    assert page.url == f"{base}v0.1.0/index.html"


def test_old_version_banner_links_to_the_same_page_in_the_latest(site, page):
    base = site["base"]
    page.goto(f"{base}v0.1.0/guide.html")
    banner = page.locator(".announcement")
    assert "Вы читаете версию 0.1.0" in banner.inner_text()
    with page.expect_navigation():
        banner.locator("a").click()
    assert page.url == f"{base}v0.2.0/guide.html"
    assert page.locator(".announcement").count() == 0
