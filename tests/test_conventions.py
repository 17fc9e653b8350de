"""Every gallery example follows the conventions; each check fails when it should.

The checks are in tests/conventions.py. The first test runs them on every
``examples/**/plot_*.py``; the others feed each check a bad example and assert
the sentence it answers with.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import new_example
import pytest
from conventions import MAX_LINES, ROOT, check

EXAMPLES = sorted((ROOT / "examples").glob("*/plot_*.py"))
GOOD = new_example.render("Хороший пример")
FAKE = ROOT / "examples" / "99_test" / "plot_probe.py"  # never written


@pytest.mark.parametrize(
    "path", EXAMPLES, ids=[p.relative_to(ROOT).as_posix() for p in EXAMPLES]
)
def test_example_follows_conventions(path):
    problems = check(path)
    assert not problems, "\n".join(problems)


def problems_of(source: str, **kw) -> str:
    return "\n".join(check(FAKE, source, **kw))


def test_the_template_passes_every_check():
    assert problems_of(GOOD) == ""


# --- title ------------------------------------------------------------------------


def test_no_docstring_fails():
    source = GOOD.split('"""', 2)[2]
    assert "examples/99_test/plot_probe.py:1: the example has no module docstring" in (
        problems_of(source)
    )


@pytest.mark.parametrize(
    "bad",
    [
        "Хороший пример\n\nБез подчёркивания.",
        "Хороший пример\n======\n",  # shorter than the title
        "Просто текст без заголовка, длинный абзац.",
    ],
)
def test_title_without_rest_underline_fails(bad):
    source = GOOD.replace("Хороший пример\n==============", bad, 1)
    assert "does not begin with a reST title" in problems_of(source)
    assert "underlined on the next line with '='" in problems_of(source)


def test_overlined_title_passes():
    source = GOOD.replace(
        "Хороший пример\n==============",
        "==============\nХороший пример\n==============",
    )
    assert problems_of(source) == ""


# --- prose ------------------------------------------------------------------------


def test_no_prose_block_fails():
    source = GOOD.replace("# %%\n", "")
    assert (
        "the example has no prose block: before the code it explains, add a line"
        in (problems_of(source))
    )


def test_cell_marker_without_text_is_not_prose():
    source = GOOD.replace("# %%\n#", "# %%\n\n#")
    assert "no prose block" in problems_of(source)


# --- figure, stamp, quick scale ---------------------------------------------------

TIMES_ONLY = '''\
"""
Замер без графика
=================
"""

# %%
# Меряем.

import time

from potok import machine, measure, start_methods

N = measure.scale(1000, 10)
start = time.perf_counter()
sum(range(N))
print(time.perf_counter() - start, machine.stamp())
'''


def test_timing_without_figure_fails():
    out = problems_of(TIMES_ONLY)
    assert "the example times code (time.perf_counter) but draws no figure" in out
    assert "potok.plots.figure()" in out


def test_timing_via_from_import_is_recognised():
    source = TIMES_ONLY.replace("import time\n", "from time import perf_counter\n")
    source = source.replace("time.perf_counter()", "perf_counter()")
    assert "times code (time.perf_counter) but draws no figure" in problems_of(source)


def test_no_stamp_fails():
    source = GOOD.replace("plots.stamp(fig)\n", "").replace(
        "print(machine.stamp())\n", ""
    )
    assert "measures or draws but shows no machine stamp: call potok.plots.stamp" in (
        problems_of(source)
    )


def test_either_stamp_is_enough():
    assert problems_of(GOOD.replace("plots.stamp(fig)\n", "")) == ""
    assert problems_of(GOOD.replace("print(machine.stamp())\n", "")) == ""


def test_no_quick_scale_fails():
    source = GOOD.replace(
        "measure.scale([200_000, 400_000, 800_000], [20_000, 40_000, 80_000])",
        "[200_000, 400_000, 800_000]",
    ).replace("measure.scale(5, 3)", "5")
    assert "times work but has no quick scale: choose its sizes with" in (
        problems_of(source)
    )


def test_example_that_measures_nothing_needs_no_figure():
    source = '''"""\nОшибки\n======\n"""\n\n# %%\n# Текст.\n\nprint("ok")\n'''
    assert problems_of(source) == ""


