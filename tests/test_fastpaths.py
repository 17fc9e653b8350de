"""Fast edit-rebuild loops, one example by name, timeouts, discovery (issues 7, 9).

The build checks use test_build's small site (the real conf.py and extensions,
examples of the test's own); the pytest checks run pytest on a temporary tree
holding the real conftest.py.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from potok_sphinx import examples
from sites import GOOD_EXAMPLE, INDEX, NO_NETWORK, build, html, make_site, text

ROOT = Path(__file__).resolve().parent.parent

OTHER_EXAMPLE = '''\
"""
Другой пример
=============

Печатает другую строку.
"""

print("другой пример выполнился")
'''

HANGING_EXAMPLE = '''\
"""
Зависший пример
===============

Ждёт события, которое никто не установит.
"""

import threading

never = threading.Event()
never.wait()
'''


def executed(out: str) -> int:
    """How many examples sphinx-gallery says it ran in this build."""
    m = re.search(r"successfully executed (\d+) out of", out)
    return int(m.group(1)) if m else -1


def by_name(site: Path, name: str) -> list[str]:
    """The -D options ``nox -s docs -- --example NAME`` gives sphinx-build."""
    return examples.sphinx_options(examples.find(name, site / "examples"))


def output(site: Path, name: str) -> str | None:
    """What the example's page shows as its output, or None if it shows none."""
    shown = html(site, f"auto_examples/01_test/{name}").select_one(
        ".sphx-glr-script-out"
    )
    return None if shown is None else shown.get_text()


# --- docs-live: a prose edit runs nothing, an example edit runs that example -------


def test_rebuild_runs_only_what_changed(tmp_path):
    site = make_site(
        tmp_path,
        examples={"plot_good.py": GOOD_EXAMPLE, "plot_other.py": OTHER_EXAMPLE},
    )
    first = build(site, **NO_NETWORK)
    assert first.returncode == 0, first.stdout + first.stderr
    assert executed(first.stdout) == 2

    index = site / "docs/index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\nНовый абзац.\n")
    prose = build(site, **NO_NETWORK)
    assert prose.returncode == 0, prose.stdout + prose.stderr
    assert executed(prose.stdout) == 0, prose.stdout
    assert "Новый абзац" in (site / "docs/_build/html/index.html").read_text()

    script = site / "examples/01_test/plot_other.py"
    script.write_text(script.read_text().replace("другую строку", "иную строку"))
    edit = build(site, **NO_NETWORK)
    assert edit.returncode == 0, edit.stdout + edit.stderr
    assert executed(edit.stdout) == 1, edit.stdout
    # the page shows the edited script (its description is in the docstring)
    assert "иную строку" in text(html(site, "auto_examples/01_test/plot_other"))


# --- one example by name ---------------------------------------------------------


def test_one_example_by_name_runs_only_it(tmp_path):
    site = make_site(
        tmp_path,
        examples={"plot_good.py": GOOD_EXAMPLE, "plot_other.py": OTHER_EXAMPLE},
    )
    proc = build(site, *by_name(site, "plot_other"), **NO_NETWORK)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert executed(proc.stdout) == 1
    assert "другой пример выполнился" in output(site, "plot_other")
    # the other one is on the site, not run, and not marked as run
    assert output(site, "plot_good") is None  # no output shown
    assert not (site / "docs/auto_examples/01_test/plot_good.py.md5").exists()
    # the next full build runs it; the named one is not run again
    full = build(site, **NO_NETWORK)
    assert full.returncode == 0, full.stdout + full.stderr
    assert executed(full.stdout) == 1
    assert "пример выполнился" in output(site, "plot_good")


FIGURE_EXAMPLE = '''\
"""
Пример с графиком
=================

Рисует линию.
"""

import matplotlib.pyplot as plt

plt.plot([0, 1], [0, 1])
plt.title("Линия")
plt.show()
'''

FIGURE_INDEX = (
    INDEX
    + """
```{image} auto_examples/01_test/images/sphx_glr_plot_figure_001.png
:alt: Линия из примера
```
"""
)


