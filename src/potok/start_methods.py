"""Which way an example starts its processes: fork, spawn or forkserver.

An example that starts processes takes its context from here,
``ProcessPoolExecutor(mp_context=start_methods.mp_context())``, so that the same
script runs under every start method: ``POTOK_START_METHOD`` chooses one (the
tests run each example that starts processes under all three). Standard library
only.
"""

from __future__ import annotations

import importlib.machinery
import multiprocessing
import os
import sys

START_METHOD_ENV = "POTOK_START_METHOD"


def start_method() -> str:
    """The multiprocessing start method the examples use.

    ``POTOK_START_METHOD`` chooses one (the test matrix sets it); otherwise the
    platform's default (fork on Linux up to 3.13, forkserver from 3.14, spawn on
    macOS and Windows). The run's record notes it (:func:`asked`, read by
    :mod:`potok.records`).
    """
    method = chosen()
    _asked[:] = [method]
    return method


_asked: list[str] = []


def asked() -> str | None:
    """The start method this run asked :func:`start_method` for, if it did."""
    return _asked[0] if _asked else None


def forget() -> None:
    """A new run begins in this process (the site's build runs one example
    after another in one process)."""
    _asked.clear()


def chosen() -> str:
    """The start method :func:`start_method` gives, read without asking it.

    The machine stamp reads the method here: the tests' runner watches
    :func:`start_method` to learn which examples start processes, and printing
    the stamp must not count as that.
    """
    wanted = os.environ.get(START_METHOD_ENV, "").strip()
    if wanted:
        available = multiprocessing.get_all_start_methods()
        if wanted not in available:
            raise ValueError(
                f"{START_METHOD_ENV}={wanted!r} is not a start method of this "
                f"platform; choose one of {', '.join(available)}"
            )
        return wanted
    return multiprocessing.get_context().get_start_method()


def mp_context(method: str | None = None):
    """The multiprocessing context for ``method``, by default :func:`start_method`.

    Pass it on: ``ProcessPoolExecutor(mp_context=potok.start_methods.mp_context())``.
    It also makes spawn and forkserver children leave the running script alone
    (see :func:`children_skip_main`), so an example runs the same way standalone
    as inside sphinx-gallery.
    """
    if method is not None and method not in multiprocessing.get_all_start_methods():
        raise ValueError(
            f"start method {method!r} does not exist on this platform; choose one "
            f"of {', '.join(multiprocessing.get_all_start_methods())}"
        )
    children_skip_main()
    return multiprocessing.get_context(method or start_method())


def children_skip_main() -> None:
    """Stop spawn/forkserver children from re-running the script that starts them.

    A child started with spawn (and the forkserver's server) prepares itself by
    running the parent's main *script* again as ``__mp_main__``, so that
    functions defined there can be unpickled; an unguarded script then starts
    processes from inside its child and fails. sphinx-gallery runs examples in a
    fake ``__main__`` whose spec is named ``__main__``, which multiprocessing
    does not re-run. This gives a script run directly (``python plot_x.py``) the
    same spec, so both ways behave alike: children import only what they need
    (``potok.workloads``), and functions defined in the script cannot be sent
    to them — which the examples never do.
    """
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) is None:
        main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)
