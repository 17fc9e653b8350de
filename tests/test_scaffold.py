"""``nox -s new-example -- FOLDER NAME`` (tools/new_example.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import new_example
import pytest
from conventions import ROOT, check


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A repository root of the test's own with one chapter folder."""
    (tmp_path / "examples" / "04_gil").mkdir(parents=True)
    monkeypatch.setattr(new_example, "ROOT", tmp_path)
    monkeypatch.setattr(new_example, "EXAMPLES", tmp_path / "examples")
    return tmp_path


def test_creates_an_example_that_passes_the_checks_and_runs(tree, capsys):
    assert new_example.main(["04_gil", "my_topic"]) == 0
    path = tree / "examples/04_gil/plot_my_topic.py"
    assert path.is_file()
    out = capsys.readouterr().out
    assert "created examples/04_gil/plot_my_topic.py" in out
    assert "sphx_glr_auto_examples_04_gil_plot_my_topic.py" in out

    assert check(path, src_root=ROOT / "src") == []
    env = dict(
        os.environ, POTOK_QUICK="1", MPLBACKEND="Agg", PYTHONPATH=str(ROOT / "src")
    )
    proc = subprocess.run(
        [sys.executable, str(path)],
        cwd=path.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "повторов: 3" in proc.stdout  # the quick scale's repeats


def test_title_option_and_prefix_are_accepted(tree):
    assert (
        new_example.main(["04_gil", "plot_other.py", "--title", "Мой  заголовок"]) == 0
    )
    text = (tree / "examples/04_gil/plot_other.py").read_text(encoding="utf-8")
    assert text.startswith('"""\nМой заголовок\n=============\n')


def test_refuses_to_overwrite(tree, capsys):
    path = tree / "examples/04_gil/plot_my_topic.py"
    path.write_text("# мой труд\n", encoding="utf-8")
    assert new_example.main(["04_gil", "my_topic"]) == 2
    assert path.read_text(encoding="utf-8") == "# мой труд\n"
    err = capsys.readouterr().err
    assert (
        "examples/04_gil/plot_my_topic.py exists already and was not overwritten"
        in (err)
    )


@pytest.mark.parametrize(
    ("folder", "name", "message"),
    [
        ("gil", "x", "'gil' is not a chapter folder name: two digits, an underscore"),
        ("04-gil", "x", "'04-gil' is not a chapter folder name"),
        ("09_missing", "x", "examples/09_missing does not exist; the chapter folders"),
        ("04_gil", "My-Topic", "'My-Topic' is not a usable example name"),
        ("04_gil", "мой", "'мой' is not a usable example name"),
        ("04_gil", "1st", "'1st' is not a usable example name"),
    ],
)
def test_bad_folder_or_name_is_explained(tree, capsys, folder, name, message):
    assert new_example.main([folder, name]) == 2
    assert message in capsys.readouterr().err
    assert list((tree / "examples/04_gil").iterdir()) == []


def test_missing_folder_lists_the_existing_ones(tree, capsys):
    new_example.main(["09_missing", "x"])
    assert "the chapter folders are: 04_gil" in capsys.readouterr().err
