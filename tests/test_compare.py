"""python -m potok compare: made-up verdicts on both sides, no network."""

from __future__ import annotations

import json
import socket
import sys

import pytest
from potok_sphinx.reader import is_release, notebook_cell, run_block

from potok import compare
from potok.__main__ import main as potok_main
from potok.claims import Claim

HOME_SCRIPT = """\
print("обычная строка вывода")
print({line1!r})
print({line2!r})
"""

SITE = {
    "plot_x.py": {
        "script": "06_futures/plot_x.py",
        "potok": "0.1.0",
        "ran_at": "2026-12-01T20:00:00+00:00",
        "stamp": "AMD EPYC; логических CPU: 2, доступно процессу: 2; CPython 3.13",
        "skipped": None,
        "machine": {},
        "claims": [
            {
                "text": "процессы быстрее потоков",
                "confirmed": False,
                "evidence": "×0.9",
                "reason": "машина занята",
            }
        ],
    }
}


def _script(tmp_path, *claims: Claim):
    lines = [c.render() for c in claims]
    script = tmp_path / "plot_x.py"
    script.write_text(
        HOME_SCRIPT.format(line1=lines[0], line2=lines[1]), encoding="utf-8"
    )
    return script


def test_parse_is_the_inverse_of_render():
    for claim in (
        Claim("a — b (c)", True, "×3.8 (медиана)"),
        Claim("текст", False, "×0.9", "машина занята"),
        Claim("текст", False, "×0.9"),
    ):
        v = compare.parse(claim.render())
        assert v is not None
        assert (v.text, v.confirmed, v.evidence) == (
            claim.text,
            claim.confirmed,
            claim.evidence,
        )
        assert v.reason == (claim.reason if not claim.confirmed else "")
    assert compare.parse("просто строка") is None


def test_site_root_from_a_page_address():
    page = "https://example.org/potok/0.1.0/auto_examples/06_futures/plot_x.html"
    assert compare.site_root(page) == "https://example.org/potok/0.1.0/"
    assert compare.site_root("https://example.org/potok") == (
        "https://example.org/potok/"
    )


def test_compare_prints_both_sides(tmp_path, capsys):
    script = _script(
        tmp_path,
        Claim("процессы быстрее потоков", True, "×3.8"),
        Claim("только у вас", True, "да"),
    )
    site_file = tmp_path / "claims.json"
    site_file.write_text(json.dumps(SITE, ensure_ascii=False), encoding="utf-8")
    assert compare.main([str(script), "--site-file", str(site_file)]) == 0
    out = capsys.readouterr().out
    assert "у вас: ✔ ×3.8 (логических процессоров: " in out
    assert "на сайте: ✘ ×0.9 (логических процессоров: 2)" in out
    assert "только у вас" in out and "на сайте нет" in out
    assert "potok 0.1.0" in out


def test_compare_reads_one_examples_file(tmp_path, capsys):
    script = _script(
        tmp_path,
        Claim("процессы быстрее потоков", True, "×3.8"),
        Claim("второе", False, "нет"),
    )
    one = tmp_path / "plot_x.claims.json"
    one.write_text(json.dumps(SITE["plot_x.py"]), encoding="utf-8")
    assert compare.main([str(script), "--site-file", str(one)]) == 0
    assert "на сайте: ✘ ×0.9" in capsys.readouterr().out


def test_compare_without_the_site_says_so(tmp_path, capsys):
    script = _script(tmp_path, Claim("a", True, "1"), Claim("b", True, "2"))
    with socket.socket() as s:  # a local port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = compare.main([str(script), "--site", f"http://127.0.0.1:{port}/"])
    out = capsys.readouterr().out
    assert code == 0
    assert "у вас: ✔ 1" in out
    assert "на сайте: нет данных — не удалось получить" in out
    assert "Сравнить с сайтом не удалось" in out


def test_compare_needs_a_site(tmp_path, monkeypatch):
    monkeypatch.delenv("POTOK_SITE_URL", raising=False)
    script = _script(tmp_path, Claim("a", True, "1"), Claim("b", True, "2"))
    with pytest.raises(SystemExit):
        compare.main([str(script)])


def test_a_failing_example_fails_compare(tmp_path, capsys):
    script = tmp_path / "plot_x.py"
    script.write_text("raise SystemExit(3)\n", encoding="utf-8")
    site_file = tmp_path / "claims.json"
    site_file.write_text(json.dumps(SITE), encoding="utf-8")
    assert compare.main([str(script), "--site-file", str(site_file)]) == 3


def test_python_m_potok_dispatches(capsys):
    assert potok_main(["--version"]) == 0
    assert potok_main([]) == 2
    assert "compare" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("version", "release"),
    [
        ("0.1.0", True),
        ("1.12.3", True),
        ("0.0.0", False),
        ("0.1.dev12+g1234abc", False),
        ("0.1.0rc1", False),
    ],
)
def test_which_builds_are_releases(version, release):
    assert is_release(version) is release
    cell = notebook_cell(version)
    block = "\n".join(run_block(version, "plot_x.py"))
    if release:
        assert cell == f"%pip install potok=={version}"
        assert f"uv run --with potok=={version} plot_x.py" in block
        assert f"python -m pip install potok=={version} && python plot_x.py" in block
        assert "не из выпуска" not in block
    else:
        assert cell == "%pip install potok"
        assert "не из выпуска" in block
        assert "uv run --with potok plot_x.py" in block
        assert "==" not in block


def test_run_here_uses_this_interpreter(tmp_path):
    script = tmp_path / "plot_y.py"
    script.write_text(
        "import sys, os; print(sys.executable, os.environ['POTOK_QUICK'])"
    )
    code, out, _ = compare.run_here(script, quick=True)
    assert code == 0
    assert out.split() == [sys.executable, "1"]
