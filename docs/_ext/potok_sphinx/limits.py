"""The limits the site's build, its tests and nox share: one place for each.

Standard library only: the noxfile (which runs without Sphinx), conftest.py and
tools/bench.py import it as well as the extension.
"""

from __future__ import annotations

import math
import os

#: The Python that builds the site (nox's docs session; Sphinx and the gallery
#: run on it). The checks of the build run on it alone.
DOCS_PYTHON = "3.13"

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

#: CSS pixels: the smallest a figure's text may be shown, on a desktop and on a
#: phone (potok_sphinx.figures sizes figures for it; tests/browser/test_figures.py
#: measures it).
LEGIBLE_PX = 10

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


#: The largest value each variable takes: past a day an example is not slow,
#: it hangs; a billion characters is far more than any page can hold. (Larger
#: values, ``inf`` and ``nan`` would fail later, obscurely: a timer that
#: overflows, an infinity that is no int.)
MOST_SECONDS = 86_400
MOST_CHARACTERS = 1_000_000_000


def _number(env: str, default: float, what: str, least: int, most: int) -> float:
    """``env`` as a number from ``least`` to ``most``; ``default`` if unset.

    ``least`` is excluded when it is 0 (a timeout of 0 s stops everything).
    """
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{env}={raw!r} is not a number of {what}") from None
    too_small = value <= least if least == 0 else value < least
    if not math.isfinite(value) or too_small or value > most:
        low = "more than 0" if least == 0 else f"at least {least:_}"
        raise ValueError(
            f"{env}={raw!r} must be a number of {what}, {low} and at most {most:_}"
        )
    return value


def example_timeout(default: float) -> float:
    """Seconds an example may run: ``POTOK_EXAMPLE_TIMEOUT`` or ``default``."""
    return _number(TIMEOUT_ENV, default, "seconds", 0, MOST_SECONDS)


def output_limit() -> int:
    """Characters an example may print: ``POTOK_OUTPUT_LIMIT`` or the default."""
    return int(_number(OUTPUT_ENV, OUTPUT_LIMIT, "characters", 1, MOST_CHARACTERS))


if __name__ == "__main__":  # the strict flags, for a shell (.readthedocs.yaml)
    print(" ".join(SPHINX_STRICT))
