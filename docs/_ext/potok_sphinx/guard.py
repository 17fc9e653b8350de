"""Guards around every example: a timeout that names it, nothing left behind.

A timeout that names the example
    sphinx-gallery has no per-example timeout. ``example_timeout`` is called by
    sphinx-gallery before and after each example (it is listed in the gallery's
    ``reset_modules`` with ``reset_modules_order = "both"``) and arms a watchdog
    thread. If the example is still running after ``POTOK_EXAMPLE_TIMEOUT``
    seconds (default 300 in the build), the watchdog prints the example's path and
    where every thread is, ends the example's child processes and stops the build
    (exit code 124): a hung build cannot be resumed safely, since the example's
    threads cannot be killed. If the example holds the GIL in C code so the
    watchdog cannot run, ``faulthandler`` stops the process 30 s later and prints
    the same tracebacks.

An example leaves the build as it found it
    sphinx-gallery runs every example in the build's own process, so whatever
    one leaves behind reaches every example after it, and a thread or child
    process it never joined makes the build wait for it at exit, forever.
    ``example_leftovers`` (last of the gallery's ``reset_modules``, after
    sphinx-gallery's own matplotlib reset) takes a snapshot before each example
    and compares after it: live threads and child processes
    (:mod:`.leftovers`, shared with the tests' runner), the switch interval,
    the working directory, the environment, the multiprocessing start method
    and matplotlib's rcParams. Anything left is named with the example's path
    (a thread or process with the line that started it), the children are
    killed, and the build stops with exit code 125. An example whose page
    would hold more than ``POTOK_OUTPUT_LIMIT`` characters of output (default
    1 000 000) fails the build, named, instead of giving a page nobody can open.

The limits (seconds, characters, exit codes) are in :mod:`.limits`.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import sys
import threading
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError, ExtensionError

from . import leftovers as potok_leftovers
from . import limits
from .gallery import as_list, gallery_dirs

BACKSTOP_GRACE = 30.0  # seconds the watchdog gets before faulthandler steps in


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


def _stop_build(script: str, seconds: float) -> None:
    err = sys.__stderr__
    err.write(
        f"\npotok: example {script} did not finish within {seconds:g} s "
        f"({limits.TIMEOUT_ENV}); the build is stopped. Where each thread was "
        "(the example's own lines name its file):\n"
    )
    err.flush()
    faulthandler.dump_traceback(file=err, all_threads=True)
    for child in multiprocessing.active_children():
        child.kill()
    err.flush()
    os._exit(limits.TIMEOUT_EXIT)


def _example_path(gallery_conf, fname: str) -> str:
    """sphinx-gallery passes the bare file name; find the example's path."""
    for examples_dir in as_list(gallery_conf.get("examples_dirs") or []):
        found = sorted(Path(examples_dir).glob(f"*/{fname}"))
        if found:
            return " or ".join(
                str(p.relative_to(Path(examples_dir).parent)) for p in found
            )
    return fname


def example_timeout(gallery_conf, fname, when) -> None:
    """sphinx-gallery ``reset_modules`` hook: arm before an example, disarm after."""
    global _watchdog
    if _watchdog is not None:
        _watchdog.cancel()
        _watchdog = None
        faulthandler.cancel_dump_traceback_later()
    if when != "before" or fname is None:
        return
    seconds = timeout_seconds()
    script = _example_path(gallery_conf, str(fname))
    _watchdog = threading.Timer(seconds, _stop_build, args=(script, seconds))
    _watchdog.daemon = True
    _watchdog._potok_watchdog = True  # not a leftover of the example
    _watchdog.start()
    faulthandler.dump_traceback_later(
        seconds + BACKSTOP_GRACE, exit=True, file=sys.__stderr__
    )


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
    """sphinx-gallery ``reset_modules`` hook: snapshot before, compare after."""
    global _before
    if when == "before" or fname is None:
        potok_leftovers.record_where_started()
        _before = (potok_leftovers.snapshot(), _state())
        return
    if _before is None:
        return
    (threads_children, state), _before = _before, None
    problems = [f"left {x}" for x in potok_leftovers.leftovers(threads_children)]
    problems += _changed(state, _state())
    if not problems:
        return
    script = _example_path(gallery_conf, str(fname))
    potok_leftovers.kill_children(threads_children[1])
    _restore(state)
    err = sys.__stderr__
    err.write(
        f"\npotok: example {script} {'; '.join(problems)}. An example must "
        "join every thread and process it starts and put back what it changes; "
        "the build is stopped (the leftovers were killed).\n"
    )
    err.flush()
    os._exit(limits.LEFTOVER_EXIT)


def output_limit() -> int:
    try:
        return limits.output_limit()
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


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
