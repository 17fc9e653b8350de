"""The multi-version site works in a real browser.

A temporary git repository made of the real build machinery (docs/conf.py, its
extensions, templates, static files, docs/_polyversion/) and a small site of its
own (tests/versions_repo.py) gets two release tags and a newer main:

    v0.1.0   index, guide
    v0.2.0   index, guide, new        (new.md appears)
    main     index, guide, new        (one more commit)

``docs/_polyversion/poly.py`` (what ``nox -s versions`` runs) deploys it twice at
quick scale, as the deploy does: once when v0.1.0 is the only release, then
after v0.2.0, keeping v0.1.0 as it was published (``--keep``). The tree is served
on 127.0.0.1 by http.server in a thread, and headless Chromium (Debian's, driven
by Playwright) checks: the root redirects to the latest release; every page's
selector lists all three versions, v0.1.0's too, which were built before v0.2.0
existed (they read the root's versions.json), and leads to the same page in
another version, or to that version's start page where the page does not exist;
the old-version banner shows on v0.1.0 and main and not on the latest; canonical
URLs point at the latest release of the version's own build, and the sitemap at
the latest release.

Chromium is found and launched as for the other browser tests (tests/chromium.py);
run with ``pytest -m browser``.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading

import pytest

CI = os.environ.get("CI", "").lower() not in ("", "0", "false")

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright")
pytest.importorskip("sphinx_polyversion", reason="needs the docs group")

from tests.chromium import chromium_path, launch  # noqa: E402
from tests.versions_repo import commit, deploy, git, make_repo  # noqa: E402

expect = sync_api.expect

# --- a small repository with two releases and a newer main ------------------------

V1 = {"guide": "Руководство"}
V2 = {"guide": "Руководство", "new": "Новая страница"}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Deploy twice, as pages.yml does, and serve the result; yields its base URL.

    The first deploy publishes v0.1.0; the second, after v0.2.0 and a newer main,
    keeps v0.1.0 as published and builds the rest. (The branch is not yet called
    main at the first deploy, which so builds v0.1.0 alone: one build fewer.)
    """
    try:
        chromium_path()
    except FileNotFoundError as exc:
        if CI:
            pytest.fail(f"CI=true and {exc}")
        pytest.skip(str(exc))
    tmp = tmp_path_factory.mktemp("versions")
    repo, first, out = tmp / "repo", tmp / "first", tmp / "site"
    repo.mkdir()
    out.mkdir()
    make_repo(repo, branch="first")

    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    commit(repo, "0.1.0", V1, tag="v0.1.0")
    deploy(repo, first, site_url=base)
    git(repo, "branch", "-m", "main")
    commit(repo, "0.2.0", V2, tag="v0.2.0")
    commit(repo, "main", V2)
    log = deploy(repo, out, "--keep", str(first), site_url=base)
    assert "kept v0.1.0 as published" in log
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"base": base, "out": out, "first": first}
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


EVERY_VERSION = ["main (в разработке)", "0.2.0 (последний выпуск)", "0.1.0"]


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


def test_the_first_release_is_served_as_first_published(site):
    """v0.1.0 was not built again: its pages know only the versions of then."""
    kept, first = site["out"] / "v0.1.0", site["first"] / "v0.1.0"
    for path in first.rglob("*"):
        if path.is_file():
            rel = path.relative_to(first)
            assert (kept / rel).read_bytes() == path.read_bytes(), rel
    guide = (kept / "guide.html").read_text(encoding="utf-8")
    assert "0.1.0 (последний выпуск)" in guide
    assert "0.2.0" not in guide and "в разработке" not in guide


def test_root_redirects_to_the_latest_release(site, page):
    page.goto(site["base"])
    page.wait_for_url(re.compile(r"/v0\.2\.0/(index\.html)?$"))
    assert page.locator("h1").first.inner_text().startswith("Проба версий")


@pytest.mark.parametrize(
    ("version", "name"), [(v, n) for v, pages in PAGES.items() for n in pages]
)
def test_every_page_lists_every_version(site, page, version, name):
    page.goto(f"{site['base']}{version}/{name}.html")
    # v0.1.0 was built knowing only itself: the list comes from the root
    expect(selector_links(page)).to_have_text(EVERY_VERSION)
    current = page.locator("nav.potok-versions a[aria-current=page]")
    expect(current).to_have_attribute("data-version", version)
    # a release's canonical URL is the latest release's when it was built
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    latest_then = "v0.1.0" if version == "v0.1.0" else "v0.2.0"
    assert canonical == f"{site['base']}{latest_then}/{name}.html"
    banner = page.locator(".announcement")
    if version == "v0.2.0":
        assert banner.count() == 0
    else:
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Последний выпуск — 0.2.0")


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
    expect(banner).to_contain_text("Вы читаете версию 0.1.0")
    with page.expect_navigation():
        banner.locator("a").click()
    assert page.url == f"{base}v0.2.0/guide.html"
    assert page.locator(".announcement").count() == 0
