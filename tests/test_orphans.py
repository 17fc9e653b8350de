"""A removed or renamed example leaves nothing behind (potok_sphinx.gallery).

sphinx-gallery never deletes what it generated; without the cleanup, the next
incremental build fails ("document isn't included in any toctree") and the built
site keeps the old page, its images and its downloads.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the build checks need the docs group")

from sites import build, make_site

DRAWING = '''\
"""
Пример {name}
=========

Рисует линию.
"""

import matplotlib.pyplot as plt

plt.plot([0, 1], [0, 1])
plt.show()
'''


def _leftovers(site: Path, stem: str) -> list[Path]:
    docs = site / "docs"
    found = list((docs / "auto_examples").rglob(f"{stem}.*"))
    found += list((docs / "auto_examples").rglob(f"sphx_glr_{stem}_*"))
    html = docs / "_build" / "html"
    found += list(html.rglob(f"{stem}.*"))
    found += list(html.rglob(f"sphx_glr_{stem}_*"))
    return sorted(found)


def test_a_removed_example_is_gone_from_sources_and_site(tmp_path):
    examples = {
        "plot_keep.py": DRAWING.format(name="A"),
        "plot_gone.py": DRAWING.format(name="B"),
    }
    site = make_site(tmp_path, examples=examples)
    first = build(site)
    assert first.returncode == 0, first.stdout + first.stderr
    assert _leftovers(site, "plot_gone"), "the first build made no page to remove"

    (site / "examples" / "01_test" / "plot_gone.py").unlink()
    second = build(site)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "plot_gone.py is gone" in second.stderr
    assert _leftovers(site, "plot_gone") == []
    # the other example is untouched
    html = site / "docs" / "_build" / "html" / "auto_examples" / "01_test"
    assert (html / "plot_keep.html").is_file()
    assert list(
        (site / "docs" / "_build" / "html" / "_images").glob("sphx_glr_plot_keep_*")
    )


def test_a_renamed_example_has_only_its_new_page(tmp_path):
    site = make_site(tmp_path, examples={"plot_old.py": DRAWING.format(name="C")})
    assert build(site).returncode == 0
    folder = site / "examples" / "01_test"
    (folder / "plot_old.py").rename(folder / "plot_new.py")
    again = build(site)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _leftovers(site, "plot_old") == []
    assert (
        site
        / "docs"
        / "_build"
        / "html"
        / "auto_examples"
        / "01_test"
        / "plot_new.html"
    ).is_file()


def test_the_gallerys_own_folders_are_not_orphans(tmp_path):
    """Only folders of generated pages are sections; images/ is the gallery's."""
    site = make_site(tmp_path, examples={"plot_keep.py": DRAWING.format(name="D")})
    assert build(site).returncode == 0
    own = site / "docs" / "auto_examples" / "images" / "thumb" / "kept.png"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_bytes(b"")
    again = build(site)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "is gone" not in again.stderr
    assert own.is_file()
