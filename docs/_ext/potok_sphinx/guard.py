"""Guards around every example: a timeout that names it, nothing left behind.

sphinx-gallery calls :func:`example_timeout` (first) and
:func:`example_leftovers` (last) before and after every example (the gallery's
``reset_modules``, with ``reset_modules_order = "both"``). Between the two
calls the example is *the current one* (:data:`current`).

Its cached result is forgotten first
    Before an example runs, its checksum (``<stem>.py.md5``, sphinx-gallery's
    mark of a result it may reuse) is deleted; sphinx-gallery writes it again
    only when the example has run to its end. So an example whose run is cut
    short (killed, timed out, stopped by a guard, interrupted) runs again in
    the next build, and one that failed stays failed until it passes. When it
    passed, the gallery's record (:func:`.gallery.record_example`) says at once
    under which cache key it ran, so a build stopped half-way never leaves a
    result under the wrong key.

A timeout that names the example
    sphinx-gallery has no per-example timeout. A watchdog thread stops the
    build after ``POTOK_EXAMPLE_TIMEOUT`` seconds (default 300 in the build):
    it prints the example's path and where every thread is, kills every process
    the build started (at any depth) and exits with code 124. If the example
    holds the GIL in C code so that the thread cannot run, the watchdog
    *process* (:mod:`.watchdog`) does the same as long again later (at most
    ``BACKSTOP_GRACE`` seconds), from outside, and kills the build.

An example does not end the build
    An example runs inside the build's process. While it runs, ``sys.exit()``
    and ``os._exit()`` (in the build's main thread and process) raise
    :class:`ExampleExited` instead, so the example fails like any other,
    named, with its line. Anything else that ends the process while an example
    runs (``raise SystemExit``, ``KeyboardInterrupt``, a crash in
    sphinx-gallery's handling of its output) is reported at exit, naming the
    example, and the exit code is not 0.

An example leaves the build as it found it
    Whatever one example leaves behind reaches every example after it, and a
    thread or child process it never joined makes the build wait for it at
    exit, forever. :func:`example_leftovers` takes a snapshot before each
    example and compares after it: live threads (raw ``_thread`` ones too) and
    descendant processes at any depth (:mod:`.leftovers`, shared with the
    tests' runner; the build is a child subreaper, so a grandchild whose parent
    exited is still seen), the switch interval, the working directory, the
    environment, the multiprocessing start method and matplotlib's rcParams.
    Anything left is named with the example's path (a thread or process with
    the line that started it), the processes are killed, and the build stops
    with exit code 125. An example whose page would hold more than
    ``POTOK_OUTPUT_LIMIT`` characters of output (default 1 000 000) fails the
    build, named, instead of giving a page nobody can open.

The limits (seconds, characters, exit codes) are in :mod:`.limits`.
"""

from __future__ import annotations

import atexit
import contextlib
import faulthandler
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging

from potok import records

from . import gallery, limits
from . import leftovers as potok_leftovers
from .gallery import gallery_dirs

#: Seconds the watchdog thread gets before the watchdog process acts: as long
#: again as the timeout, at most this.
BACKSTOP_GRACE = 30.0

logger = logging.getLogger(__name__)

#: The build's own exit functions: the guards use these, whatever an example
#: has done to ``sys.exit`` and ``os._exit``.
_exit, _os_exit = sys.exit, os._exit


# --- the build, and the current example --------------------------------------------


@dataclass
class Example:
    """The example sphinx-gallery is running now."""

    script: str  # as the messages name it: examples/04_gil/plot_x.py
    targets: list[tuple[Path, str]]  # (gallery folder, section/plot_x.py)


#: Set at builder-inited: the build's state (its cache key) and gallery folders.
_app: Sphinx | None = None
#: Between the "before" and the "after" call of one example.
current: Example | None = None


def start(app: Sphinx) -> None:
    """builder-inited, before sphinx-gallery runs anything: arm what the guards
    need for the whole build."""
    global _app
    _app = app
    potok_leftovers.become_subreaper()
    with contextlib.suppress(AttributeError, ValueError, OSError):
        # the watchdog process asks for every thread's traceback with SIGUSR1
        faulthandler.register(signal.SIGUSR1, file=sys.__stderr__, all_threads=True)
    atexit.register(_report_unfinished)


def _current_example(gallery_conf, fname: str) -> Example:
    """sphinx-gallery passes the bare file name; find the example's script(s)."""
    targets, names = [], []
    conf_dir = Path(gallery_conf.get("src_dir") or ".")
    for src, out in zip(
        gallery.as_list(gallery_conf.get("examples_dirs") or []),
        gallery.as_list(gallery_conf.get("gallery_dirs") or []),
        strict=False,
    ):
        src_dir = conf_dir / src
        for script in sorted(src_dir.glob(f"*/{fname}")):
            targets.append((conf_dir / out, script.relative_to(src_dir).as_posix()))
            names.append(str(script.relative_to(src_dir.parent)))
    return Example(" or ".join(names) or fname, targets)


