"""Faults lose nothing: a build that exits, is killed, runs twice or meets a
broken cache never publishes a wrong page (issue 25).

Each test names the defect of the reliability report
(``reviews/reliability-2026-12-03.md``) it holds, D1 ... D13. Every one builds
a small site (tests/sites.py) with an example that misbehaves in one way.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the build checks need the docs group")

from potok_sphinx import gallery as potok_gallery
from potok_sphinx import limits
from sites import GOOD_EXAMPLE, NO_NETWORK, build, make_site, sphinx_command

HEADER = '''\
"""
{title}
{line}

Проверка того, как сборка переносит сбой.
"""

'''


def header(name: str) -> str:
    title = f"Пример {name}"
    return HEADER.format(title=title, line="=" * len(title))


DRAWING = (
    header("с рисунком")
    + """\
import matplotlib.pyplot as plt

plt.plot([0, 1], [0, 1])
plt.show()
print("нарисовано")
"""
)


def example(body: str, name: str = "сбоя") -> str:
    return header(name) + body


def out_of(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout + proc.stderr


def gallery(site: Path) -> Path:
    return site / "docs" / "auto_examples" / "01_test"


def built(site: Path, stem: str) -> Path:
    return (
        site
        / "docs"
        / "_build"
        / "html"
        / "auto_examples"
        / "01_test"
        / (stem + ".html")
    )


# --- D1: an example that exits -------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ('import sys\nprint("a")\nsys.exit(0)\nprint("b")\n', "sys.exit(0)"),
        ("import sys\nsys.exit(3)\n", "sys.exit(3)"),
        ("import os\nos._exit(0)\n", "os._exit(0)"),
    ],
)
def test_an_example_that_calls_exit_fails_the_build_naming_it(tmp_path, body, said):
    site = make_site(tmp_path, examples={"plot_exit.py": example(body)})
    proc = build(site)
    out = out_of(proc)
    assert proc.returncode != 0, out
    assert "plot_exit.py" in out
    assert said in out and "must not end" in out


def test_systemexit_raised_past_the_gallery_still_fails_and_names_it(tmp_path):
    body = "raise SystemExit(0)\n"
    site = make_site(tmp_path, examples={"plot_raise_exit.py": example(body)})
    proc = build(site)
    out = out_of(proc)
    assert proc.returncode == limits.UNFINISHED_EXIT, out
    assert "the build ended while example examples/01_test/plot_raise_exit.py" in out
    # the example runs again next time: its cached result was forgotten
    assert not (gallery(site) / "plot_raise_exit.py.md5").exists()


# --- D2: a build killed while re-running examples ------------------------------------

MARKER_EXAMPLE = example(
    """\
import potok

print(getattr(potok, "D2_MARK", "без метки"))
"""
)

SLOW_EXAMPLE = example(
    """\
import time
from pathlib import Path

(Path.cwd().parent.parent / "slow-started").touch()
time.sleep(60)
print("не дождались")
"""
)


def test_a_build_killed_mid_run_leaves_no_result_under_the_old_key(tmp_path):
    import shutil

    from sites import ROOT

    names = {f"plot_a{i}.py": MARKER_EXAMPLE for i in range(3)}
    site = make_site(tmp_path, examples=names)
    (site / "src").unlink()  # a copy of potok we can edit
    shutil.copytree(
        ROOT / "src", site / "src", ignore=shutil.ignore_patterns("__pycache__")
    )
    assert build(site).returncode == 0

    # potok changes, so every example runs again; the build is killed while
    # the last one runs, after the three others ran with the change
    init = site / "src" / "potok" / "__init__.py"
    original = init.read_text(encoding="utf-8")
    init.write_text(original + '\nD2_MARK = "МЕТКА-D2"\n', encoding="utf-8")
    slow = site / "examples" / "01_test" / "plot_z_slow.py"
    slow.write_text(SLOW_EXAMPLE, encoding="utf-8")
    proc = subprocess.Popen(
        sphinx_command(),
        cwd=site,
        env=dict(os.environ, MPLBACKEND="Agg", **NO_NETWORK),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    started = site / "slow-started"
    deadline = time.monotonic() + 120
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert started.exists(), "the killed build never reached its last example"

    # the change is undone: the next build must not reuse what the killed one made
    init.write_text(original, encoding="utf-8")
    slow.unlink()
    again = build(site)
    assert again.returncode == 0, out_of(again)
    for i in range(3):
        page = built(site, f"plot_a{i}").read_text(encoding="utf-8")
        assert "МЕТКА-D2" not in page and "без метки" in page


# --- D3: a guard's failure is not forgotten ------------------------------------------

ORPHAN_THREAD = example(
    """\
