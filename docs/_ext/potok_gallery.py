"""Two additions to sphinx-gallery: build one example alone, stop one that hangs.

One example by name
    ``POTOK_EXAMPLE=plot_gil_timeline`` (what ``nox -s docs -- --example NAME``
    sets) runs only that example, and runs it even if it is unchanged. The other
    examples keep the output of their last run; the ones never run are shown
    without output. sphinx-gallery writes an example's ``.md5`` only after it ran
    and passed, so nothing stale is left for the next full build. The name is the
    file name with or without ``.py``, or ``folder/file``; an unknown name fails
    the build listing the names that exist.

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
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import re
import sys
import threading
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

EXAMPLE_ENV = "POTOK_EXAMPLE"
TIMEOUT_ENV = "POTOK_EXAMPLE_TIMEOUT"
BUILD_TIMEOUT = 300.0  # seconds; examples at default scale take ~10 s
BACKSTOP_GRACE = 30.0  # seconds the watchdog gets before faulthandler steps in
EXIT_CODE = 124  # as timeout(1)


# --- one example by name ---------------------------------------------------------


def find_example(name: str, examples_dir: Path) -> Path:
    """The ``plot_*.py`` under ``examples_dir`` that ``name`` designates."""
    wanted = name.strip().removesuffix(".py").strip("/")
    scripts = sorted(examples_dir.glob("*/plot_*.py"))
    matches = [
        s
        for s in scripts
        if wanted in (s.stem, f"{s.parent.name}/{s.stem}")
        or Path(wanted).resolve() == s.with_suffix("").resolve()
    ]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(s.stem for s in scripts) or "(none)"
    if not matches:
        raise ConfigError(
            f"{EXAMPLE_ENV}={name!r}: no example of that name in {examples_dir}; "
            f"the examples are: {names}"
        )
    both = ", ".join(f"{s.parent.name}/{s.stem}" for s in matches)
    raise ConfigError(
        f"{EXAMPLE_ENV}={name!r} names several examples ({both}); "
        "give the folder too, e.g. 04_gil/plot_gil_timeline"
    )


def _select_example(app: Sphinx, config: Config) -> None:
    timeout_seconds()  # a bad POTOK_EXAMPLE_TIMEOUT fails before any example runs
    name = os.environ.get(EXAMPLE_ENV, "").strip()
    if not name:
        return
    conf = config.sphinx_gallery_conf
    dirs = conf["examples_dirs"]
    script = find_example(name, Path(dirs if isinstance(dirs, str) else dirs[0]))
    rel = f"{script.parent.name}/{script.name}"
    conf["filename_pattern"] = re.escape(f"/{rel}") + "$"
    conf["run_stale_examples"] = True
    print(f"potok: {EXAMPLE_ENV}={name}: only {rel} runs", file=sys.stderr)


# --- timeout ---------------------------------------------------------------------


def timeout_seconds() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return BUILD_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds") from None
    if value <= 0:
        raise ConfigError(f"{TIMEOUT_ENV}={raw!r} must be a positive number of seconds")
    return value


_watchdog: threading.Timer | None = None


def _stop_build(script: str, seconds: float) -> None:
    err = sys.__stderr__
    err.write(
        f"\npotok: example {script} did not finish within {seconds:g} s "
        f"({TIMEOUT_ENV}); the build is stopped. Where each thread was "
        "(the example's own lines name its file):\n"
    )
    err.flush()
    faulthandler.dump_traceback(file=err, all_threads=True)
    for child in multiprocessing.active_children():
        child.kill()
    err.flush()
    os._exit(EXIT_CODE)


def _example_path(gallery_conf, fname: str) -> str:
    """sphinx-gallery passes the bare file name; find the example's path."""
    dirs = gallery_conf.get("examples_dirs") or []
    for examples_dir in [dirs] if isinstance(dirs, str) else dirs:
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
    _watchdog.start()
    faulthandler.dump_traceback_later(
        seconds + BACKSTOP_GRACE, exit=True, file=sys.__stderr__
    )


def setup(app: Sphinx) -> dict:
    # before sphinx-gallery fills in its defaults (priority 500)
    app.connect("config-inited", _select_example, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
