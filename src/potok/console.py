"""Printing on a console that is not UTF-8 (Windows' code pages).

The examples and ``python -m potok compare`` print Russian text and a few
symbols: the verdicts' ✔ and ✘, ×, ≈, →. Python encodes what ``print`` writes
with the encoding of ``sys.stdout``. That is UTF-8 on Linux and macOS, and in a
Windows console window itself (PEP 528); but on Windows with Python 3.11-3.14,
when the output goes to a pipe or a file (``python plot_x.py > out.txt``, an
IDE's run pane, CI) or ``PYTHONIOENCODING`` names one, it is the code page
(cp1251, cp1252, cp437), which has no ✔. Then ``print`` raises
``UnicodeEncodeError`` and the example dies half-way with a traceback instead
of its verdicts. (Python 3.15 makes UTF-8 mode the default, PEP 686.)

:func:`protect`, called once when :mod:`potok` is imported (every example and
``compare`` import it), leaves stdout's encoding alone and changes only what
happens to a character the encoding lacks: a symbol potok prints becomes its
ASCII look-alike (✔ ``+``, ✘ ``x``, × ``x``, ≈ ``~``, → ``->``, — ``-``,
… ``...``, « » ``"``), anything else ``?``. A console whose code page has no
Cyrillic (cp437, ASCII) then shows question marks where the Russian text was,
so that case also gets one line on stderr, in English, on how to see it all
(``PYTHONUTF8=1``). stderr needs nothing: Python writes it with
``backslashreplace`` already. An error handler Python does not have (it has
``replace`` and ``backslashreplace``, not a look-alike), hence this module.
Standard library only, and nothing to do where stdout is UTF-8.
"""

from __future__ import annotations

import codecs
import os
import sys

#: The codec error handler :func:`protect` sets on stdout.
ERRORS = "potok-lookalike"
#: Set once the hint was printed, so that child processes do not repeat it.
HINTED_ENV = "POTOK_CONSOLE_HINTED"

LOOKALIKES = {
    "✔": "+",
    "✘": "x",
    "×": "x",
    "≈": "~",
    "→": "->",
    "←": "<-",
    "≤": "<=",
    "≥": ">=",
    "—": "-",
    "–": "-",
    "…": "...",
    "«": '"',
    "»": '"',
    "\u00a0": " ",  # no-break space
    "\u2009": " ",  # thin space
}


def _lookalike(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(LOOKALIKES.get(ch, "?") for ch in text), error.end


codecs.register_error(ERRORS, _lookalike)


def _is_utf(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def protect(stream=None) -> bool:
    """Make ``stream`` (stdout) replace what its encoding cannot write instead of
    raising; True if it was changed. A stream that is UTF-8, that already has a
    lenient error handler (``PYTHONIOENCODING=cp1251:replace``) or that cannot
    be reconfigured (sphinx-gallery's capture, pytest's) is left as it is."""
    stream = sys.stdout if stream is None else stream
    encoding = getattr(stream, "encoding", None)
    reconfigure = getattr(stream, "reconfigure", None)
    if not encoding or reconfigure is None or _is_utf(encoding):
        return False
    if getattr(stream, "errors", "strict") != "strict":
        return False
    try:
        reconfigure(errors=ERRORS)
    except (ValueError, OSError, AttributeError):
        return False
    if not _can_write("Ж", encoding) and not os.environ.get(HINTED_ENV):
        os.environ[HINTED_ENV] = "1"
        print(
            f"potok: this console's encoding ({encoding}) has no Cyrillic, so the "
            "Russian text shows as '?'; run with PYTHONUTF8=1 (or, in a Windows "
            "console, chcp 65001) to see it",
            file=sys.stderr,
        )
    return True


def _can_write(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
