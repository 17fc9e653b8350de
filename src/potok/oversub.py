"""Oversubscription: NumPy's BLAS threads multiplied by our own threads or processes.

Used by ``examples/13_oversubscription``. A matrix product in NumPy runs in
OpenBLAS (or MKL, BLIS), which starts its own thread pool: by default one
thread per logical CPU. Run several such products at once — in our threads or
processes — and the machine has more runnable threads than CPUs.

How many threads BLAS starts is read once, when the library loads (when numpy
is first imported), from ``OMP_NUM_THREADS`` / ``OPENBLAS_NUM_THREADS`` /
``MKL_NUM_THREADS``. So a limit has to be in the environment *before* numpy is
imported. This module therefore measures in a separate interpreter::

    python -m potok.oversub --blas 1 --start-method spawn ...

started with the environment it asks for (:func:`blas_env`), which reads
commands on stdin and answers one JSON line per command (:class:`Runner`).
numpy is imported only inside functions, after the environment is in place;
child processes of the pool inherit it (fork copies the already-configured
library; spawn and forkserver children import numpy afresh with the same
environment).

Without a limit in the environment, threadpoolctl's ``threadpool_limits``
changes the thread count of an already loaded library; it is used to read the
thread count when it is installed, otherwise the count is read from OpenBLAS
itself through :mod:`ctypes` (Linux, see :func:`blas_threads`).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import ctypes
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from potok import machine, start_methods

#: The variables BLAS libraries read for their thread count.
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
SRC = Path(__file__).resolve().parent.parent  # the folder that holds potok/
_GETTERS = (
    "scipy_openblas_get_num_threads64_",  # numpy >= 2 wheels (scipy-openblas64)
    "scipy_openblas_get_num_threads",
    "openblas_get_num_threads64_",
    "openblas_get_num_threads",
)


def blas_env(blas: int | None, base: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of ``base`` (default: this environment) with BLAS limited to ``blas``
    threads, or with every such limit removed when ``blas`` is None (the
    library's default: one thread per logical CPU). Other variables, such as
    ``OPENBLAS_CORETYPE``, are left as they are."""
    env = dict(os.environ if base is None else base)
    for name in THREAD_VARS:
        env.pop(name, None)
        if blas is not None:
            env[name] = str(blas)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(SRC), *filter(None, [env.get("PYTHONPATH")])]
    )
    return env


def blas_threads() -> dict[str, object]:
    """How many threads the loaded BLAS will use, and how that was found.

    threadpoolctl's ``threadpool_info()`` when it is installed; otherwise the
    OpenBLAS library mapped into this process (``/proc/self/maps``) is asked
    through :mod:`ctypes`. ``threads`` is None where neither works.
    """
    import numpy  # noqa: F401  (loads BLAS)

    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        pass
    else:
        blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if blas:
            return {
                "threads": blas[0]["num_threads"],
                "library": blas[0].get("internal_api", "?"),
                "how": "threadpoolctl.threadpool_info()",
            }
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            paths = sorted(
                {ln.split()[-1] for ln in f if "openblas" in ln.lower() and "/" in ln}
            )
    except OSError:
        paths = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _GETTERS:
            getter = getattr(lib, name, None)
            if getter is not None:
                return {
                    "threads": int(getter()),
                    "library": f"OpenBLAS ({Path(path).name})",
                    "how": f"ctypes: {name}()",
                }
    return {"threads": None, "library": "?", "how": "не удалось узнать"}


def matmuls(n: int, count: int) -> dict[str, object]:
    """``count`` products of two ``n``×``n`` matrices; returns a checksum and the
    BLAS thread count seen by the process that did the work."""
    import numpy as np

    rng = np.random.default_rng(n)
    a = rng.random((n, n))
    b = rng.random((n, n))
    total = 0.0
    for _ in range(count):
        total += float((a @ b)[0, 0])
    return {"checksum": total, "pid": os.getpid(), **blas_threads()}


def stream(n: int, count: int, tasks: int) -> list[dict[str, object]]:
    """One worker's share: ``tasks`` calls of :func:`matmuls`, one after another."""
    return [matmuls(n, count) for _ in range(tasks)]