def test_one_example_also_runs_one_whose_figure_a_page_shows(tmp_path):
    """In a fresh clone the front page's figure was never made: the example
    that makes it runs too, else the strict build stops on the missing image."""
    site = make_site(
        tmp_path,
        index=FIGURE_INDEX,
        examples={"plot_figure.py": FIGURE_EXAMPLE, "plot_other.py": OTHER_EXAMPLE},
    )
    fresh = build(site, *by_name(site, "plot_other"), **NO_NETWORK)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert executed(fresh.stdout) == 2, fresh.stdout
    assert "01_test/plot_figure.py runs too" in fresh.stdout + fresh.stderr
    # once the figure exists, only the named example runs
    again = build(site, *by_name(site, "plot_other"), **NO_NETWORK)
    assert again.returncode == 0, again.stdout + again.stderr
    assert executed(again.stdout) == 1, again.stdout


def test_one_example_reruns_even_if_unchanged(tmp_path):
    site = make_site(tmp_path, examples={"plot_good.py": GOOD_EXAMPLE})
    assert build(site, **NO_NETWORK).returncode == 0
    again = build(site, *by_name(site, "plot_good.py"), **NO_NETWORK)
    assert again.returncode == 0, again.stdout + again.stderr
    assert executed(again.stdout) == 1


def test_unknown_example_name_fails_listing_the_names(tmp_path):
    site = make_site(
        tmp_path,
        examples={"plot_good.py": GOOD_EXAMPLE, "plot_other.py": OTHER_EXAMPLE},
    )
    with pytest.raises(LookupError, match="'plot_nothing'") as caught:
        examples.find("plot_nothing", site / "examples")
    assert "plot_good, plot_other" in str(caught.value)
    (site / "examples/02_more").mkdir()
    shutil.copy(site / "examples/01_test/plot_good.py", site / "examples/02_more")
    with pytest.raises(LookupError, match="01_test/plot_good, 02_more/plot_good"):
        examples.find("plot_good", site / "examples")
    assert examples.find("02_more/plot_good", site / "examples").parent.name == (
        "02_more"
    )


def _load_noxfile():
    """noxfile.py with a stand-in for nox (not installed in the test environment)."""
    fake = types.ModuleType("nox")
    fake.session = lambda *a, **k: (lambda f: f) if not (a and callable(a[0])) else a[0]
    fake.options = types.SimpleNamespace()
    fake.Session = object
    saved = sys.modules.get("nox")
    sys.modules["nox"] = fake
    try:
        spec = importlib.util.spec_from_file_location(
            "potok_noxfile", ROOT / "noxfile.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        if saved is None:
            del sys.modules["nox"]
        else:
            sys.modules["nox"] = saved
    return module


def test_nox_docs_example_option_gives_sphinx_gallerys_options():
    noxfile = _load_noxfile()
    assert noxfile.example_option(["--example", "plot_x", "-v"]) == ("plot_x", ["-v"])
    assert noxfile.example_option(["--example=plot_x"]) == ("plot_x", [])
    assert noxfile.example_option(["-v"]) == (None, ["-v"])
    with pytest.raises(SystemExit, match="--example needs a name"):
        noxfile.example_option(["--example"])

    class Session:
        def log(self, *args):
            pass

        def error(self, message):
            raise AssertionError(message)

    args = noxfile.example_args(Session(), "plot_gil_timeline")
    assert args == [
        "-D",
        r"sphinx_gallery_conf.filename_pattern=/04_gil/plot_gil_timeline\.py$",
        "-D",
        "sphinx_gallery_conf.run_stale_examples=True",
    ]
    assert noxfile.example_args(Session(), None) == []
    with pytest.raises(AssertionError, match="no example of that name"):
        noxfile.example_args(Session(), "plot_nothing")


def test_readme_documents_the_fast_paths():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "nox -s docs -- --example plot_gil_timeline" in readme
    assert "nox -s docs-live" in readme
    assert "nox -s bench" in readme


# --- an example that hangs is stopped, named -------------------------------------


def test_hanging_example_stops_the_build_naming_it(tmp_path):
    site = make_site(tmp_path, examples={"plot_hang.py": HANGING_EXAMPLE})
    start = time.monotonic()
    proc = build(site, POTOK_EXAMPLE_TIMEOUT="3", **NO_NETWORK)
    elapsed = time.monotonic() - start
    out = proc.stdout + proc.stderr
    assert proc.returncode == 124, out
    assert "example examples/01_test/plot_hang.py did not finish within 3 s" in out
    # where it hung: the example's own line
    assert re.search(r'File ".*plot_hang\.py", line 11', out), out
    assert elapsed < 120


def test_bad_timeout_value_is_named(tmp_path):
    site = make_site(tmp_path, examples={"plot_good.py": GOOD_EXAMPLE})
    proc = build(site, POTOK_EXAMPLE_TIMEOUT="soon", **NO_NETWORK)
    assert proc.returncode != 0
    assert "POTOK_EXAMPLE_TIMEOUT='soon' is not a number" in proc.stdout + proc.stderr


def pytest_tree(tmp_path: Path, examples: dict[str, str]) -> Path:
    """A tree with the real conftest.py and the given examples/<path> files."""
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    ext = tmp_path / "docs" / "_ext" / "potok_sphinx"  # conftest's runner
    shutil.copytree(ROOT / "docs" / "_ext" / "potok_sphinx", ext)
    (tmp_path / "pytest.ini").write_text(
        f"[pytest]\npythonpath = {ROOT / 'src'} {ROOT / 'tests'} docs/_ext\n",
        encoding="utf-8",
    )
    for rel, script in examples.items():
        path = tmp_path / "examples" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(script, encoding="utf-8")
    return tmp_path


def run_pytest(tree: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args, "examples"],
        cwd=tree,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=240,
    )