import threading
import time

threading.Thread(target=time.sleep, args=(20,), name="забытый").start()
print("поток брошен")
"""
)


def test_a_leftover_failure_stays_a_failure_on_the_next_build(tmp_path):
    site = make_site(tmp_path)  # a built site with a record of its runs...
    assert build(site).returncode == 0
    bad = site / "examples" / "01_test" / "plot_thread.py"
    bad.write_text(ORPHAN_THREAD, encoding="utf-8")  # ...gets a bad example
    first = build(site)
    assert first.returncode == limits.LEFTOVER_EXIT, out_of(first)
    second = build(site)
    assert second.returncode == limits.LEFTOVER_EXIT, out_of(second)
    assert "plot_thread.py left 1 thread running" in out_of(second)


# --- D4: one build at a time ---------------------------------------------------------


def test_a_second_build_of_the_same_tree_stops_naming_the_first(tmp_path):
    slow = example('import time\ntime.sleep(8)\nprint("готово")\n')
    site = make_site(tmp_path, examples={"plot_slow.py": slow})
    env = dict(os.environ, MPLBACKEND="Agg", **NO_NETWORK)
    first = subprocess.Popen(
        sphinx_command(), cwd=site, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lock = site / "docs" / "auto_examples" / ".potok-build.lock"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
        lock.exists() and lock.read_text(encoding="utf-8").strip()
    ):
        time.sleep(0.1)
    second = build(site)
    first_out, _ = first.communicate(timeout=120)
    assert first.returncode == 0, first_out
    assert second.returncode != 0
    assert f"another build of this tree is running (pid {first.pid}" in out_of(second)
    # ...and the first build's result stands
    assert "готово" in built(site, "plot_slow").read_text(encoding="utf-8")


# --- D6: everything an example starts is seen and killed -----------------------------


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _pids_running(marker: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                pid = int(cmdline.parent.name)
                if _alive(pid):
                    found.append(pid)
        except (OSError, ValueError):
            continue
    return found


def build_to_file(site: Path, tmp_path: Path, **env: str):
    """A build whose output goes to a file: a process it leaves running cannot
    hold the test's pipes open (and hang it)."""
    log = tmp_path / "build.log"
    with open(log, "w", encoding="utf-8") as out:
        code = subprocess.run(
            sphinx_command(),
            cwd=site,
            env=dict(os.environ, MPLBACKEND="Agg", **NO_NETWORK, **env),
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=300,
        ).returncode
    return code, log.read_text(encoding="utf-8")


linux_only = pytest.mark.skipif(
    not Path("/proc/self/task").is_dir(), reason="reads the process tree in /proc"
)


@linux_only
def test_a_timed_out_example_leaves_no_process_running(tmp_path):
    seconds = 4242.5  # a marker no other process has in its command line
    body = f'import subprocess\nsubprocess.run(["sleep", "{seconds}"])\n'
    site = make_site(tmp_path / "site", examples={"plot_subhang.py": example(body)})
    code, out = build_to_file(site, tmp_path, POTOK_EXAMPLE_TIMEOUT="5")
    left = _pids_running(f"sleep\0{seconds}")
    for pid in left:  # not to leave them running when the test fails
        os.kill(pid, signal.SIGKILL)
    assert code == limits.TIMEOUT_EXIT, out
    assert "example examples/01_test/plot_subhang.py did not finish" in out
    assert left == [], "the timed-out example's child outlived the build"