class ExampleExited(Exception):
    """An example asked the build's process to exit."""


def _refuse(what: str, code) -> None:
    raise ExampleExited(
        f"the example called {what}({code!r}): an example runs inside the build, "
        "which it must not end; let the script finish instead (or raise an "
        "exception, if it failed)"
    )


def _sys_exit(code=None):
    if os.getpid() == _pid and threading.current_thread() is threading.main_thread():
        _refuse("sys.exit", code)
    _exit(code)


def _os_exit_guarded(code):
    if os.getpid() == _pid:
        _refuse("os._exit", code)
    _os_exit(code)


_pid = os.getpid()


def _refuse_exits() -> None:
    global _pid
    _pid = os.getpid()
    sys.exit, os._exit = _sys_exit, _os_exit_guarded


def _allow_exits() -> None:
    sys.exit, os._exit = _exit, _os_exit


def _report_unfinished() -> None:
    """atexit: the process ends while an example runs (it raised SystemExit or
    KeyboardInterrupt past sphinx-gallery, or sphinx-gallery failed on its
    output): name it, kill what it started, and never exit with 0."""
    if current is None or os.getpid() != _pid:
        return
    sys.__stderr__.write(
        f"\npotok: the build ended while example {current.script} was running or "
        "being written (SystemExit or KeyboardInterrupt raised in it, or an error "
        "in sphinx-gallery's handling of its output: see above). The build did not "
        "finish; the example runs again in the next build.\n"
    )
    sys.__stderr__.flush()
    potok_leftovers.kill_children(set())
    _os_exit(limits.UNFINISHED_EXIT)


# --- timeout ---------------------------------------------------------------------


def check_settings(app: Sphinx, config: Config) -> None:
    """config-inited: a bad limit fails before any example runs."""
    timeout_seconds()
    output_limit()


def timeout_seconds() -> float:
    try:
        return limits.example_timeout(limits.BUILD_TIMEOUT)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


_watchdog: threading.Timer | None = None
_watchdog_process: subprocess.Popen | None = None


def _stop_build(script: str, seconds: float) -> None:
    err = sys.__stderr__
    err.write(
        f"\npotok: example {script} did not finish within {seconds:g} s "
        f"({limits.TIMEOUT_ENV}); the build is stopped. Where each thread was "
        "(the example's own lines name its file):\n"
    )
    err.flush()
    faulthandler.dump_traceback(file=err, all_threads=True)
    potok_leftovers.kill_children(set())  # every descendant, the watchdog too
    err.flush()
    _os_exit(limits.TIMEOUT_EXIT)


def _tell_watchdog(line: str) -> None:
    """Send ``line`` to the watchdog process, starting it the first time."""
    global _watchdog_process
    if _watchdog_process is None or _watchdog_process.poll() is not None:
        try:
            _watchdog_process = subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("watchdog.py")),
                 str(os.getpid())],
                stdin=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )  # fmt: skip
        except OSError:
            return  # the thread still guards every hang that releases the GIL
        potok_leftovers.INFRASTRUCTURE.add(_watchdog_process.pid)
    with contextlib.suppress(OSError, ValueError):
        _watchdog_process.stdin.write(line + "\n")
        _watchdog_process.stdin.flush()


def example_timeout(gallery_conf, fname, when) -> None:
    """sphinx-gallery ``reset_modules`` hook (first): before an example, forget
    its cached result, arm the timeouts and refuse exits; after it, disarm."""
    global _watchdog, current
    if _watchdog is not None:
        _watchdog.cancel()
        _watchdog = None
        _tell_watchdog("disarm")
    if when != "before" or fname is None:
        return
    current = _current_example(gallery_conf, str(fname))
    for out, rel in current.targets:
        gallery.forget_result(out, rel)
    if current.targets:  # its claims, figures and interpreters, as it runs
        out, rel = current.targets[0]
        records.begin(rel, gallery.run_record(out, rel))
    seconds = timeout_seconds()
    _watchdog = threading.Timer(seconds, _stop_build, args=(current.script, seconds))
    _watchdog.daemon = True
    _watchdog._potok_watchdog = True  # not a leftover of the example
    _watchdog.start()
    grace = min(seconds, BACKSTOP_GRACE)
    _tell_watchdog(f"arm {seconds + grace} {seconds:g} {current.script}")
    _refuse_exits()


# --- leftovers and huge output -----------------------------------------------------

_before: tuple | None = None


