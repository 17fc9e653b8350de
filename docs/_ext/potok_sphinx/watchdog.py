"""A watchdog *process* for the example that holds the interpreter in C code.

    python docs/_ext/potok_sphinx/watchdog.py BUILD_PID

The guard's timeout (:mod:`.guard`) is a thread of the build: it cannot run
while an example holds the GIL in C code (a catastrophic regular expression, a
C extension's loop). This small process can. The build tells it, on its
standard input, ``arm SECONDS LIMIT SCRIPT`` before each example and
``disarm`` after it; if an armed deadline passes, it names the example on
stderr (the build's own), asks the build for every thread's traceback
(``SIGUSR1``: :mod:`faulthandler` answers it from C, without the GIL), kills
the build's descendants and then the build. When the build ends, its end of
the pipe closes and this process exits. Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import time

try:
    from .leftovers import descendants
except ImportError:  # run as a script: this folder is sys.path[0]
    from leftovers import descendants

#: Seconds between asking for the tracebacks and killing the build.
DUMP_GRACE = 2.0


def _stop(build: int, script: str, limit: str) -> None:
    sys.stderr.write(
        f"\npotok: example {script} did not finish within {limit} s "
        "(POTOK_EXAMPLE_TIMEOUT) and the build's own timeout could not run: the "
        "example holds the interpreter in C code. The build is stopped (killed). "
        "Where each thread was (the example's own lines name its file):\n"
    )
    sys.stderr.flush()
    with contextlib.suppress(OSError):
        os.kill(build, signal.SIGUSR1)
    time.sleep(DUMP_GRACE)
    me = os.getpid()
    for pid in sorted(descendants(build) - {me}):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.kill(build, signal.SIGKILL)


def main(build: int) -> int:
    deadline: float | None = None
    script = limit = ""
    pending = b""
    while True:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([sys.stdin.fileno()], [], [], wait)
        if ready:
            chunk = os.read(sys.stdin.fileno(), 4096)
            if not chunk:
                return 0  # the build has ended
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                command, _, rest = line.decode("utf-8", "replace").partition(" ")
                if command == "arm":
                    seconds, limit, script = rest.split(" ", 2)
                    deadline = time.monotonic() + float(seconds)
                elif command == "disarm":
                    deadline = None
            continue
        if deadline is not None and time.monotonic() >= deadline:
            _stop(build, script, limit)
            return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