class Runner:
    """A thread pool and a process pool, started and warmed up once.

    A round runs the same ``tasks`` matrix products with 1, 2, ... workers
    busy at once: the tasks are split into that many streams, one per worker,
    so a pool of the largest size serves every count. ``kinds`` are
    ``"threads"`` (our threads; numpy releases the GIL inside the product) and
    ``"processes"`` (a process pool with ``start_method``).
    """

    def __init__(self, workers: list[int], start_method: str, kinds: list[str]):
        self.workers = workers
        self.pools: dict[str, cf.Executor] = {}
        for kind in kinds:
            if kind == "threads":
                self.pools[kind] = cf.ThreadPoolExecutor(max(workers))
            elif kind == "processes":
                self.pools[kind] = cf.ProcessPoolExecutor(
                    max(workers), mp_context=start_methods.mp_context(start_method)
                )
            else:
                raise ValueError(f"unknown kind {kind!r}")

    def round(self, n: int, count: int, tasks: int) -> dict[str, object]:
        """One timed batch of ``tasks`` products per pool and worker count."""
        seconds: dict[str, float] = {}
        seen: dict[str, list] = {}
        for kind, pool in self.pools.items():
            for w in self.workers:
                shares = [tasks // w + (i < tasks % w) for i in range(w)]
                start = time.perf_counter()
                done = list(pool.map(stream, [n] * w, [count] * w, shares))
                seconds[f"{kind}:{w}"] = time.perf_counter() - start
                threads = {o["threads"] for part in done for o in part}
                seen[f"{kind}:{w}"] = sorted(threads, key=str)
        return {"seconds": seconds, "blas_threads_seen": seen}

    def close(self) -> None:
        for pool in self.pools.values():
            pool.shutdown()


class Measurer:
    """The parent's side: one ``python -m potok.oversub`` per BLAS setting.

    Each child interpreter is started with :func:`blas_env`, builds its pools
    and waits; :meth:`round` asks it for one timed round. The example calls the
    children in turns (A B A B ...), so a busy moment hits both settings.
    """

    def __init__(
        self,
        blas: int | None,
        *,
        workers: list[int],
        start_method: str,
        kinds: list[str],
        n: int,
        count: int,
        tasks: int,
        python: str = sys.executable,
    ):
        cmd = [python, "-m", "potok.oversub", "--start-method", start_method]
        cmd += ["--workers", ",".join(map(str, workers)), "--kinds", ",".join(kinds)]
        cmd += ["--n", str(n), "--count", str(count), "--tasks", str(tasks)]
        env = blas_env(blas)
        env[start_methods.START_METHOD_ENV] = start_method  # the children's stamp
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._info: dict | None = None

    @property
    def info(self) -> dict:
        """What the child reports once its pools are warm: its environment, the
        BLAS thread count it sees and its machine stamp (waits for it)."""
        if self._info is None:
            self._info = self._answer()
        return self._info

    def _answer(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read()
            raise RuntimeError(f"python -m potok.oversub failed:\n{err}")
        return json.loads(line)

    def round(self) -> dict:
        """One timed round in the child: ``{"seconds": {"threads:2": ...}, ...}``."""
        self.info  # noqa: B018  (the child is ready)
        self.proc.stdin.write("round\n")
        self.proc.stdin.flush()
        return self._answer()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=60)
        for stream_ in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            stream_.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m potok.oversub")
    parser.add_argument("--start-method", required=True)
    parser.add_argument("--workers", required=True, help="e.g. 1,2,4")
    parser.add_argument("--kinds", default="threads,processes")
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--tasks", type=int, required=True)
    args = parser.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",")]
    runner = Runner(workers, args.start_method, args.kinds.split(","))
    try:
        # warm-up: start every worker, import numpy there, start BLAS's threads
        runner.round(args.n, 1, max(workers))
        info = {
            "env": {v: os.environ.get(v) for v in THREAD_VARS},
            "here": blas_threads(),
            "stamp": asdict(machine.stamp()),
        }
        print(json.dumps(info, ensure_ascii=False), flush=True)
        for line in sys.stdin:
            if line.strip() != "round":
                break
            out = runner.round(args.n, args.count, args.tasks)
            print(json.dumps(out, ensure_ascii=False), flush=True)
    finally:
        runner.close()
    return 0


if __name__ == "__main__":
    # Run as ``python -m potok.oversub``: call main() from the imported module, so
    # that what the pools pickle refers to potok.oversub, not to __main__.
    from potok.oversub import main as _main

    raise SystemExit(_main())