def _state() -> dict[str, object]:
    import matplotlib

    return {
        "the switch interval": sys.getswitchinterval(),
        "the working directory": os.getcwd(),
        "the environment": dict(os.environ),
        # None until something fixes it; the platform's default is the first
        # of get_all_start_methods(), and asking for it is no change
        "the multiprocessing start method": multiprocessing.get_start_method(
            allow_none=True
        )
        or multiprocessing.get_all_start_methods()[0],
        "matplotlib's rcParams": dict(matplotlib.rcParams),
    }


def _changed(before: dict, after: dict) -> list[str]:
    found = []
    for what, old in before.items():
        new = after[what]
        if new == old:
            continue
        if what == "the environment":
            keys = sorted(
                k for k in old.keys() | new.keys() if old.get(k) != new.get(k)
            )
            found.append(f"changed {what} ({', '.join(keys)})")
        elif what == "matplotlib's rcParams":
            keys = sorted(k for k in old if old[k] != new.get(k))
            found.append(f"changed {what} ({', '.join(keys[:5])})")
        else:
            found.append(f"changed {what} ({old!r} -> {new!r})")
    return found


def _restore(before: dict) -> None:
    import matplotlib

    sys.setswitchinterval(before["the switch interval"])
    os.chdir(before["the working directory"])
    os.environ.clear()
    os.environ.update(before["the environment"])
    multiprocessing.set_start_method(
        before["the multiprocessing start method"], force=True
    )
    matplotlib.rcParams.update(before["matplotlib's rcParams"])


def example_leftovers(gallery_conf, fname, when) -> None:
    """sphinx-gallery ``reset_modules`` hook (last): snapshot before, compare
    after; a clean example's run is recorded under this build's key."""
    global _before, current
    if when == "before" or fname is None:
        potok_leftovers.record_where_started()
        _before = (potok_leftovers.snapshot(), _state())
        return
    _allow_exits()
    if _before is None:
        return
    (threads_children, state), _before = _before, None
    problems = [f"left {x}" for x in potok_leftovers.leftovers(threads_children)]
    problems += _changed(state, _state())
    example, current = current, None
    if example is None:
        example = _current_example(gallery_conf, str(fname))
    if not problems:
        passed = _app is not None and all(
            [gallery.record_example(_app, out, rel) for out, rel in example.targets]
        )
        if passed and example.targets:
            records.finish()
        else:
            records.discard()
        return
    records.discard()
    for out, rel in example.targets:
        gallery.forget_result(out, rel)  # sphinx-gallery wrote it before this
    potok_leftovers.kill_children(threads_children[1])
    _restore(state)
    err = sys.__stderr__
    err.write(
        f"\npotok: example {example.script} {'; '.join(problems)}. An example must "
        "join every thread and process it starts and put back what it changes; "
        "the build is stopped (the leftovers were killed).\n"
    )
    err.flush()
    _os_exit(limits.LEFTOVER_EXIT)


def output_limit() -> int:
    try:
        return limits.output_limit()
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def private_paths(app: Sphinx) -> dict[str, str]:
    """Folders of the build machine no page may show, and what to call them."""
    root = Path(app.confdir).resolve().parent
    found = {str(root): "the clone"}
    home = Path.home()
    if len(home.parts) > 1:  # not "/" (a user without a home)
        found[str(home)] = "the home folder"
    return found


def check_private_paths(app: Sphinx) -> None:
    """builder-inited, after sphinx-gallery: no example's output shows a path
    of the machine that built the site (the clone, its .nox, the home folder,
    the interpreters' cache): readers see names, not someone's file system."""
    paths = private_paths(app)
    for src, out in gallery_dirs(app):
        for page in sorted(out.rglob("plot_*.rst")):
            text = page.read_text(encoding="utf-8", errors="replace")
            shown = [what for path, what in paths.items() if path in text]
            if shown:
                script = src / page.relative_to(out).with_suffix(".py")
                logger.warning(
                    f"the output of {script.relative_to(src.parent)} shows a path "
                    f"of the build machine ({', '.join(shown)}): print a name "
                    "instead (an interpreter's label, a file's name, a path "
                    "relative to the example)",
                    type="potok",
                    subtype="private-path",
                )


def check_output_size(app: Sphinx) -> None:
    """builder-inited, after sphinx-gallery: no page with a flood of output."""
    limit = output_limit()
    too_big = []
    for _src, out in gallery_dirs(app):
        for page in sorted(out.rglob("plot_*.rst")):
            size = page.stat().st_size
            if size > limit:
                too_big.append(f"{page.with_suffix('.py').name} ({size:_} bytes)")
    if too_big:
        raise ExtensionError(
            f"example output over the limit of {limit:_} characters "
            f"({limits.OUTPUT_ENV}): {', '.join(too_big)}; print less (a summary, a "
            "table of the key numbers) so that the page can be read"
        )
