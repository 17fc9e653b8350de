"""python -m potok compare: made-up verdicts on both sides, no network."""

from __future__ import annotations

import json
import socket
import sys
from functools import partial

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


# --- the site's data of the wrong shape: one line, never a traceback ------------------

CLAIM = SITE["plot_x.py"]["claims"][0]
WRONG_SHAPES = {
    "a number": 5,
    "a string": "plot_x.py",
    "a list": ["plot_x.py"],
    "null": None,
    "an entry that is a list": {"plot_x.py": []},
    "an entry that is a string": {"plot_x.py": "plot_x.py"},
    "claims that are not a list": {"plot_x.py": {**SITE["plot_x.py"], "claims": 5}},
    "a claim that is a string": {"plot_x.py": {**SITE["plot_x.py"], "claims": ["a"]}},
    "a claim of unknown keys": {
        "plot_x.py": {**SITE["plot_x.py"], "claims": [{"claim": "a", "ok": True}]}
    },
    "a claim with a non-boolean verdict": {
        "plot_x.py": {**SITE["plot_x.py"], "claims": [{**CLAIM, "confirmed": "yes"}]}
    },
    "a non-string stamp": {"plot_x.py": {**SITE["plot_x.py"], "stamp": 5}},
    "a non-string time": {"plot_x.py": {**SITE["plot_x.py"], "ran_at": [1]}},
    "one example's file with a non-string script": {**SITE["plot_x.py"], "script": 5},
}


@pytest.mark.parametrize("shape", WRONG_SHAPES)
def test_site_data_of_the_wrong_shape_is_refused_before_the_run(shape, tmp_path):
    """Checked where the data is read, before the example runs."""
    site_file = tmp_path / "claims.json"
    site_file.write_text(json.dumps(WRONG_SHAPES[shape]), encoding="utf-8")
    with pytest.raises(compare.SiteUnavailable) as caught:
        compare.site_entry(compare.read_site_file(site_file), "plot_x.py")
    message = str(caught.value)
    assert "\n" not in message and "не того вида" in message, message


@pytest.mark.parametrize("shape", WRONG_SHAPES)
def test_compare_with_site_data_of_the_wrong_shape_says_so_in_one_line(
    shape, tmp_path, capsys
):
    script = _script(tmp_path, Claim("a", True, "1"), Claim("b", True, "2"))
    site_file = tmp_path / "claims.json"
    site_file.write_text(json.dumps(WRONG_SHAPES[shape]), encoding="utf-8")
    assert compare.main([str(script), "--site-file", str(site_file)]) == 0
    out = capsys.readouterr().out
    assert "у вас: ✔ 1" in out
    problem = [line for line in out.splitlines() if "нет данных —" in line]
    assert len(problem) == 1 and str(site_file) in problem[0], out
    assert "Сравнить с сайтом не удалось" in out


def test_compare_refuses_a_served_index_of_the_wrong_shape(tmp_path, capsys):
    """--site: the same check on what the site serves."""
    import http.server
    import threading

    served = tmp_path / "site"
    (served / "auto_examples").mkdir(parents=True)
    (served / compare.SITE_INDEX).write_text('{"plot_x.py": []}', encoding="utf-8")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        script = _script(tmp_path, Claim("a", True, "1"), Claim("b", True, "2"))
        try:
            code = compare.main([str(script), "--site", url])
        finally:
            server.shutdown()
    out = capsys.readouterr().out
    assert code == 0
    assert f"нет данных — {url}{compare.SITE_INDEX}" in out, out
    assert "не того вида" in out


def test_a_claim_with_more_keys_than_known_is_compared(tmp_path, capsys):
    """A newer site may record more about a claim; what compare reads is there."""
    script = _script(
        tmp_path,
        Claim("процессы быстрее потоков", True, "×3.8"),
        Claim("второе", False, "нет"),
    )
    entry = {**SITE["plot_x.py"], "claims": [{**CLAIM, "id": 7}]}
    site_file = tmp_path / "plot_x.claims.json"
    site_file.write_text(json.dumps(entry), encoding="utf-8")
    assert compare.main([str(script), "--site-file", str(site_file)]) == 0
    assert "на сайте: ✘ ×0.9" in capsys.readouterr().out


def test_output_that_is_not_utf8_is_compared(tmp_path, capsys):
    script = tmp_path / "plot_x.py"
    line = Claim("процессы быстрее потоков", True, "×3.8").render()
    script.write_text(
        "import sys\n"
        "sys.stdout.buffer.write(b'not utf-8: \\xff\\xfe\\n')\n"
        f"sys.stdout.buffer.write({line!r}.encode() + b'\\n')\n",
        encoding="utf-8",
    )
    site_file = tmp_path / "claims.json"
    site_file.write_text(json.dumps(SITE), encoding="utf-8")
    assert compare.main([str(script), "--site-file", str(site_file)]) == 0
    out = capsys.readouterr().out
    assert "у вас: ✔ ×3.8" in out
    assert "на сайте: ✘ ×0.9" in out
