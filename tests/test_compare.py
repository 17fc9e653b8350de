"""python -m potok compare: made-up records on both sides, no network."""

from __future__ import annotations

import json
import socket
import sys
from functools import partial

import pytest
from potok_sphinx.reader import is_release

from potok import compare, records
from potok.__main__ import main as potok_main
from potok.machine import Stamp

SITE_STAMP = Stamp("AMD EPYC", 2, 2, "CPython 3.13.0 (с GIL)", "fork", "Linux 6")
SITE_RECORD = records.Record(
    example="plot_x.py",
    section="06_futures",
    potok="0.1.0",
    started="2026-12-01T20:00:00+00:00",
    finished="2026-12-01T20:00:05+00:00",
    python=SITE_STAMP,
    claims=[
        {
            "id": "processes-faster",
            "text": "процессы быстрее потоков",
            "confirmed": False,
            "evidence": "×0.9",
            "reason": "машина занята",
            "numbers": {"speedup": 0.9},
            "stamp": SITE_STAMP,
        }
    ],
).to_json()
SITE = {"plot_x.py": SITE_RECORD}

HOME_SCRIPT = """\
from potok import claims

print("обычная строка вывода")
claims.check("processes-faster", "процессы быстрее потоков", confirmed=True,
             evidence="×3.8", reason_if_not="машина была занята")
claims.check("only-at-home", "только у вас", confirmed=True, evidence="да",
             reason_if_not="у вас другая машина")
"""


def _script(tmp_path, text: str = HOME_SCRIPT):
    script = tmp_path / "plot_x.py"
    script.write_text(text, encoding="utf-8")
    return script


