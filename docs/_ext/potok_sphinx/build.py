"""One build at a time in a tree, and a build counts only when it finished.

One at a time
    The examples time themselves: two builds of one tree side by side would
    run their examples at once and corrupt each other's figures, and write the
    same generated files. At ``config-inited``, before anything is generated,
    the build takes an exclusive lock on ``.potok-build.lock`` in the gallery
    folder (``docs/auto_examples``, where the examples' results go; ``flock``:
    the system releases it when the process ends, however it ends). A
    second build stops at once with one line naming the first one's pid and
    command. Where ``fcntl`` is missing (Windows) there is no lock, and
    the build says so.

Finished
    ``FINISHED`` in the doctree folder is deleted when a build starts and
    written by its ``build-finished`` hook when it ends without an exception.
    ``nox -s docs`` deletes it too and fails unless it is there afterwards, so a
    build that exited half-way with code 0 (an example that escaped every guard,
    say) is never called a success.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from .limits import FINISHED_MARK as FINISHED

LOCK = ".potok-build.lock"

_held: list = []  # the open lock file, for as long as this process lives


def _describe(pid: str) -> str:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        return f" ({cmd.decode(errors='replace').strip()[:160]})"
    except OSError:
        return ""


def take_lock(app: Sphinx, config: Config) -> None:
    """config-inited: stop at once if another build of this tree is running."""
    if _held:
        return  # this process already holds it (sphinx-autobuild, tests)
    try:
        import fcntl
    except ImportError:
        print(
            "potok: no fcntl here, so nothing stops a second build of this tree "
            "from running at the same time: run one build at a time",
            file=sys.stderr,
        )
        return
    gallery = config.sphinx_gallery_conf["gallery_dirs"]
    folder = Path(app.confdir) / (gallery if isinstance(gallery, str) else gallery[0])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held until exit)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        owner = handle.read().split()
        handle.close()
        pid = owner[0] if owner else "unknown"
        since = ""
        if len(owner) > 1:
            with contextlib.suppress(ValueError):
                since = time.strftime(
                    ", since %H:%M:%S", time.localtime(float(owner[1]))
                )
        raise ConfigError(
            f"potok: another build of this tree is running (pid {pid}{since}"
            f"{_describe(pid)}; lock {path}). Wait for it to finish or stop it: "
            "two builds at once would time each other's examples"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()} {time.time():.0f}\n")
    handle.flush()
    _held.append(handle)


def start(app: Sphinx) -> None:
    """builder-inited (first): this build has not finished yet."""
    (Path(app.doctreedir) / FINISHED).unlink(missing_ok=True)


def finished(app: Sphinx, exception) -> None:
    """build-finished: the mark that the build ran to its end."""
    if exception is None:
        (Path(app.doctreedir) / FINISHED).write_text(
            f"{time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n", encoding="utf-8"
        )
