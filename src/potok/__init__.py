"""potok: the library shared by the examples of «От процессора до многопоточки».

- :mod:`potok.measure` times things honestly (warm-up, repeats, median and spread),
  records per-thread timelines and stamps every result with the machine that made it.
- :mod:`potok.workloads` holds the work functions that run in other processes: they
  live in an importable module so that spawn and forkserver children can unpickle them.
- :mod:`potok.plots` draws the site's few kinds of chart in one consistent style.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("potok")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
