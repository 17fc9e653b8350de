"""The limits the site's build, its tests and nox share: one place for each.

Standard library only: the noxfile (which runs without Sphinx), conftest.py and
tools/bench.py import it as well as the extension.
"""

from __future__ import annotations

import os

#: How every build of the site runs Sphinx: a dangling reference (-n) and any
#: warning (-W) fail it; --keep-going reports all of them first.
SPHINX_STRICT = ("-n", "-W", "--keep-going")

#: Seconds one example may run (``POTOK_EXAMPLE_TIMEOUT`` overrides both).
#: In the build, at default scale, examples take ~10 s; the tests run them at
#: quick scale, but the matrix runs two interpreters at once on a busy machine.
TIMEOUT_ENV = "POTOK_EXAMPLE_TIMEOUT"
BUILD_TIMEOUT = 300.0
TEST_TIMEOUT = 120.0

#: Characters of output one example may print (``POTOK_OUTPUT_LIMIT``): past
#: that its page could not be read, and the build and the tests fail it, named.
OUTPUT_ENV = "POTOK_OUTPUT_LIMIT"
OUTPUT_LIMIT = 1_000_000

#: Exit codes: an example that hung (as timeout(1)); one that left a thread, a
#: child process or a changed setting behind; a build that ended mid-example.
#: (An example that skipped itself exits with potok.machine.SKIP_EXIT_CODE.)
TIMEOUT_EXIT = 124
LEFTOVER_EXIT = 125
#: The build's process ended (SystemExit or KeyboardInterrupt past the
#: gallery, a crash writing an example's page) while an example was current.
UNFINISHED_EXIT = 123


#: The file a build writes into its doctree folder when it has run to its end
#: (potok_sphinx.build); nox counts a build as successful only with it.
FINISHED_MARK = ".potok-build-finished"


def _number(env: str, default: float, what: str) -> float:
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{env}={raw!r} is not a number of {what}") from None
    if value <= 0:
        raise ValueError(f"{env}={raw!r} must be a positive number of {what}")
    return value


def example_timeout(default: float) -> float:
    """Seconds an example may run: ``POTOK_EXAMPLE_TIMEOUT`` or ``default``."""
    return _number(TIMEOUT_ENV, default, "seconds")


def output_limit() -> int:
    """Characters an example may print: ``POTOK_OUTPUT_LIMIT`` or the default."""
    return int(_number(OUTPUT_ENV, OUTPUT_LIMIT, "characters"))


if __name__ == "__main__":  # the strict flags, for a shell (.readthedocs.yaml)
    print(" ".join(SPHINX_STRICT))
