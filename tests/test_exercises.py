"""The chapters' exercises: every solution runs, and shows what its exercise asks.

Each ``exercises/<NN_chapter>/<name>.py`` is a solution that a chapter page shows
(``literalinclude`` inside a hidden ``{dropdown}``). Here every one runs as a
reader would run it, ``python exercises/.../name.py``, in a fresh interpreter at
quick scale; a solution that starts processes runs under every start method. Its
output must show the property its exercise is about (a lock loses no updates, a
blocking call stops the event loop, ...): ``CHECKS`` reads it. A check asserts
what holds on any machine, however busy: a count (no tick while the loop was
blocked, at least one while a thread slept), a task that did not finish; not a
threshold in seconds that a loaded machine can stretch past.

The pages: every chapter ends with a section «Упражнения», every literalinclude
there names a file that exists, and every solution is shown by its chapter.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest
from potok_sphinx import limits

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
CHAPTERS = ROOT / "docs" / "chapters"
SOLUTIONS = sorted(EXERCISES.glob("**/*.py"))
# as for the examples under the tests (POTOK_EXAMPLE_TIMEOUT): a busy machine
TIMEOUT = limits.example_timeout(limits.TEST_TIMEOUT)
SECTION = "## Упражнения"
INCLUDE = re.compile(r"^```\{literalinclude\}\s+(\S+)\s*$", re.M)


def rel(path: Path) -> str:
    return path.relative_to(EXERCISES).as_posix()


def run(path: Path, **env: str) -> str:
    """Run one solution as a script; return its output (it must exit with 0)."""
    full_env = dict(os.environ, POTOK_QUICK="1", PYTHONUNBUFFERED="1", **env)
    full_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p
    )
    proc = subprocess.run(
        [sys.executable, str(path)],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert proc.returncode == 0, (
        f"{rel(path)} exited with {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    )
    assert proc.stdout.strip(), f"{rel(path)} printed nothing\n{proc.stderr}"
    return proc.stdout


def number(pattern: str, out: str) -> float:
    """The number after ``pattern`` in the output."""
    m = re.search(pattern + r"\s*(-?\d+(?:\.\d+)?)", out)
    assert m, f"no {pattern!r} in the output:\n{out}"
    return float(m.group(1))


def line_with(text: str, out: str) -> str:
    lines = [ln for ln in out.splitlines() if text in ln]
    assert lines, f"no line with {text!r} in the output:\n{out}"
    return lines[0]


# --- what each solution must show ------------------------------------------------


def logical_cpus(out: str) -> None:
    total = number("у машины:", out)
    usable = number("доступно этому процессу:", out)
    assert 1 <= usable <= total
    if "после sched_setaffinity" in out:
        assert number(r"после sched_setaffinity\(0, \{\d+\}\):", out) == 1


def cache_levels(out: str) -> None:
    if "сведений о кешах нет" in out:
        return
    sizes = {}
    for level, size in re.findall(r"^L(\d) \(\w+\): (\d+) КиБ", out, re.M):
        sizes.setdefault(int(level), []).append(int(size))
    assert 1 in sizes, out
    levels = sorted(sizes)
    # each level is at least as large as the one below it (the «ступени»)
    for lower, upper in itertools.pairwise(levels):
        assert max(sizes[upper]) >= max(sizes[lower]), out


def smt(out: str) -> None:
    if "топология не видна" in out:
        return
    logical = number("логических процессоров:", out)
    cores = number("физических ядер:", out)
    per_core = number("потоков на ядро:", out)
    assert 1 <= cores <= logical <= cores * per_core


def shared_memory(out: str) -> None:
    assert number("после потока:", out) == 1  # the thread's append is seen
    assert number(r"после процесса \(\w+\):", out) == 1  # the child's is not


def ids(out: str) -> None:
    assert "у потоков тот же pid, что у главного: да" in out
    assert number(r"разных native id \(главный и три потока\):", out) == 4
    assert "pid дочернего процесса другой: да" in out


def start_cost(out: str) -> None:
    # a ratio of two timings: printed and positive; which is larger is for the
    # reader's machine to say (a test must not depend on a noisy measurement)
    assert number("процесс дороже потока в", out) > 0


def green_threads(out: str) -> None:
    assert line_with("порядок шагов:", out).split(":", 1)[1].split() == [
        "a0", "b0", "c0", "a1", "b1", "c1", "a2", "b2", "c2"
    ]  # fmt: skip
    assert number("потоков ОС:", out) == 1


def blocking_call(out: str) -> None:
    block = number("соня спит", out)
    # M:1: the blocking call stops the only OS thread, so the clock cannot tick
    green = line_with("M:1:", out)
    assert number("отметок часов, пока соня спала:", green) == 0, out
    assert number("самый длинный перерыв часов:", green) >= 0.95 * block
    # 1:1: the clock's thread runs while the sleeper's thread sleeps (however
    # busy the machine, it gets the CPU at least once in the sleep)
    assert number("отметок часов, пока соня спала:", line_with("1:1:", out)) >= 1, out


def bytecode(out: str) -> None:
    assert number("их число:", out) >= 3  # read, add, write: not one step


def locked_counter(out: str) -> None:
    expected = number("ожидалось:", out)
    assert number("с блокировкой:", out) == expected
    assert number(r"с блокировкой: \d+ \(потеряно", out) == 0
    assert number("без блокировки:", out) <= expected


def io_threads(out: str) -> None:
    # a waiting thread that held the GIL would let no other wait beside it
    assert number("больше всего потоков ждали одновременно:", out) >= 2


def thread_exception(out: str) -> None:
    assert "join() вернулся без исключения" in out
    assert "excepthook получил: ['ValueError']" in out


def partial_sums(out: str) -> None:
    assert number("итог:", out) == number(r"sum\(range\(\d+\)\) =", out)


def daemon(out: str) -> None:
    assert "обычный поток допечатал: да" in out
    assert "демон поток допечатал: нет" in out


def submit_then_collect(out: str) -> None:
    at_once = "больше всего задач одновременно:"
    assert number(at_once, line_with("submit и сразу result:", out)) == 1
    assert number(at_once, line_with("сначала все submit, потом result:", out)) >= 2


def lost_errors(out: str) -> None:
    assert "выполнено задач: 8, с ошибкой: 2 [3, 7]" in out


def process_pool_guard(out: str) -> None:
    assert "ответы совпадают: да" in out


def map_errors(out: str) -> None:
    assert "исключение при переборе: ValueError" in out
    assert "получено результатов: 2 из 6: [0, 2]" in out


def blocked_loop(out: str) -> None:
    block = number("ожидание", out)
    # the blocking call stops the loop: no beat while it waits
    stopped = line_with("time.sleep в корутине:", out)
    assert number("пульс за время ожидания:", stopped) == 0, out
    assert number("самый длинный перерыв", stopped) >= 0.95 * block
    # to_thread: the loop goes on beating while the thread waits
    assert number("пульс за время ожидания:", line_with("asyncio.to_thread:", out)) >= 1


def to_thread_context(out: str, inherit: str | None = None) -> None:
    """to_thread runs the function in a copy of the caller's context, on every
    build. run_in_executor runs it in the context the pool's thread started with:
    empty where sys.flags.thread_inherit_context is off or absent (before 3.14),
    else a copy of the first request's, seen by the second request too. The flag
    is on by default exactly on free-threaded 3.14+; PYTHON_THREAD_INHERIT_CONTEXT
    (``inherit``; by default, this process's environment) sets it."""
    if inherit is None:
        inherit = os.environ.get("PYTHON_THREAD_INHERIT_CONTEXT")
    flag = line_with("sys.flags.thread_inherit_context:", out)
    if sys.version_info < (3, 14):
        assert flag.endswith("нет такого флага (он появился в 3.14)"), flag
        inherits = False
    else:
        inherits = flag.endswith(": да")
        free_threaded = sysconfig.get_config_var("Py_GIL_DISABLED") == 1
        assert inherits == (inherit == "1" if inherit else free_threaded), flag
    for request in ("запрос-1", "запрос-2"):
        executor = line_with(f"{request}: run_in_executor + partial", out)
        to_thread = line_with(f"{request}: to_thread + kwargs", out)
        assert "в другом потоке" in executor and "в другом потоке" in to_thread
        assert to_thread.endswith(f"request_id = {request}")
        seen = "запрос-1" if inherits else "не задан"
        assert executor.endswith(f"request_id = {seen}"), executor


def slow_callback(out: str) -> None:
    assert number("медленных шагов в журнале:", out) >= 1
    assert "took" in line_with("журнал asyncio:", out)


def which_build(out: str) -> None:
    if "free-threaded сборка: нет" in out:
        assert "GIL включён сейчас: да" in out
    if sys.version_info < (3, 13):
        assert "sys._is_gil_enabled нет" in out


def gil_option(out: str) -> None:
    assert "-X gil=1: запустился, GIL включён: True" in out
    gil0 = line_with("-X gil=0:", out)
    if "free-threaded сборка" in out:
        assert "запустился, GIL включён: False" in gil0
    elif sys.version_info >= (3, 13):
        assert "не запустился" in gil0 and "not supported" in gil0
    else:
        assert "запустился, GIL включён: True" in gil0


def interpreter_pool(out: str) -> None:
    if sys.version_info < (3, 14):
        assert "InterpreterPoolExecutor нет" in out
    else:
        assert "ответы совпадают: да" in out


def chunksize(out: str) -> None:
    one = number("chunksize=1:", out)
    chunked = number(r"chunksize=\d+:", out.split("chunksize=1:", 1)[1])
    assert chunked < one / 2, out  # one trip per chunk, not per task
    assert number("дочерних процессов осталось:", out) == 0


def shared_block(out: str) -> None:
    assert number("код выхода процесса:", out) == 0
    assert "записал процесс то же: да" in out  # seen without a pipe
    assert "после unlink блок по имени не открыть: да" in out


def pool_terminate(out: str) -> None:
    assert "без close и join задача доделала работу: нет" in out  # terminate()
    assert "с close и join задача доделала работу: да" in out
    assert number("дочерних процессов осталось:", out) == 0


def rlock(out: str) -> None:
    lines = dict(ln.split(": ", 1) for ln in out.splitlines() if ": " in ln)
    answer = "повторный захват в том же потоке удался: "
    assert lines["Lock"].startswith(answer + "нет")  # waits for itself
    assert lines["RLock"] == answer + "да"


def queue_shutdown(out: str) -> None:
    if sys.version_info >= (3, 13):
        assert "конец работы: Queue.shutdown()" in out
    else:
        assert "конец работы: сторожа" in out
    total = number(r"обработано заданий: \d+ из", out)
    assert number("обработано заданий:", out) == total
    assert "каждое ровно один раз: да" in out
    assert number("потребителей не завершилось:", out) == 0


def lock_order(out: str) -> None:
    assert number("не дождались второй блокировки:", out) == 2  # both wait: deadlock
    assert number("истёкших захватов", out) == 0  # one order: no cycle


def setdefault(out: str) -> None:
    assert number("setdefault: заняты дважды", out) == 0
    assert number("проверить, потом действовать: заняты дважды", out) >= 0
    if "сборка с GIL" not in out:
        assert "free-threaded сборка" in out


def shared_iterator(out: str) -> None:
    assert number("повторов:", out) == 0
    assert number("пропусков:", out) == 0
    assert "каждый элемент ровно один раз: да" in out


def thread_local(out: str) -> None:
    assert number("итог:", out) == number("ожидалось:", out)
    assert "главный поток видит local.count: нет" in out


def task_group(out: str) -> None:
    assert "except* ValueError получил: ['ValueError']" in out
    for name in ("slow-1", "slow-2"):
        assert f"{name}: отменена" in out and f"{name}: finally" in out
        assert f"{name}: доработала" not in out


def timeout_cleanup(out: str) -> None:
    assert "внутри блока: CancelledError" in out
    assert "внутри блока: finally выполнен" in out
    assert "снаружи блока: TimeoutError" in out
    assert number("cancelling\\(\\) до:", out) == number("после:", out)


def semaphore_limit(out: str) -> None:
    limit = number("предел семафора:", out)
    assert number("больше всего в полёте:", out) == limit
    waves = number("запросов:", out) / limit
    assert number("всё заняло:", out) >= 0.9 * waves * number(r"запросов: \d+ по", out)


def env_after_import(out: str) -> None:
    if "узнать не удалось" in out:
        return
    default = number("потоков BLAS без переменных:", out)
    assert default >= 1
    assert number("заданы до запуска:", out) == 1
    assert number("заданы после import numpy:", out) == default  # too late


def pool_initializer(out: str) -> None:
    if "узнать не удалось" in out:
        return
    default = line_with("без ограничения:", out)
    limited = line_with("с initializer:", out)
    threads = re.search(r"\[([\d, ]+)\]", limited)
    assert threads and set(threads.group(1).replace(" ", "").split(",")) == {"1"}
    assert number("всего", limited) <= number("всего", default)


def shallow_copy(out: str) -> None:
    same = {
        name: (int(shared), int(total))
        for name, shared, total in re.findall(
            r"^(.+): тех же объектов (\d+) из (\d+)$", out, re.M
        )
    }
    assert len(same) == 4, out
    # list() copies references; deepcopy keeps immutable floats as they are
    for name in ("list(shared)", "copy.deepcopy(shared)"):
        assert same[name][0] == same[name][1], out
    # new objects: unpickled, or built again by the thread itself
    for name in ("pickle.loads(pickle.dumps(shared))", "make_numbers(len(shared))"):
        assert same[name][0] == 0, out


def immortal(out: str) -> None:
    if sys.version_info < (3, 12):
        assert "бессмертных объектов нет" in out
        return
    state = dict(re.findall(r"^(.+?): бессмертен (.+)$", out, re.M))
    always, never = "до потока: да, после: да", "до потока: нет, после: нет"
    assert state["None"] == always and state["5"] == always, out
    assert state["int('123456789')"] == never and state["[1, 2, 3]"] == never, out
    # 3.13t immortalizes module-level functions and classes when the first
    # thread starts (the 3.13 free-threading HOWTO); 3.14t counts their
    # references in a deferred or per-thread way instead; GIL builds: never
    ft313 = "free-threaded сборка: да" in out and sys.version_info[:2] == (3, 13)
    for name in ("helper", "Config"):
        assert state[name] == ("до потока: нет, после: да" if ft313 else never), out


def loop_per_thread(out: str) -> None:
    assert "циклов: 4, корутин: 40, выполнено: 40" in out
    assert "каждая выполнена ровно один раз: да" in out
    assert "каждая корутина выполнилась в потоке своего цикла: да" in out
    assert number("разных потоков выполняли корутины:", out) == 4
    assert number("потоков не завершилось:", out) == 0


def cpu_limit(out: str) -> None:
    own = line_with("в своей группе:", out)
    assert number("пул", own) <= number("процессоров в маске", own)
    if "группу с квотой создать не удалось" in out:
        return
    inside = line_with("в группе с квотой 1.5 CPU:", out)
    assert "квота 1.5" in inside
    assert number("пул", inside) == min(2, number("процессоров в маске", inside))


def pool_memory(out: str) -> None:
    if "не измерено" in out:
        return
    assert "USS ≤ PSS ≤ RSS: нет" not in out
    assert out.count("USS ≤ PSS ≤ RSS: да") >= 1
    assert number("сумма RSS:", out) >= number("сумма PSS:", out)


def gc_freeze(out: str) -> None:
    if "не измерено" in out:
        return
    plain = number("без gc.freeze\\(\\): дочерний процесс скопировал", out)
    frozen = number("с gc.freeze\\(\\): дочерний процесс скопировал", out)
    assert frozen * 3 < plain, out  # the collector no longer writes to them


def nested_wait(out: str) -> None:
    assert "подзадача в том же пуле: TimeoutError" in out  # the pool waits for itself
    assert "подзадача в отдельном пуле: вернула 25" in out


def stop_pool(out: str) -> None:
    fates = line_with("cancel_futures:", out).split("задачи: ", 1)[1].split(", ")
    assert fates[0] == "выполнена" and fates.count("отменена") >= 2, fates
    assert number("дочерних процессов осталось:", out) == 0
    if sys.version_info < (3, 14):
        assert "kill_workers нет" in out
        pytest.skip("kill_workers() is Python 3.14+: that part is checked there")
    kill = line_with("kill_workers:", out)
    assert "BrokenProcessPool" in kill and "выполнена" not in kill, kill


def memoryview_share(out: str) -> None:
    if sys.version_info < (3, 14):
        assert "concurrent.interpreters нет" in out
        pytest.skip("concurrent.interpreters is Python 3.14+: checked there")
    assert line_with("bytearray:", out).endswith("[0, 0, 0, 0, 0, 0, 0, 0]")  # a copy
    assert line_with("memoryview:", out).endswith("[1, 2, 3, 4, 5, 6, 7, 8]")  # shared


def fork_only(out: str) -> None:
    assert "исправленная дала одно и то же при всех методах: да" in out
    methods = multiprocessing.get_all_start_methods()
    for method in methods:
        assert line_with(f"{method}: исходная", out)
    broken = line_with("исходная отличается от исправленной при:", out)
    for method in set(methods) - {"fork"}:  # spawn, forkserver: no copy of memory
        assert method in broken, broken
    assert "fork" not in broken.replace("forkserver", "")


def watchdog(out: str) -> None:
    assert "Timeout (0:00:01)!" in out
    assert number("код выхода:", out) != 0  # exit=True ended the program
    assert re.search(r"отчёт называет wait_for_reply, строка \d+: да", out)


def preload(out: str) -> None:
    if "проверять нечего" in out:
        return
    assert line_with("fork: модуль задачи", out).endswith("родитель")
    assert line_with("forkserver: модуль задачи", out).endswith("сам рабочий процесс")
    assert line_with("forkserver + preload:", out).endswith("сервер")


CHECKS: dict[str, Callable[[str], None]] = {
    "01_cpu/logical_cpus.py": logical_cpus,
    "01_cpu/cache_levels.py": cache_levels,
    "01_cpu/smt.py": smt,
    "02_processes/shared_memory.py": shared_memory,
    "02_processes/ids.py": ids,
    "02_processes/start_cost.py": start_cost,
    "03_kernel_user_threads/green_threads.py": green_threads,
    "03_kernel_user_threads/blocking_call.py": blocking_call,
    "04_gil/bytecode.py": bytecode,
    "04_gil/locked_counter.py": locked_counter,
    "04_gil/io_threads.py": io_threads,
    "05_threading/thread_exception.py": thread_exception,
    "05_threading/partial_sums.py": partial_sums,
    "05_threading/daemon.py": daemon,
    "06_futures/submit_then_collect.py": submit_then_collect,
    "06_futures/lost_errors.py": lost_errors,
    "06_futures/process_pool_guard.py": process_pool_guard,
    "06_futures/map_errors.py": map_errors,
    "07_asyncio/blocked_loop.py": blocked_loop,
    "07_asyncio/to_thread_context.py": to_thread_context,
    "07_asyncio/slow_callback.py": slow_callback,
    "08_today/which_build.py": which_build,
    "08_today/gil_option.py": gil_option,
    "08_today/interpreter_pool.py": interpreter_pool,
    "09_shared_data/chunksize.py": chunksize,
    "09_shared_data/shared_block.py": shared_block,
    "09_shared_data/pool_terminate.py": pool_terminate,
    "10_sync/rlock.py": rlock,
    "10_sync/queue_shutdown.py": queue_shutdown,
    "10_sync/lock_order.py": lock_order,
    "11_thread_safety/setdefault.py": setdefault,
    "11_thread_safety/shared_iterator.py": shared_iterator,
    "11_thread_safety/thread_local.py": thread_local,
    "12_asyncio_deep/task_group.py": task_group,
    "12_asyncio_deep/timeout_cleanup.py": timeout_cleanup,
    "12_asyncio_deep/semaphore_limit.py": semaphore_limit,
    "13_oversubscription/env_after_import.py": env_after_import,
    "13_oversubscription/pool_initializer.py": pool_initializer,
    "15_free_threaded_scaling/shallow_copy.py": shallow_copy,
    "15_free_threaded_scaling/immortal.py": immortal,
    "15_free_threaded_scaling/loop_per_thread.py": loop_per_thread,
    "14_containers_memory/cpu_limit.py": cpu_limit,
    "14_containers_memory/pool_memory.py": pool_memory,
    "14_containers_memory/gc_freeze.py": gc_freeze,
    "16_interpreters_pools/nested_wait.py": nested_wait,
    "16_interpreters_pools/stop_pool.py": stop_pool,
    "16_interpreters_pools/memoryview_share.py": memoryview_share,
    "17_platforms_observability/fork_only.py": fork_only,
    "17_platforms_observability/watchdog.py": watchdog,
    "17_platforms_observability/preload.py": preload,
}

#: solutions that start processes: they run under every start method
PROCESSES = {
    "02_processes/shared_memory.py",
    "02_processes/ids.py",
    "02_processes/start_cost.py",
    "06_futures/process_pool_guard.py",
    "09_shared_data/chunksize.py",
    "09_shared_data/shared_block.py",
    "09_shared_data/pool_terminate.py",
    "13_oversubscription/pool_initializer.py",
    "14_containers_memory/pool_memory.py",
    "16_interpreters_pools/stop_pool.py",
}


def cases() -> list:
    methods = multiprocessing.get_all_start_methods()
    return [
        pytest.param(path, method, id=f"{rel(path)}[{method}]" if method else rel(path))
        for path in SOLUTIONS
        for method in (methods if rel(path) in PROCESSES else [None])
    ]


@pytest.mark.parametrize(("path", "method"), cases())
def test_solution_runs_and_shows_its_answer(path: Path, method: str | None) -> None:
    env = {"POTOK_START_METHOD": method} if method else {}
    out = run(path, **env)
    if method:
        assert method in out, f"{rel(path)} did not use start method {method}"
    CHECKS[rel(path)](out)


@pytest.mark.parametrize("inherit", ["0", "1"])
def test_to_thread_context_either_way(inherit: str) -> None:
    """Exercise 07/2 with sys.flags.thread_inherit_context off and on, whatever the
    build (the variable sets the flag on 3.14+; earlier Pythons have no flag)."""
    path = EXERCISES / "07_asyncio" / "to_thread_context.py"
    to_thread_context(run(path, PYTHON_THREAD_INHERIT_CONTEXT=inherit), inherit)


def test_every_solution_has_a_check() -> None:
    names = {rel(p) for p in SOLUTIONS}
    assert names == set(CHECKS), (
        f"solutions without a check: {sorted(names - set(CHECKS))}; "
        f"checks without a solution: {sorted(set(CHECKS) - names)}"
    )
    assert set(PROCESSES) <= names


# --- the pages ----------------------------------------------------------------------


def chapters() -> list[Path]:
    pages = sorted(CHAPTERS.glob("[01][0-9]-*.md"))
    assert len(pages) >= 13, pages
    return pages


def parsed_headings(page: Path) -> list[tuple[str, str]]:
    """(tag, text) of every heading as MyST's parser reads the page, so that an
    unclosed code fence above the section, which swallows it, is caught."""
    pytest.importorskip(
        "markdown_it",
        reason="the pages' checks need the docs group (the matrix "
        "runs the solutions only)",
    )
    from markdown_it import MarkdownIt
    from mdit_py_plugins.colon_fence import colon_fence_plugin

    md = MarkdownIt("commonmark").use(colon_fence_plugin)
    tokens = md.parse(page.read_text(encoding="utf-8"))
    return [
        (tok.tag, tokens[i + 1].content)
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open"
    ]


def exercises_section(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    assert SECTION + "\n" in text, f"{page.name}: no section «Упражнения»"
    section = text.split(SECTION + "\n", 1)[1]
    assert not re.search(r"^## ", section, re.M), (
        f"{page.name}: «Упражнения» must be the last section of the page"
    )
    return section


@pytest.mark.parametrize("page", chapters(), ids=lambda p: p.name)
def test_chapter_ends_with_exercises(page: Path) -> None:
    section = exercises_section(page)
    exercises = re.findall(r"^### Упражнение \d+\.", section, re.M)
    headings = parsed_headings(page)
    assert headings[-len(exercises) - 1] == ("h2", "Упражнения"), (
        f"{page.name}: «Упражнения» is not the last h2 as MyST reads the page "
        "(an unclosed code fence above it?)"
    )
    parsed = [t for tag, t in headings if tag == "h3" and t.startswith("Упражнение")]
    assert len(parsed) == len(exercises), f"{page.name}: {parsed}"
    solutions = re.findall(r"^:::\{dropdown\} Решение$", section, re.M)
    assert 2 <= len(exercises) <= 4, f"{page.name}: {len(exercises)} exercises"
    assert len(solutions) == len(exercises), (
        f"{page.name}: {len(exercises)} exercises, {len(solutions)} solutions"
    )
    folder = page.name[:2]  # 04-gil.md shows exercises/04_*/...
    for target in INCLUDE.findall(section):
        path = (page.parent / target).resolve()
        assert path.is_file(), f"{page.name}: literalinclude {target}: no such file"
        assert path.parent.parent == EXERCISES, f"{page.name}: {target}"
        assert path.parent.name.startswith(folder + "_"), (
            f"{page.name} shows {target}, an exercise of another chapter"
        )


def test_every_literalinclude_on_the_site_exists() -> None:
    for page in sorted((ROOT / "docs").glob("**/*.md")):
        if "_build" in page.parts or "auto_examples" in page.parts:
            continue
        for target in INCLUDE.findall(page.read_text(encoding="utf-8")):
            assert (page.parent / target).is_file(), (
                f"{page.relative_to(ROOT)}: literalinclude {target}: no such file"
            )


def test_every_solution_is_shown_by_a_chapter() -> None:
    shown = {
        (page.parent / target).resolve()
        for page in chapters()
        for target in INCLUDE.findall(exercises_section(page))
    }
    orphans = [rel(p) for p in SOLUTIONS if p.resolve() not in shown]
    assert not orphans, f"solutions no chapter shows: {orphans}"
