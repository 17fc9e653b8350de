"""Python today: subinterpreter pools and the free-threaded build, measured.

Used by ``examples/08_today/plot_python_today.py``. The parts need interpreters
the site may not be built with:

* :class:`concurrent.futures.InterpreterPoolExecutor` exists from Python 3.14;
* ``-X gil=0`` / ``-X gil=1`` matter only on a free-threaded build (3.13t, 3.14t).

So every measurement here can run in *another* interpreter: ``python -m
potok.today pools`` (or ``threads``) measures in that interpreter and writes one
JSON object to stdout, which :func:`run_in` reads back. Other interpreters are
found on PATH (``python3.14``, ``python3.14t`` and the like) and in the
environment variable ``POTOK_EXTRA_PYTHONS`` (paths separated by
``os.pathsep``). Standard library only, so that any interpreter can import it
with just ``PYTHONPATH`` pointing at ``src``.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from potok import machine, measure, start_methods, workloads

EXTRA_ENV = "POTOK_EXTRA_PYTHONS"
CANDIDATES = ("python3.15t", "python3.15", "python3.14t", "python3.14", "python3.13t")
SRC = Path(__file__).resolve().parent.parent  # the folder that holds potok/

_PROBE = """\
import concurrent.futures as cf, json, platform, sys, sysconfig
try:  # the standard library the examples use: a damaged one is not trusted
    import asyncio, concurrent.futures.process, concurrent.futures.thread
    import multiprocessing.pool, queue, subprocess, threading
    broken = ""
except Exception as exc:
    broken = f"{type(exc).__name__}: {exc}"
