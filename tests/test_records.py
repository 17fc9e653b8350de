"""potok.records: a run's record notes the start method and the other
interpreters the run used, forgets them when the next run begins in the same
process (the site's build runs one example after another in one process), and
the toolkit's modules import one another without a circle."""

import ast
import os
from pathlib import Path

import pytest

from potok import interpreters, records, start_methods

SRC = Path(__file__).resolve().parents[1] / "src" / "potok"


@pytest.fixture
def record_path(tmp_path):
    yield tmp_path / "plot_test.record.json"
    records.discard()


def test_record_notes_start_method_and_other_interpreters(record_path):
    records.begin("04_gil/plot_test.py", record_path)
    method = start_methods.start_method()
    python = interpreters.here()
    with interpreters.Child(python) as child:
        assert child.call(os.getpid) != os.getpid()
    records.finish()
    written = records.load(record_path)
    assert written.start_method == method
    assert [i.version for i in written.interpreters] == [python.version]
    # the record is published: the interpreter by its name, not the machine's path
    assert all(os.sep not in i.path for i in written.interpreters)


def test_next_run_forgets_what_the_last_asked(record_path, tmp_path):
    records.begin("04_gil/plot_first.py", tmp_path / "first.record.json")
    start_methods.start_method()
    with interpreters.Child(interpreters.here()) as child:
        child.call(os.getpid)
    records.finish()
    records.begin("04_gil/plot_test.py", record_path)
    records.finish()
    written = records.load(record_path)
    assert written.start_method is None
    assert written.interpreters == []


def imports_of(path: Path) -> set[str]:
    """The potok modules ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "potok":
                found |= {f"potok.{alias.name}" for alias in node.names}
            elif node.module.startswith("potok."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("potok.")}
    return found


def test_toolkit_imports_form_no_circle():
    modules = {f"potok.{p.stem}": p for p in SRC.glob("*.py") if p.stem != "__init__"}
    graph = {
        name: imports_of(path) & modules.keys() - {name}
        for name, path in modules.items()
    }
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            cycle = " -> ".join((*path[path.index(name) :], name))
            pytest.fail(f"the toolkit's imports go round: {cycle}")
        if name in done:
            return
        for other in sorted(graph[name]):
            visit(other, (*path, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())
    assert graph["potok.codec"] == set()  # the lowest module
    assert "potok.records" in graph["potok.claims"]
