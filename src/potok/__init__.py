"""potok: the library shared by the examples of «От процессора до многопоточки».

- :mod:`potok.measure` times things honestly (warm-up, repeats, median and spread),
  records per-thread timelines and picks the scale of an experiment.
- :mod:`potok.machine` says which machine and interpreter made a result (the stamp
  every figure carries) and what interpreter an example needs.
- :mod:`potok.start_methods` gives the multiprocessing context an example starts
  its processes with (fork, spawn or forkserver, chosen by ``POTOK_START_METHOD``).
- :mod:`potok.workloads` holds the work functions that run in other processes: they
  live in an importable module so that spawn and forkserver children can unpickle them.
- :mod:`potok.plots` draws the site's few kinds of chart in one consistent style.
- :mod:`potok.claims` states what a page teaches as a claim and prints its verdict
  on the numbers just measured.

Modules behind single examples (each keeps that example's machinery testable):
:mod:`potok.aio` (event-loop heartbeat, the asyncio bridge),
:mod:`potok.races` (lost updates), :mod:`potok.convoy` (the convoy effect),
:mod:`potok.memory` (cache levels), :mod:`potok.today` (3.14 pools, GIL vs no-GIL,
run in child interpreters as ``python -m potok.today``),
:mod:`potok.aio_deep` (task groups, cancellation, queues, semaphore limits, slow
callbacks, ``python -m asyncio ps``), :mod:`potok.oversub` (BLAS threads times
our own workers, measured in ``python -m potok.oversub``).

For readers at home: ``python -m potok compare plot_x.py --site ADDRESS``
(:mod:`potok.compare`) runs a downloaded example and prints its verdicts beside
the site's.
"""


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