# --- work in other processes ------------------------------------------------------

PROCESS_HEADER = '''\
"""
Процессы
========
"""

# %%
# Работа в процессах.

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from potok import machine, measure, start_methods, workloads
'''

LOCAL_WORK = (
    PROCESS_HEADER
    + """

def work(n):
    return n * n


with ProcessPoolExecutor(2, mp_context=start_methods.mp_context()) as pool:
    print(list(pool.map(work, range(4))))
"""
)


def test_work_function_defined_in_script_fails():
    out = problems_of(LOCAL_WORK)
    assert (
        "plot_probe.py:19: work() is defined in the example (line 14) and runs in "
        "another process (pool.map): move it to a module beside the example"
    ) in out


@pytest.mark.parametrize(
    "call",
    [
        "pool.submit(work, 1).result()",
        "pool.submit(functools.partial(work, 1)).result()",
    ],
)
def test_submit_and_partial_are_seen(call):
    source = LOCAL_WORK.replace("list(pool.map(work, range(4)))", call)
    source = source.replace("from potok", "import functools\n\nfrom potok")
    assert "work() is defined in the example" in problems_of(source)


def test_process_target_defined_in_script_fails():
    source = LOCAL_WORK.replace(
        "with ProcessPoolExecutor(2, mp_context=start_methods.mp_context()) as pool:\n"
        "    print(list(pool.map(work, range(4))))\n",
        "p = start_methods.mp_context().Process(target=work, args=(3,))\np.start()\n"
        "p.join()\n",
    )
    assert "work() is defined in the example" in problems_of(source)
    assert "(Process(target=...))" in problems_of(source)


def test_lambda_in_process_pool_fails():
    source = LOCAL_WORK.replace("pool.map(work,", "pool.map(lambda n: n * n,")
    assert "a lambda runs in another process (pool.map)" in problems_of(source)


def test_local_function_in_thread_pool_is_fine():
    source = LOCAL_WORK.replace(
        "ProcessPoolExecutor(2, mp_context=start_methods.mp_context())",
        "ThreadPoolExecutor(2)",
    )
    assert problems_of(source) == ""


def test_same_name_for_thread_and_process_pool_is_told_apart():
    source = LOCAL_WORK.replace(
        "    print(list(pool.map(work, range(4))))\n",
        "    print(list(pool.map(workloads.cpu_bound, range(4))))\n"
        "with ThreadPoolExecutor(2) as pool:\n"
        "    print(list(pool.map(work, range(4))))\n",
    )
    assert problems_of(source) == ""


def test_workloads_function_in_process_pool_is_fine():
    source = LOCAL_WORK.replace("pool.map(work,", "pool.map(workloads.cpu_bound,")
    assert problems_of(source) == ""


def test_print_in_child_defined_in_script_fails():
    source = LOCAL_WORK.replace("    return n * n", "    print(n)\n    return n * n")
    out = problems_of(source)
    assert (
        "plot_probe.py:15: work() prints, and it runs in a child process "
        "(examples/99_test/plot_probe.py:20): a child's output never reaches the page"
    ) in out


def test_print_in_child_from_a_module_beside_the_example_fails(tmp_path):
    folder = tmp_path / "99_test"
    folder.mkdir()
    (folder / "_noisy.py").write_text(
        "def shout(n):\n    print('дочерний процесс', n)\n    return n\n",
        encoding="utf-8",
    )
    source = LOCAL_WORK.replace("from potok import measure, workloads", "") + (
        "# %%\n# Весь модуль:\n#\n# .. literalinclude:: _noisy.py\n\n"
        "import _noisy\n\n"
        "with ProcessPoolExecutor(2) as pool:\n"
        "    pool.submit(_noisy.shout, 1)\n"
    )
    source = source.replace("pool.map(work,", "pool.map(abs,")
    out = "\n".join(check(folder / "plot_probe.py", source))
    assert "_noisy.py:2: _noisy.shout() prints, and it runs in a child process" in out
    assert "return the value and print it in the example (the parent)" in out


# --- the lesson on the page ------------------------------------------------------


def test_a_module_of_one_chapter_is_not_the_toolkit():
    source = GOOD.replace(
        "from potok import claims,", "from potok import sync\nfrom potok import claims,"
    )
    assert "potok.sync is not part of potok's toolkit" in problems_of(source)


