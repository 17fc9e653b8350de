"""No stale gallery output, skips with a reason, the stamp (potok_sphinx.gallery).

The integration test builds a small site (see test_build.make_site) whose example
appends a line to a file each time it runs, and counts the runs: an unchanged
tree reuses the cached result, and each kind of change runs the example again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the build checks need the docs group")

from potok_sphinx import gallery as potok_gallery
from sites import NO_NETWORK, ROOT, make_site, sphinx_command

from potok import machine

COUNTING_EXAMPLE = '''\
"""
Считающий пример
================

Каждый запуск дописывает строку в файл рядом с сайтом.
"""

from pathlib import Path

with open(Path.cwd().parent.parent / "runs.txt", "a", encoding="utf-8") as f:
    f.write("run\\n")
print("пример выполнился")
'''

NEEDS_FUTURE_PYTHON = '''\
"""
Пример из будущего
==================

Нужен Python, которого ещё нет.
"""

from potok import machine

machine.require(python="99.0")
print("этого не должно быть на странице")
'''


def make_cache_site(tmp_path: Path, examples: dict[str, str]) -> Path:
    site = make_site(tmp_path, examples=examples)
    (site / "src").unlink()  # a copy of potok we can edit, not a link to ours
    shutil.copytree(
        ROOT / "src", site / "src", ignore=shutil.ignore_patterns("__pycache__")
    )
    (site / "uv.lock").write_text("version = 1\n", encoding="utf-8")
    return site


def build(site: Path, python: str = sys.executable, builder: str = "dummy"):
    """A strict build; the dummy builder runs the gallery without writing HTML."""
    proc = subprocess.run(
        sphinx_command(builder, python),
        cwd=site,
        env={**NO_NETWORK, **_env()},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def _env() -> dict[str, str]:
    env = dict(os.environ, MPLBACKEND="Agg")
    for k in potok_gallery.KEY_ENV:
        env.pop(k, None)
    return env


def runs(site: Path) -> int:
    f = site / "runs.txt"
    return len(f.read_text(encoding="utf-8").splitlines()) if f.exists() else 0


def other_executable() -> str:
    """The same interpreter under another name (bin/python3 vs bin/python)."""
    exe = Path(sys.executable)
    for name in (
        "python3",
        "python",
        f"python{sys.version_info[0]}.{sys.version_info[1]}",
    ):
        other = exe.with_name(name)
        if other != exe and other.exists():
            return str(other)
    pytest.skip(f"no second name for {exe} to change the interpreter's path")


def test_cache_is_reused_only_while_nothing_that_matters_changed(tmp_path):
    site = make_cache_site(
        tmp_path,
        {"plot_count.py": COUNTING_EXAMPLE, "plot_future.py": NEEDS_FUTURE_PYTHON},
    )
    example = site / "examples/01_test/plot_count.py"

    build(site, builder="html")
    assert runs(site) == 1
    html = site / "docs/_build/html/auto_examples"
    page = (html / "01_test/plot_count.html").read_text(encoding="utf-8")
    assert "пример выполнился" in page
    # the stamp: which Python (version and build) and machine, and when
    assert machine.python_build() in page and machine.cpu_model() in page
    assert "получены при сборке сайта" in page
    index = (html / "index.html").read_text(encoding="utf-8")
    assert "Примеры выполнены при сборке сайта" in index
    assert machine.python_build() in index
    # an example that needs another Python: its code is shown, not run, and why
    future = (html / "01_test/plot_future.html").read_text(encoding="utf-8")
    assert "Этот пример при сборке не выполнялся" in future
    assert "нужен Python 99.0 или новее" in future
    assert "этого не должно быть на странице" in future  # the code...
    assert "sphx-glr-script-out" not in future  # ...but no output
    assert "Не выполнялись (нужен другой интерпретатор): 1" in index

    build(site)
    assert runs(site) == 1, "an unchanged tree must reuse the cached result"

    example.write_text(COUNTING_EXAMPLE + "# правка\n", encoding="utf-8")
    build(site)
    assert runs(site) == 2, "an edited script must run again"

    with open(site / "src/potok/workloads.py", "a", encoding="utf-8") as f:
        f.write("# правка\n")
    proc = build(site)
    assert runs(site) == 3, "an edited potok must run every example again"
    assert "potok changed" in proc.stdout

    (site / "uv.lock").write_text("version = 1\n# another lock\n", encoding="utf-8")
    proc = build(site)
    assert runs(site) == 4, "a changed uv.lock must run every example again"
    assert "uv.lock changed" in proc.stdout

    proc = build(site, python=other_executable())
    assert runs(site) == 5, "another interpreter must run every example again"
    assert "python changed" in proc.stdout


def test_rebuild_rereads_a_gallery_page_only_when_its_stamp_changed(tmp_path):
    site = make_cache_site(
        tmp_path,
        {"plot_count.py": COUNTING_EXAMPLE, "plot_future.py": NEEDS_FUTURE_PYTHON},
    )
    build(site, builder="html")
    again = build(site, builder="html")
    assert "0 added, 0 changed, 0 removed" in again.stdout, again.stdout
    assert "writing output... [" not in again.stdout, again.stdout

    # Only the stamp changes: the record says the example ran on another day.
    manifest = site / "docs/auto_examples" / potok_gallery.MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["examples"]["01_test/plot_count.py"]["ran_at"] = "2001-02-03T04:05:00+00:00"
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    third = build(site, builder="html")
    assert runs(site) == 1
    html = site / "docs/_build/html/auto_examples"
    page = (html / "01_test/plot_count.html").read_text(encoding="utf-8")
    assert "03.02.2001 в 04:05 UTC" in page
    index = (html / "index.html").read_text(encoding="utf-8")
    assert "03.02.2001 в 04:05 UTC" in index
    # ...and the pages whose stamp did not change are not read again
    read = [ln for ln in third.stdout.splitlines() if "reading sources" in ln]
    assert read and not any("plot_future" in ln for ln in read), third.stdout


def test_key_covers_version_build_and_executable(tmp_path, monkeypatch):
    (tmp_path / "src/potok").mkdir(parents=True)
    base = potok_gallery.key_parts(tmp_path)
    key = potok_gallery.cache_key(base)
    assert base["uv.lock"] == "absent"

    changes = {
        "version": ("sys.version", "3.99.0 (main) [GCC 99]"),
        "executable": ("sys.executable", "/opt/other/bin/python3"),
    }
    for attr, value in changes.values():
        with monkeypatch.context() as m:
            m.setattr(attr, value)
            assert potok_gallery.cache_key(potok_gallery.key_parts(tmp_path)) != key
    with monkeypatch.context() as m:
        m.setattr(potok_gallery.machine, "free_threaded_build", lambda: True)
        assert potok_gallery.cache_key(potok_gallery.key_parts(tmp_path)) != key
    with monkeypatch.context() as m:
        m.setenv("POTOK_START_METHOD", "spawn")
        assert potok_gallery.cache_key(potok_gallery.key_parts(tmp_path)) != key
    assert potok_gallery.cache_key(potok_gallery.key_parts(tmp_path)) == key


def test_require_with_computed_arguments_fails_naming_file(tmp_path):
    bad = NEEDS_FUTURE_PYTHON.replace('python="99.0"', 'python=str(99) + ".0"')
    site = make_cache_site(tmp_path, {"plot_future.py": bad})
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "dummy", "docs", "docs/_build/dummy"],
        cwd=site,
        env={**NO_NETWORK, **_env()},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "plot_future.py:10" in out and "must be literals" in out