@linux_only
def test_a_grandchild_that_escapes_its_parent_is_named_and_killed(tmp_path):
    seconds = 6666.5
    body = (
        "import subprocess\n"
        f'subprocess.run(["sh", "-c", "sleep {seconds} >/dev/null 2>&1 &"])\n'
        'print("внук запущен")\n'
    )
    site = make_site(tmp_path / "site", examples={"plot_grandchild.py": example(body)})
    code, out = build_to_file(site, tmp_path)
    left = _pids_running(f"sleep\0{seconds}")
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert code == limits.LEFTOVER_EXIT, out
    assert "plot_grandchild.py left 1 child process running" in out
    assert f"sleep {seconds}" in out
    assert left == [], "the grandchild outlived the build"


RAW_THREAD = example(
    """\
import _thread
import time


def talk():
    for _ in range(30):
        print("сырой поток ещё жив")
        time.sleep(0.2)


_thread.start_new_thread(talk, ())
print("сырой поток запущен")
"""
)


def test_a_raw_thread_is_blamed_on_the_example_that_started_it(tmp_path):
    examples = {"plot_b_raw.py": RAW_THREAD, "plot_c_victim.py": GOOD_EXAMPLE}
    site = make_site(tmp_path, examples=examples)
    proc = build(site)
    out = out_of(proc)
    assert proc.returncode == limits.LEFTOVER_EXIT, out
    assert "example examples/01_test/plot_b_raw.py left 1 thread running" in out
    assert "raw thread (_thread.start_new_thread) started at" in out
    assert "plot_b_raw.py:" in out
    assert "plot_c_victim.py left" not in out


# --- D7, D8, D12: what a stopped, crashed or deleted example leaves ------------------


def test_an_example_stopped_by_the_timeout_then_deleted_breaks_nothing(tmp_path):
    hang = example("import time\ntime.sleep(10**6)\n")
    site = make_site(tmp_path, examples={"plot_hang.py": hang, "plot_ok.py": DRAWING})
    first = build(site, POTOK_EXAMPLE_TIMEOUT="3")
    assert first.returncode == limits.TIMEOUT_EXIT, out_of(first)
    (site / "examples" / "01_test" / "plot_hang.py").unlink()
    second = build(site)
    assert second.returncode == 0, out_of(second)
    assert list(gallery(site).glob("plot_hang.*")) == []


def test_output_that_cannot_be_written_names_the_example_every_time(tmp_path):
    body = 'print(b"\\xff".decode("utf-8", "surrogateescape"))\n'
    site = make_site(tmp_path, examples={"plot_surrogate.py": example(body)})
    for _ in range(2):  # the second build fails the same way, not on a thumbnail
        proc = build(site)
        out = out_of(proc)
        assert proc.returncode != 0, out
        assert "example examples/01_test/plot_surrogate.py" in out
        assert "surrogates not allowed" in out
        assert "Could not find internal Sphinx-Gallery thumbnail" not in out


def test_the_built_page_of_a_deleted_failing_example_goes(tmp_path):
    failing = example('raise RuntimeError("пример упал")\n')
    site = make_site(tmp_path, examples={"plot_ok.py": DRAWING})
    assert build(site).returncode == 0
    script = site / "examples" / "01_test" / "plot_tmp.py"
    script.write_text(failing, encoding="utf-8")
    assert build(site).returncode != 0
    assert built(site, "plot_tmp").is_file()  # Sphinx writes a failing page
    script.unlink()
    again = build(site)
    assert again.returncode == 0, out_of(again)
    html = site / "docs" / "_build" / "html"
    assert not built(site, "plot_tmp").exists()
    assert list(html.rglob("*plot_tmp*")) == []
    assert built(site, "plot_ok").is_file()


