"""Sphinx configuration for «От процессора до многопоточности» (potok)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Examples import potok; make the source tree win over any installed copy.
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(DOCS / "_ext"))

import potok  # noqa: E402

project = "От процессора до многопоточности"
author = "Авторы potok"
copyright = "2026, авторы potok"
release = potok.__version__
version = ".".join(release.split(".")[:2])

language = "ru"
locale_dirs = ["locale"]  # furo's interface strings in Russian (furo ships none)
gettext_compact = False

extensions = [
    "myst_parser",
    "matplotlib.sphinxext.plot_directive",  # the chapters' diagrams
    "sphinx.ext.autodoc",  # the toolkit's reference (toolkit.md)
    "sphinx.ext.intersphinx",
    "sphinx_copybutton",
    "sphinx_design",  # {dropdown}: exercise solutions hidden in <details>
    "sphinx_gallery.gen_gallery",
    # everything the site adds; docs/_ext/potok_sphinx/__init__.py lists its hooks
    "potok_sphinx",
    "notfound.extension",
    "sphinx_sitemap",
    "sphinxext.opengraph",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "Thumbs.db",
    "_intersphinx",  # its README.md is for maintainers, not a page
    "_backreferences",  # sphinx-gallery's lists behind {minigallery}
    ".DS_Store",
    # sphinx-gallery writes these beside the pages it generates
    "auto_examples/**/*.ipynb",
    "auto_examples/**/*.py",
    "auto_examples/**/*.zip",
    "auto_examples/**/*.json",
    "auto_examples/**/*.md5",
]

nitpicky = True  # every cross-reference must resolve (the build runs -n -W)

# --- the toolkit's reference (docs/toolkit.md) ---------------------------------------
# Signatures without type hints: the reference is for reading the examples, and
# every name in an annotation would have to resolve under -n.
autodoc_typehints = "none"
autodoc_member_order = "bysource"

# --- MyST ----------------------------------------------------------------------
myst_enable_extensions = [
    "colon_fence",  # ::: admonitions that read well in plain Markdown
    "deflist",
    "dollarmath",
    "fieldlist",
    "substitution",
]
myst_heading_anchors = 3
# What myst-parser would set for dollarmath (it edits this option in place while
# the build starts); set here so a rebuild does not find it changed.
mathjax4_config = {
    "options": {"processHtmlClass": "tex2jax_process|mathjax_process|math|output_area"}
}

# --- intersphinx ---------------------------------------------------------------
# The network copy first; if it cannot be reached, the checked-in inventory (see
# docs/_intersphinx/README.md), so the build passes offline. A rebuild reuses the
# inventory the environment holds (potok_sphinx.intersphinx: Sphinx would parse the
# checked-in file on every build).
intersphinx_mapping = {
    "python": (
        "https://docs.python.org/3",
        (None, str(DOCS / "_intersphinx" / "python.inv")),
    ),
}
intersphinx_timeout = 5
if os.environ.get("POTOK_OFFLINE"):
    intersphinx_mapping["python"] = (
        "https://docs.python.org/3",
        str(DOCS / "_intersphinx" / "python.inv"),
    )

# --- diagrams ------------------------------------------------------------------
# The chapters' diagrams are functions in docs/_ext/potok_sphinx/drawings.py, drawn
# at build time by matplotlib's plot directive (no system program needed). MyST
# cannot run that directive itself (it inserts reST), so a chapter wraps it in
# {eval-rst}:
#
#     ```{eval-rst}
#     .. plot::
#        :alt: what the diagram shows, for readers who cannot see it
#        :caption: ...
#        :align: center
#        :class: potok-diagram
#
#        from potok_sphinx import drawings
#
#        drawings.cpu()
#     ```
#
# tests/test_diagrams.py fails on a diagram without :alt:. SVG stays sharp at any
# zoom; no download links or source under the picture.
plot_formats = [("svg", 100)]
plot_html_show_formats = False
plot_html_show_source_link = False
plot_include_source = False
plot_pre_code = ""  # the diagrams import what they use
# A page with a diagram is read again when the code that draws it changes
# (docs/_ext/potok_sphinx/diagrams.py).

# --- sphinx-gallery ------------------------------------------------------------
# Only what differs from sphinx-gallery's defaults. Its defaults that matter
# here, and that tests/test_build.py holds it to: examples run one after another
# (``parallel``: they time themselves), a failing example fails the build after
# all ran (``abort_on_example_error``, ``only_warn_on_example_error``), every
# ``plot*.py`` runs (``filename_pattern``). One example by name is
# sphinx-gallery's pair of -D options (``nox -s docs -- --example NAME``).
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    # not examples: a module beside one (_work.py, code another process or
    # interpreter must import; potok_sphinx.gallery copies it beside the page,
    # which shows it whole). sphinx-gallery matches the file's name.
    "ignore_pattern": r"__init__\.py|^_",
    "within_subsection_order": "FileNameSortKey",
    "remove_config_comments": True,
    "image_srcset": ["2x"],
    # each figure light and dark, held to furo's column, with its key panel for
    # the thumbnail (docs/_ext/potok_sphinx/figures.py and thumbnails.py)
    "image_scrapers": ("potok_sphinx.figures.scraper",),
    # guard.example_timeout stops an example that hangs, naming it; it runs
    # before and after each example, first of the resetters.
    # guard.example_leftovers, last, stops the build naming an example that
    # left a thread, a child process or a changed setting behind.
    "reset_modules": (
        "potok_sphinx.guard.example_timeout",
        "matplotlib",
        "potok_sphinx.guard.example_leftovers",
    ),
    "reset_modules_order": "both",
    "capture_repr": ("_repr_html_",),
    # No first_notebook_cell: sphinx-gallery writes it only into the notebooks
    # of examples it runs; potok_sphinx.reader gives every notebook the cell that
    # installs this build's potok after it ran.
    # «Где это измерено»: which examples use an API of these standard modules.
    # sphinx-gallery reads the names each example's code uses (resolved on its
    # globals after it ran) and the roles in its text, and keeps those whose
    # module starts with one of these; ``{minigallery}`` on a chapter or in the
    # glossary shows the examples behind a name (potok_sphinx.where).
    "doc_module": ("threading", "multiprocessing", "concurrent", "asyncio", "queue"),
    "backreferences_dir": "_backreferences",
}

# --- HTML ----------------------------------------------------------------------
html_theme = "furo"
html_title = "От процессора до многопоточности"
html_static_path = ["_static"]
# Written as Sphinx stores it (it adds priority 800 in place), so that a rebuild
# does not find the option changed.
html_css_files = [("potok.css", {"priority": 800})]
html_js_files = [("potok.js", {"priority": 800})]
# Without an icon every browser asks the host for /favicon.ico, and gets a 404.
html_favicon = "_static/favicon.svg"
html_last_updated_fmt = "%d.%m.%Y"
html_theme_options = {
    "navigation_with_keys": True,
    "top_of_page_buttons": ["view"],
}
html_copy_source = True

# --- copy button ---------------------------------------------------------------
# Copy code only: drop ">>> " / "$ " prompts and the output lines after them.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_exclude = ".linenos, .gp, .go"
# A button on code only: not on the output sphinx-gallery prints under it.
copybutton_selector = ":not(.sphx-glr-script-out) > div.highlight pre"

# --- hosting: canonical URLs, sitemap, OpenGraph, 404 -------------------------------
# The public address comes from the environment: POTOK_SITE_URL (GitHub Pages, set
# by the deploy workflow) or READTHEDOCS_CANONICAL_URL (set by Read the Docs). In
# the multi-version build (nox -s versions) every version's canonical URL points at
# the same page in the release that was the latest when that version was built: a
# release is built once and kept, so an older release's pages point at the one
# that was latest then, usually itself. Without an address (a local build) there are
# no canonical URLs and no sitemap, rather than made-up ones.
from urllib.parse import urlsplit  # noqa: E402

from potok_sphinx import versions as potok_versions  # noqa: E402

templates_path = ["_templates"]
_polyversion = potok_versions.load()  # None outside nox -s versions
_site_url = os.environ.get("POTOK_SITE_URL", "").strip().rstrip("/")
_site_url = _site_url + "/" if _site_url else ""
_rtd_url = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
potok_site_path = urlsplit(_site_url).path or "/"  # where the site's root is served
html_baseurl = _site_url or _rtd_url
if _polyversion:
    _canonical = _polyversion["latest"] or _polyversion["current"]
    html_baseurl = f"{_site_url}{_canonical}/" if _site_url else ""
    notfound_urls_prefix = f"{potok_site_path}{_polyversion['current']}/"
elif not _rtd_url:  # on Read the Docs the extension's default is right
    notfound_urls_prefix = potok_site_path
if not html_baseurl:
    extensions.remove("sphinx_sitemap")
sitemap_url_scheme = "{link}"
sitemap_excludes = [
    "404.html",
    "search.html",
    "genindex.html",
    # sphinx-gallery's times pages, one per gallery section (fnmatch patterns);
    # potok_sphinx.offline leaves them out of search too
    "*sg_execution_times.html",
]
# The 404 page in the site's language (sphinx-notfound-page's default is English).
# No links in its text: the page is served at any address, and the sidebar and
# the search box it shares with every page lead on.
notfound_context = {
    "title": "Страница не найдена",
    "body": (
        "<h1>Страница не найдена</h1>\n\n<p>По этому адресу на сайте ничего нет: "
        "возможно, страницу переименовали или в адресе опечатка. Выберите главу "
        "в меню или найдите нужное через поиск.</p>"
    ),
}
ogp_site_url = html_baseurl
ogp_site_name = project
ogp_social_cards = {"enable": False}  # a matplotlib picture per page: slow, unneeded
# where this build's own pages and downloads are (the EPUB's download links)
potok_site_url = (
    f"{_site_url}{_polyversion['current']}/"
    if _polyversion and _site_url
    else html_baseurl
)

# --- the EPUB edition (potok_sphinx.epub) ---------------------------------------------
# Built after the HTML, from its gallery output (nox -s docs; nox -s epub checks
# it with EPUBCheck), and linked from every page's sidebar as potok.epub.
import uuid  # noqa: E402

epub_basename = "potok"
epub_title = project
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_description = (
    "Как Python выполняет код параллельно — от процессора и кешей до "
    "free-threaded сборки; каждое утверждение проверено замером при сборке."
)
# one identifier per version of the book; the NCX names it by the OPF's id
# attribute, so both are the same (and an XML name: no colons)
epub_identifier = epub_uid = (
    f"potok-{uuid.uuid5(uuid.NAMESPACE_URL, f'potok/{release}')}"
)
# the chapters' toctrees are hidden on the site (furo's sidebar shows them)
epub_tocscope = "includehidden"
# links are live in every reader; URLs printed in the text would double them
epub_show_urls = "no"
# the site's own files that a book does not use (and that EPUBCheck refuses:
# selectors its CSS parser does not read, SVG with an external DTD)
epub_exclude_files = [
    "_static/potok.css",
    "_static/potok-versions.css",
    "_static/jupyterlite_badge_logo.svg",
    "_static/binder_badge_logo.svg",
    "_static/favicon.svg",
    "_static/no_image.png",
    "_static/broken_example.png",
]