print(json.dumps({
    "executable": sys.executable,
    "version": platform.python_version(),
    "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "gil_enabled": getattr(sys, "_is_gil_enabled", lambda: True)(),
    "interpreter_pool": hasattr(cf, "InterpreterPoolExecutor"),
    "broken": broken,
}))
"""


@dataclass(frozen=True)
class Interpreter:
    """A Python interpreter found on this machine and what it can do."""

    path: str
    version: str
    free_threaded: bool
    interpreter_pool: bool
    executable: str = ""  # what the interpreter reports as sys.executable
    gil_enabled: bool = True  # as the probe (or here()) found it
    broken: str = ""  # why its standard library cannot be trusted, if it cannot

    @property
    def label(self) -> str:
        build = "free-threaded" if self.free_threaded else "с GIL"
        return f"Python {self.version} ({build})"


def here() -> Interpreter:
    """The interpreter running this code."""
    return Interpreter(
        sys.executable,
        platform.python_version(),
        machine.free_threaded_build(),
        hasattr(cf, "InterpreterPoolExecutor"),
        os.path.realpath(sys.executable),
        machine.gil_enabled(),
    )


def probe(path: str, timeout: float = 60) -> Interpreter | None:
    """Run ``path`` once and ask what it is; None if it does not run.

    The one probe of an interpreter: the examples, the noxfile and
    tools/pythons.py all ask through it. Only the last line of the output is
    read (a chroot's wrapper may print before it).
    """
    try:
        proc = subprocess.run(
            [path, "-c", _PROBE], capture_output=True, text=True, timeout=timeout
        )
        info = json.loads(proc.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    if proc.returncode != 0:
        return None
    return Interpreter(
        path,
        info["version"],
        info["free_threaded"],
        info["interpreter_pool"],
        os.path.realpath(info["executable"]),
        info["gil_enabled"],
        info.get("broken", ""),
    )


def candidates() -> list[str]:
    """Paths from ``POTOK_EXTRA_PYTHONS`` first, then well-known names on PATH."""
    paths = [p for p in os.environ.get(EXTRA_ENV, "").split(os.pathsep) if p.strip()]
    paths += [found for name in CANDIDATES if (found := shutil.which(name))]
    return list(dict.fromkeys(paths))


def interpreters() -> list[Interpreter]:
    """This interpreter, then every working candidate (duplicates dropped).

    A path from ``POTOK_EXTRA_PYTHONS`` that does not exist or does not run is
    an error naming it: that variable is a promise that the path works.
    """
    found = [here()]
    seen = {(os.path.realpath(sys.executable), found[0].version)}
    given = set(os.environ.get(EXTRA_ENV, "").split(os.pathsep))
    for path in candidates():
        if path in given and not os.path.exists(path):
            raise FileNotFoundError(f"{EXTRA_ENV}: {path} does not exist")
        interp = probe(path)
        if interp is None:
            if path in given:
                raise RuntimeError(f"{EXTRA_ENV}: {path} is not a Python that runs")
            continue
        # a wrapper (the Debian sid chroot's) is known by what it runs, not by
        # the script's own path: one script serves several versions
        key = (interp.executable or os.path.realpath(path), interp.version)
        if key in seen:
            continue
        seen.add(key)
        found.append(interp)
    return found


# --- the measurements (run in whichever interpreter) ----------------------------


def _add_src_to_path(src: str) -> None:
    # Runs in each subinterpreter of an InterpreterPoolExecutor: they start with
    # the interpreter's initial sys.path, not the main interpreter's current one.
    if src not in sys.path:
        sys.path.insert(0, src)


def _run_all(executor: cf.Executor, n: int, tasks: int) -> None:
    list(executor.map(workloads.cpu_bound, [n] * tasks))


def pools(n: int, tasks: int, workers: int, repeats: int) -> dict[str, list[float]]:
    """Time ``tasks`` calls of ``cpu_bound(n)``: one after another, and in a
    thread, process and (3.14+) interpreter pool of ``workers``. Pools are
    started and warmed up before timing, so start-up is not in the samples."""
    results = {
        "последовательно": measure.repeat(
            lambda: [workloads.cpu_bound(n) for _ in range(tasks)], repeats=repeats
        ).samples
    }
    makers = {
        "ThreadPoolExecutor": lambda: cf.ThreadPoolExecutor(workers),
        "ProcessPoolExecutor": lambda: cf.ProcessPoolExecutor(
            workers, mp_context=start_methods.mp_context()
        ),
    }
    if hasattr(cf, "InterpreterPoolExecutor"):
        makers["InterpreterPoolExecutor"] = lambda: cf.InterpreterPoolExecutor(
            workers, initializer=_add_src_to_path, initargs=(str(SRC),)
        )
    for label, make in makers.items():
        with make() as ex:
            results[label] = measure.repeat(
                lambda ex=ex: _run_all(ex, n, tasks), repeats=repeats
            ).samples
    return {k: list(v) for k, v in results.items()}


def threads(
    n: int, tasks: int, workers: list[int], repeats: int
) -> dict[str, list[float]]:
    """Time ``tasks`` calls of ``cpu_bound(n)`` in a thread pool of each size."""
    results = {}
    for w in workers:
        with cf.ThreadPoolExecutor(w) as ex:
            results[str(w)] = list(
                measure.repeat(
                    lambda ex=ex: _run_all(ex, n, tasks), repeats=repeats
                ).samples
            )
    return results


# --- running them in another interpreter ------------------------------------------


class OtherInterpreterFailed(RuntimeError):
    pass


def run_module(
    python: str, module: str, args: list[str], *, flags: tuple[str, ...] = ()
) -> dict:
    """Run ``python [flags] -m module args...`` with ``src`` importable and
    return the JSON it writes to stdout (potok.today, potok.safety, potok.sync
    all answer this way)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(SRC), *filter(None, [env.get("PYTHONPATH")])]
    )
    cmd = [python, *flags, "-m", module, *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    if proc.returncode != 0:
        raise OtherInterpreterFailed(
            f"{' '.join(cmd)} exited with code {proc.returncode}:\n{proc.stderr}"
        )
    return json.loads(proc.stdout)


def run_in(
    python: str,
    part: str,
    *,
    n: int,
    tasks: int,
    workers: list[int],
    repeats: int,
    flags: tuple[str, ...] = (),
) -> dict:
    """Run ``python [flags] -m potok.today part ...`` and return its JSON."""
    args = [part, "--n", str(n), "--tasks", str(tasks), "--repeats", str(repeats)]
    args += ["--workers", ",".join(map(str, workers))]
    return run_module(python, "potok.today", args, flags=flags)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m potok.today")
    parser.add_argument("part", choices=["pools", "threads"])
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--workers", required=True, help="e.g. 2 or 1,2,4")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",")]
    if args.part == "pools":
        timings = pools(args.n, args.tasks, workers[0], args.repeats)
    else:
        timings = threads(args.n, args.tasks, workers, args.repeats)
    json.dump(
        {**machine.describe(), "timings": timings}, sys.stdout, ensure_ascii=False
    )
    return 0


if __name__ == "__main__":
    # Run as ``python -m potok.today``: call main() from the imported module, so
    # that what the pools pickle refers to potok.today, not to __main__.
    from potok.today import main as _main

    raise SystemExit(_main())
