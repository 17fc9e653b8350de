"""One record per run of an example: its claims, its figures, where it ran.

Every run of an example (in the site's build, in the tests, at a reader's
home) leaves one JSON file, ``<stem>.record.json``. The site's build reads
only these: the page «Проверка утверждений», the ``{claim}`` role, the stamp
under each example's title, the files readers compare with
(``python -m potok compare``) and the test matrix. The verdicts an example
prints are for people; nothing parses them back.

The format, version ``potok-record/1`` (a later edition in another language or
from other machines is drawn from the same records)::

    {
      "format": "potok-record/1",
      "example": "plot_gil_timeline.py",     # the script's file name
      "section": "04_gil",                   # its folder
      "potok": "0.1.0",                      # the potok that ran it
      "started": "2026-12-03T10:00:00+00:00", "finished": "...",
      "scale": "default",                    # or "quick" (POTOK_QUICK=1)
      "start_method": "forkserver",          # the one it asked for, or null
      "python": {Stamp},                     # the interpreter that ran the script
      "claims": [{"id": "threads-take-turns", "text": "...", "confirmed": true,
                  "evidence": "...", "reason": "", "numbers": {"overlap": 0.0},
                  "stamp": {Stamp}}],        # who measured the claim's numbers
      "figures": [{"number": 1, "stamp": {Stamp}}],
      "interpreters": [{Interpreter}]        # other interpreters it ran code in
    }

Where the file goes: the site's build names it (:func:`begin` and
:func:`finish`, called by its guards around each example); otherwise
``POTOK_RECORD_DIR`` (the tests, ``compare``), or else beside the script.

The typed values in it (a :class:`~potok.measure.Timing`, a
:class:`~potok.machine.Stamp`, an :class:`~potok.interpreters.Interpreter`) are
written and read back as themselves by :mod:`potok.codec`. The start method and
the other interpreters a run used are noted by :mod:`potok.start_methods` and
:mod:`potok.interpreters` themselves and read here when the record is written,
so that no module below this one imports it. Standard library only.
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from potok import interpreters, machine, measure, start_methods
from potok.codec import DecodeError, decode, encode

#: The version of the record's format (a change that old readers cannot read
#: gets a new number).
FORMAT = "potok-record/1"
DIR_ENV = "POTOK_RECORD_DIR"
SUFFIX = ".record.json"


class RecordError(ValueError):
    """A record file that cannot be read as a record."""


# --- the record of one run ---------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclasses.dataclass
class Record:
    """What one run of one example claimed, drew and used."""

    example: str
    section: str | None = None
    potok: str = ""
    started: str = dataclasses.field(default_factory=_now)
    finished: str | None = None
    scale: str = "default"
    start_method: str | None = None
    python: Any = None  # a Stamp
    claims: list[dict] = dataclasses.field(default_factory=list)
    figures: list[dict] = dataclasses.field(default_factory=list)
    interpreters: list[Any] = dataclasses.field(default_factory=list)

    def add_claim(self, claim: Any, stamp: Any = None) -> None:
        ids = {c["id"] for c in self.claims}
        if claim.id in ids:
            raise ValueError(
                f"{self.example}: two claims with the id {claim.id!r}: each claim "
                "of an example needs its own id"
            )
        entry = dataclasses.asdict(claim)
        entry["stamp"] = stamp
        self.claims.append(entry)

    def add_figure(self, stamp: Any) -> None:
        """The stamp of the run's next figure (figures are counted in the order
        they are stamped: matplotlib reuses a closed figure's number, and
        sphinx-gallery closes every figure at ``plt.show()``)."""
        self.figures.append({"number": len(self.figures) + 1, "stamp": stamp})

    def used(self, interpreter: Any) -> None:
        """Note another interpreter the run measured in (by its name only: the
        record is published, and a path of the machine is nobody's business)."""
        if hasattr(interpreter, "path"):
            interpreter = dataclasses.replace(
                interpreter, path=os.path.basename(interpreter.path)
            )
        if interpreter not in self.interpreters:
            self.interpreters.append(interpreter)

    def to_json(self) -> dict:
        return {"format": FORMAT, **encode(self)}


def load(path: str | os.PathLike) -> Record:
    """The record in ``path``; a file that is not one raises
    :class:`RecordError` naming the file and what is wrong."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RecordError(f"{path}: not a readable record ({exc})") from None
    return from_json(data, str(path))


def from_json(data: Any, source: str = "record") -> Record:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise RecordError(f"{source}: not a {FORMAT} record (format: {found!r})")
    fields = {f.name for f in dataclasses.fields(Record)}
    try:
        record = Record(**{k: decode(v) for k, v in data.items() if k in fields})
    except (TypeError, DecodeError) as exc:
        raise RecordError(f"{source}: {exc}") from None
    if not isinstance(record.example, str):
        raise RecordError(f"{source}: its example is not a file name")
    for name in ("claims", "figures", "interpreters"):
        if not isinstance(getattr(record, name), list):
            raise RecordError(f"{source}: {name} is not a list")
    for claim in record.claims:
        if not (
            isinstance(claim, dict)
            and isinstance(claim.get("id"), str)
            and isinstance(claim.get("text"), str)
            and isinstance(claim.get("confirmed"), bool)
            and isinstance(claim.get("evidence", ""), str)
        ):
            raise RecordError(f"{source}: a claim without id, text or verdict")
    return record


def write(record: Record, path: str | os.PathLike) -> Path:
    """Write ``record`` to ``path`` at once (a killed run leaves no half file)."""
    path = Path(path)
    record.finished = record.finished or _now()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    text = json.dumps(record.to_json(), ensure_ascii=False, indent=1)
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


# --- the current run ---------------------------------------------------------------

_current: Record | None = None
_destination: Path | None = None
_pid: int | None = None


def _new(script: str) -> Record:
    import potok  # its __version__ is looked up on first use

    path = Path(script)
    return Record(
        example=path.name,
        section=path.parent.name or None,
        potok=potok.__version__,
        scale="quick" if measure.quick() else "default",
        python=machine.stamp(),
    )


def begin(script: str, destination: str | os.PathLike) -> Record:
    """Start the record of a run of ``script``, to be written to
    ``destination`` by :func:`finish` (the site's build calls both)."""
    global _current, _destination, _pid
    start_methods.forget()
    interpreters.forget()
    _current, _destination, _pid = _new(script), Path(destination), os.getpid()
    return _current


def finish() -> Path | None:
    """Write the current record where :func:`begin` (or the default) said, and
    start none: the next claim starts a new one."""
    global _current, _destination
    if _current is None or _pid != os.getpid():
        return None
    record, destination = _current, _destination
    _current = _destination = None
    if destination is None:
        destination = default_path(sys.argv[0] if sys.argv and sys.argv[0] else "run")
    record.start_method = record.start_method or start_methods.asked()
    for other in interpreters.used():
        record.used(other)
    return write(record, destination)


def discard() -> None:
    """Forget the current record without writing it (a failed run)."""
    global _current, _destination
    _current = _destination = None


def default_path(script: str) -> Path:
    """``<stem>.record.json`` in ``POTOK_RECORD_DIR``, or beside the script."""
    path = Path(script)
    folder = os.environ.get(DIR_ENV, "").strip()
    return Path(folder or path.parent) / (path.stem + SUFFIX)


def _helper_process() -> bool:
    """A process that runs for an example, not the example itself: a
    multiprocessing child, a child interpreter serving calls, or anything that
    is not a script run as ``python script.py`` (``python -m potok...``,
    ``python -c``)."""
    import multiprocessing

    if interpreters.serving() or multiprocessing.parent_process() is not None:
        return True
    if _current is not None and _pid == os.getpid():
        return False  # begun by the build (begin()), or already running
    script = sys.argv[0] if sys.argv else ""
    if not script.endswith(".py"):
        return True
    return Path(script).resolve().is_relative_to(Path(__file__).resolve().parent)


def current() -> Record:
    """The record of this run, started on first use. A script run on its own
    writes it when it ends. (In a helper process, a record nobody writes.)"""
    global _current, _pid
    if _helper_process():
        return Record(example="helper process")
    if _current is None or _pid != os.getpid():
        script = sys.argv[0] if sys.argv and sys.argv[0] else "run.py"
        _current, _pid = _new(script), os.getpid()
        if not _registered:
            atexit.register(_at_exit)
            _registered.append(True)
    return _current


_registered: list[bool] = []


def _at_exit() -> None:
    if _current is not None and _pid == os.getpid() and _destination is None:
        finish()