def _site_file(tmp_path, data=SITE, name="records.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_site_root_from_a_page_address():
    page = "https://example.org/potok/0.1.0/auto_examples/06_futures/plot_x.html"
    assert compare.site_root(page) == "https://example.org/potok/0.1.0/"
    assert compare.site_root("https://example.org/potok") == (
        "https://example.org/potok/"
    )


def test_compare_prints_both_sides_claim_by_claim(tmp_path, capsys):
    script = _script(tmp_path)
    assert compare.main([str(script), "--site-file", str(_site_file(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "процессы быстрее потоков [processes-faster]" in out
    assert "у вас: ✔ ×3.8 (логических процессоров: " in out
    assert "на сайте: ✘ ×0.9 (логических процессоров: 2)" in out
    assert "только у вас [only-at-home]" in out and "на сайте нет" in out
    assert "potok 0.1.0" in out


def test_compare_reads_one_examples_record(tmp_path, capsys):
    one = _site_file(tmp_path, SITE_RECORD, "plot_x.record.json")
    assert compare.main([str(_script(tmp_path)), "--site-file", str(one)]) == 0
    assert "на сайте: ✘ ×0.9" in capsys.readouterr().out


def test_the_home_side_is_read_from_the_record_not_the_output(tmp_path, capsys):
    """A line that looks like a verdict is only output; the record decides."""
    fake = "✔ Утверждение: процессы быстрее потоков — подтвердилось (×99)"
    script = _script(tmp_path, f"print({fake!r})\n" + HOME_SCRIPT)
    assert compare.main([str(script), "--site-file", str(_site_file(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "×99" not in out and "у вас: ✔ ×3.8" in out


def test_compare_without_the_site_says_so(tmp_path, capsys):
    script = _script(tmp_path)
    with socket.socket() as s:  # a local port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = compare.main([str(script), "--site", f"http://127.0.0.1:{port}/"])
    out = capsys.readouterr().out
    assert code == 0
    assert "у вас: ✔ ×3.8" in out
    assert "на сайте: нет данных — не удалось получить" in out
    assert "Сравнить с сайтом не удалось" in out


def test_compare_needs_a_site(tmp_path, monkeypatch):
    monkeypatch.delenv("POTOK_SITE_URL", raising=False)
    with pytest.raises(SystemExit):
        compare.main([str(_script(tmp_path))])


def test_a_failing_example_fails_compare(tmp_path, capsys):
    script = _script(tmp_path, "raise SystemExit(3)\n")
    assert compare.main([str(script), "--site-file", str(_site_file(tmp_path))]) == 3


def test_an_example_that_checks_nothing_says_so(tmp_path, capsys):
    script = _script(tmp_path, "print('ничего не проверяю')\n")
    assert compare.main([str(script), "--site-file", str(_site_file(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "у вас: пример не оставил записи прогона" in out
    assert "на сайте: ✘ ×0.9" in out


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


def test_compare_runs_the_example_with_utf8_output(tmp_path, monkeypatch):
    """The child's output is read as UTF-8: on Windows a pipe would get the
    code page, where ✔ does not exist (here: the reader's shell names one)."""
    monkeypatch.setenv("PYTHONIOENCODING", "cp1251")
    script = tmp_path / "plot_y.py"
    script.write_text("import sys; print(sys.stdout.encoding)")
    code, out, _ = compare.run_here(script, quick=False)
    assert code == 0 and out.strip().lower().replace("-", "") == "utf8"


def test_run_here_uses_this_interpreter(tmp_path):
    script = tmp_path / "plot_y.py"
    script.write_text(
        "import sys, os; print(sys.executable, os.environ['POTOK_QUICK'])"
    )
    code, out, _ = compare.run_here(script, quick=True)
    assert code == 0
    assert out.split() == [sys.executable, "1"]


# --- the site's data of the wrong shape: one line, never a traceback ------------------

WRONG_SHAPES = {
    "a number": 5,
    "a string": "plot_x.py",
    "a list": ["plot_x.py"],
    "null": None,
    "an entry that is a list": {"plot_x.py": []},
    "an entry that is a string": {"plot_x.py": "plot_x.py"},
    "an entry of another format": {"plot_x.py": {**SITE_RECORD, "format": "x/9"}},
    "claims that are not a list": {"plot_x.py": {**SITE_RECORD, "claims": 5}},
    "a claim that is a string": {"plot_x.py": {**SITE_RECORD, "claims": ["a"]}},
    "a claim of unknown keys": {
        "plot_x.py": {**SITE_RECORD, "claims": [{"claim": "a", "ok": True}]}
    },
    "a stamp of an unknown type": {
        "plot_x.py": {**SITE_RECORD, "python": {"__type__": "Nope"}}
    },
    "one example's record without its name": {**SITE_RECORD, "example": 5},
}


@pytest.mark.parametrize("shape", WRONG_SHAPES)
def test_site_data_of_the_wrong_shape_is_refused_before_the_run(shape, tmp_path):
    """Checked where the data is read, before the example runs."""
    site_file = _site_file(tmp_path, WRONG_SHAPES[shape])
    with pytest.raises(compare.SiteUnavailable) as caught:
        compare.site_record(compare.read_site_file(site_file), "plot_x.py")
    message = str(caught.value)
    assert "\n" not in message and "не того вида" in message, message


@pytest.mark.parametrize("shape", WRONG_SHAPES)
def test_compare_with_site_data_of_the_wrong_shape_says_so_in_one_line(
    shape, tmp_path, capsys
):
    site_file = _site_file(tmp_path, WRONG_SHAPES[shape])
    assert compare.main([str(_script(tmp_path)), "--site-file", str(site_file)]) == 0
    out = capsys.readouterr().out
    assert "у вас: ✔ ×3.8" in out
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
        try:
            code = compare.main([str(_script(tmp_path)), "--site", url])
        finally:
            server.shutdown()
    out = capsys.readouterr().out
    assert code == 0
    assert f"нет данных — {url}{compare.SITE_INDEX}" in out, out
    assert "не того вида" in out


def test_a_claim_with_more_keys_than_known_is_compared(tmp_path, capsys):
    """A newer site may record more about a claim; what compare reads is there."""
    claim = {**SITE_RECORD["claims"][0], "new_field": 7}
    entry = {**SITE_RECORD, "claims": [claim]}
    site_file = _site_file(tmp_path, entry, "plot_x.record.json")
    assert compare.main([str(_script(tmp_path)), "--site-file", str(site_file)]) == 0
    assert "на сайте: ✘ ×0.9" in capsys.readouterr().out


def test_output_that_is_not_utf8_is_compared(tmp_path, capsys):
    script = _script(
        tmp_path,
        "import sys\n"
        "sys.stdout.buffer.write(b'not utf-8: \\xff\\xfe\\n')\n" + HOME_SCRIPT,
    )
    assert compare.main([str(script), "--site-file", str(_site_file(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "у вас: ✔ ×3.8" in out
    assert "на сайте: ✘ ×0.9" in out