def test_a_deleted_gallery_image_is_made_again(tmp_path):
    site = make_site(tmp_path, examples={"plot_draw.py": DRAWING})
    assert build(site).returncode == 0
    image = gallery(site) / "images" / "sphx_glr_plot_draw_001.png"
    assert image.is_file()
    image.unlink()
    import shutil

    shutil.rmtree(site / "docs" / "_build")
    again = build(site)
    assert again.returncode == 0, out_of(again)
    assert "plot_draw.py runs again: its generated" in out_of(again)
    assert image.is_file()


# --- D10: a gallery record of the wrong shape ----------------------------------------


@pytest.mark.parametrize(
    "record",
    ["null", "[]", '{"examples": []}', '{"examples": {"01_test/plot_good.py": "x"}}'],
)
def test_a_record_of_the_wrong_shape_means_run_again_not_a_crash(tmp_path, record):
    site = make_site(tmp_path)
    assert build(site).returncode == 0
    manifest = gallery(site).parent / potok_gallery.MANIFEST
    manifest.write_text(record, encoding="utf-8")
    again = build(site)
    out = out_of(again)
    assert again.returncode == 0, out
    assert str(manifest) in out and "is not a gallery record" in out
    assert "every example runs again" in out
    fixed = json.loads(manifest.read_text(encoding="utf-8"))
    assert "ran_at" in fixed["examples"]["01_test/plot_good.py"]
    third = build(site)
    assert "every example runs again" not in out_of(third)


# --- D13: a hang that holds the GIL --------------------------------------------------


@linux_only
def test_a_hang_inside_c_code_is_stopped_and_named(tmp_path):
    body = 'import re\nre.match(r"(a+)+$", "a" * 64 + "b")\n'
    site = make_site(tmp_path, examples={"plot_regex.py": example(body)})
    began = time.monotonic()
    proc = build(site, POTOK_EXAMPLE_TIMEOUT="4")
    out = out_of(proc)
    assert proc.returncode != 0, out
    assert (
        "potok: example examples/01_test/plot_regex.py did not finish within 4 s" in out
    )
    assert "plot_regex.py" in out.split("did not finish", 1)[1]  # the traceback
    assert time.monotonic() - began < 90


# --- D5: no Python for the docs session ----------------------------------------------


def test_nox_docs_without_its_python_fails_instead_of_skipping(tmp_path):
    """The docs session's Python is not on this machine (here: the noxfile asks
    for a version that does not exist): a failure naming it, never a skip."""
    import shutil

    from sites import ROOT

    pytest.importorskip("nox", reason="nox is not installed in this environment")
    tree = tmp_path / "tree"  # what the noxfile reads when it is imported
    (tree / "docs").mkdir(parents=True)
    shutil.copy(ROOT / "noxfile.py", tree)
    for folder in ("tools", "src", "docs/_ext"):
        shutil.copytree(ROOT / folder, tree / folder)
    limits = tree / "docs/_ext/potok_sphinx/limits.py"
    text = limits.read_text(encoding="utf-8")
    assert 'DOCS_PYTHON = "3.13"' in text
    limits.write_text(text.replace('"3.13"', '"3.99"', 1), encoding="utf-8")
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never", POTOK_OBTAIN_PYTHONS="0")
    env.pop("CI", None)  # nox errors on a missing interpreter under CI anyway
    proc = subprocess.run(
        [sys.executable, "-m", "nox", "-s", "docs"],
        env=env, capture_output=True, text=True, timeout=300, cwd=tree,
    )  # fmt: skip
    out = out_of(proc)
    assert proc.returncode != 0, out
    assert "Python interpreter 3.99 not found" in out, out


# --- D17: no path of the build machine on a page -------------------------------------


def test_an_example_that_prints_a_path_of_the_machine_fails_the_build(tmp_path):
    body = "from pathlib import Path\nprint(Path.cwd())\nprint(Path.home())\n"
    site = make_site(tmp_path, examples={"plot_paths.py": example(body)})
    proc = build(site)
    out = out_of(proc)
    assert proc.returncode != 0, out
    assert "the output of examples/01_test/plot_paths.py shows a path" in out
    assert "the clone" in out