def test_a_module_beside_the_example_must_be_shown(tmp_path):
    folder = tmp_path / "99_test"
    folder.mkdir()
    (folder / "_locks.py").write_text("def take():\n    return 1\n", "utf-8")
    source = GOOD + "\nimport _locks\n\nprint(_locks.take())\n"
    out = "\n".join(check(folder / "plot_probe.py", source))
    assert "imports _locks.py from beside it, but its page does not show it" in out
    shown = source.replace(
        "\nimport _locks",
        "\n# %%\n# Весь модуль:\n#\n# .. literalinclude:: _locks.py\n\nimport _locks",
    )
    assert "_locks.py" not in "\n".join(check(folder / "plot_probe.py", shown))


@pytest.mark.parametrize(
    ("call", "said"),
    [
        ('claims.check("текст", confirmed=True, evidence="1")', "needs the claim's id"),
        (
            'claims.check(name, "текст", confirmed=True, evidence="1")',
            "needs the claim's id",
        ),
    ],
)
def test_a_claim_needs_a_literal_id(call, said):
    assert said in problems_of(GOOD + "\nname = 'x'\n" + call + "\n")


def test_an_id_used_twice_fails_and_an_fstring_id_passes():
    call = 'claims.check("a-b", "т", confirmed=True, evidence="1", reason_if_not="р")'
    twice = f"\n{call}\n" * 2
    assert "the claim id 'a-b' is used twice" in problems_of(GOOD + twice)
    per = (
        '\nfor k in "ab":\n'
        '    claims.check(f"x-{k}", "т", confirmed=True, evidence="1",\n'
        '                 reason_if_not="р")\n'
    )
    assert problems_of(GOOD + per) == ""


def test_an_example_over_the_length_limit_fails():
    long = GOOD + "\n" * 260
    assert "it teaches more than one thing; split it" in problems_of(long)


def test_sphinx_gallery_config_comments_do_not_count_towards_the_limit():
    # the page does not show them (remove_config_comments): a full example
    # may still declare its tags
    full = GOOD + "\n" * (MAX_LINES - len(GOOD.splitlines()))
    assert problems_of(full) == ""
    tagged = full + '# sphinx_gallery_tags = ["потоки"]\n'
    assert problems_of(tagged) == ""
    assert "split it" in problems_of(full + "x = 1\n")


def test_modules_beside_examples_have_unique_names(tmp_path):
    from conventions import sibling_clashes

    for section in ("01_a", "02_b"):
        (tmp_path / section).mkdir()
        (tmp_path / section / "_work.py").write_text("", "utf-8")
    assert "a module of the same name is beside another example" in "\n".join(
        sibling_clashes(tmp_path)
    )


def test_the_gallerys_modules_beside_examples_have_unique_names():
    from conventions import sibling_clashes

    assert sibling_clashes(ROOT / "examples") == []


def test_real_workloads_do_not_print():
    source = LOCAL_WORK.replace("pool.map(work,", "pool.map(workloads.cpu_bound,")
    for name in ("io_bound", "fail", "fail_on", "crash", "worker_pid"):
        source += f"    pool.submit(workloads.{name}, 1)\n"
    assert problems_of(source) == ""


# --- CONTRIBUTING.md's worked example tells the truth ------------------------------


def contributing_listings() -> list[str]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("### Разобранный пример", 1)[1]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_contributing_bad_example_gets_the_messages_it_promises():
    bad, _ = contributing_listings()
    out = problems_of(bad)
    for promised in (
        "does not begin with a reST title",
        "the example has no prose block",
        "square() is defined in the example",
        "square() prints, and it runs in a child process",
        "the example times code (time.perf_counter) but draws no figure",
        "shows no machine stamp",
        "has no quick scale",
    ):
        assert promised in out, promised


def test_contributing_fixed_example_passes_and_runs(tmp_path):
    _, good = contributing_listings()
    assert problems_of(good) == ""
    script = tmp_path / "plot_fixed.py"
    script.write_text(good, encoding="utf-8")
    env = dict(
        os.environ, POTOK_QUICK="1", MPLBACKEND="Agg", PYTHONPATH=str(ROOT / "src")
    )
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