CHILD_HANGS = '''\
"""
Процесс, который не кончается
=============================

Родитель ждёт дочерний процесс, а тот спит очень долго.
"""

import multiprocessing
import time

if __name__ == "__main__":
    child = multiprocessing.Process(target=time.sleep, args=(3600,))
    child.start()
    print(f"child pid {child.pid}", flush=True)
    child.join()
'''


def test_hanging_example_fails_its_test_naming_it(tmp_path):
    # the child process holds the output pipes: it must be stopped as well
    tree = pytest_tree(tmp_path, {"01_x/plot_child_hangs.py": CHILD_HANGS})
    start = time.monotonic()
    proc = run_pytest(tree, POTOK_EXAMPLE_TIMEOUT="3")
    elapsed = time.monotonic() - start
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "examples/01_x/plot_child_hangs.py: did not finish within 3 s" in proc.stdout
    assert elapsed < 120
    # and its child process was stopped with it, not left running
    pid = int(re.search(r"child pid (\d+)", proc.stdout).group(1))
    assert not _alive(pid), f"the example's child process {pid} is still running"


def _alive(pid: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        status = Path(f"/proc/{pid}/status")
        if status.exists() and "zombie" in status.read_text():
            return False
        time.sleep(0.2)
    return True


# --- a new example is one new file ----------------------------------------------


def test_new_example_file_is_collected_as_a_test(tmp_path):
    tree = pytest_tree(tmp_path, {"09_new/plot_brand_new.py": GOOD_EXAMPLE})
    proc = run_pytest(tree, "--collect-only", "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "examples/09_new/plot_brand_new.py::run" in proc.stdout


def test_new_example_folder_and_file_appear_in_the_gallery(tmp_path):
    site = make_site(tmp_path, examples={"plot_good.py": GOOD_EXAMPLE})
    folder = site / "examples" / "09_new"
    folder.mkdir()
    (folder / "GALLERY_HEADER.rst").write_text(
        "Новая глава\n-----------\n", encoding="utf-8"
    )
    (folder / "plot_brand_new.py").write_text(OTHER_EXAMPLE, encoding="utf-8")
    proc = build(site, **NO_NETWORK)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = site / "docs/_build/html/auto_examples"
    assert "plot_brand_new" in (html / "index.html").read_text(encoding="utf-8")
    new_page = (html / "09_new/plot_brand_new.html").read_text(encoding="utf-8")
    assert "другой пример выполнился" in new_page
