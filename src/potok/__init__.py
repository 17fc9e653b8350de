"""potok: the reader's toolkit for the site «От процессора до многопоточности».

What a page teaches is on the page; potok only measures, draws, records and
runs things in other interpreters (the site's page «Инструменты примеров»,
docs/toolkit.md, explains each part):

- :mod:`potok.measure` times things honestly (warm-up, repeats, median and
  spread, variants interleaved), records per-thread timelines and picks the
  scale of an experiment.
- :mod:`potok.machine` says which machine and interpreter made a result (the
  stamp every figure carries) and what interpreter an example needs.
- :mod:`potok.start_methods` gives the multiprocessing context an example starts
  its processes with (fork, spawn or forkserver, chosen by ``POTOK_START_METHOD``).
- :mod:`potok.workloads` holds generic work functions that run in other
  processes (importable, so spawn and forkserver children can unpickle them).
- :mod:`potok.plots` draws the site's few kinds of chart in one style.
- :mod:`potok.claims` checks what a page teaches on the numbers just measured.
- :mod:`potok.records` writes one record per run of an example (its claims,
  figures and interpreters) and reads it back.
- :mod:`potok.interpreters` knows which other Pythons there are and runs a
  function in one of them.
- :mod:`potok.cpu` says how many cores a piece of work really used.

For readers at home: ``python -m potok compare plot_x.py --site ADDRESS``
(:mod:`potok.compare`) runs a downloaded example and prints its verdicts beside
the site's. Importing potok makes printing safe on a console that is not UTF-8
(:mod:`potok.console`): a Windows code page gets ``+``/``x`` for ✔/✘ instead of
a ``UnicodeEncodeError`` half-way through an example.
"""

from potok import console as _console

_console.protect()


def __getattr__(name: str) -> str:
    # The version is looked up on first use, not on import: importlib.metadata
    # costs tens of milliseconds, and every spawn/forkserver child imports potok
    # (the start-cost example would be measuring that import).
    if name != "__version__":
        raise AttributeError(f"module 'potok' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("potok")
    except PackageNotFoundError:  # running from a source tree that is not installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
