"""Sphinx configuration for «От процессора до многопоточки» (potok)."""

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

project = "От процессора до многопоточки"
author = "Авторы potok"
copyright = "2026, авторы potok"
release = potok.__version__
version = ".".join(release.split(".")[:2])

language = "ru"
locale_dirs = ["locale"]  # furo's interface strings in Russian (furo ships none)
gettext_compact = False

extensions = [
    "myst_parser",
    "sphinx.ext.intersphinx",
    "sphinx_copybutton",
    "sphinx_gallery.gen_gallery",
    "potok_furo_ru",
    "potok_offline",  # no page loads anything from another host
    "potok_a11y",  # accessibility fixes to what Sphinx and furo write
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    # sphinx-gallery writes these beside the pages it generates
    "auto_examples/**/*.ipynb",
    "auto_examples/**/*.py",
    "auto_examples/**/*.zip",
    "auto_examples/**/*.json",
    "auto_examples/**/*.md5",
]

nitpicky = True  # every cross-reference must resolve (the build runs -n -W)

# --- MyST ----------------------------------------------------------------------
myst_enable_extensions = [
    "colon_fence",  # ::: admonitions that read well in plain Markdown
    "deflist",
    "dollarmath",
    "fieldlist",
    "substitution",
]
myst_heading_anchors = 3

# --- intersphinx ---------------------------------------------------------------
# The network copy first; if it cannot be reached, the checked-in inventory (see
# docs/_intersphinx/README.md), so the build passes offline.
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

# --- sphinx-gallery ------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",  # run every plot_*.py; others are shown only
    "ignore_pattern": r"__init__\.py|/_",
    "within_subsection_order": "FileNameSortKey",
    "remove_config_comments": True,
    "image_srcset": ["2x"],
    "download_all_examples": True,
    "abort_on_example_error": False,  # run all, then fail the build naming each
    "only_warn_on_example_error": False,
    "parallel": False,  # examples time themselves: never run them side by side
    "show_memory": False,
    "plot_gallery": "True",
    "matplotlib_animations": False,
    "reset_modules": ("matplotlib", "seaborn"),
    "capture_repr": ("_repr_html_",),
    "first_notebook_cell": None,
    "default_thumb_file": None,
}

# --- HTML ----------------------------------------------------------------------
html_theme = "furo"
html_title = "От процессора до многопоточки"
html_static_path = ["_static"]
html_css_files = ["potok.css"]
html_js_files = ["potok.js"]
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
