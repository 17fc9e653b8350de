"""The same measurements on every interpreter found, each run *in* that interpreter.

Used by ``examples/08_today/plot_across_versions.py`` and by the free-threaded
twins in ``examples/04_gil``. Like :mod:`potok.today`, every measurement runs in
a child process of the interpreter it describes, ``python -m potok.versions
<part> ...``, and comes back as JSON on the child's stdout. Standard library
only, so that a bare interpreter (a free-threaded build without numpy) can run
it with ``PYTHONPATH`` pointing at ``src``.

Parts:

``serve``
    the CPU-bound work of :func:`potok.workloads.cpu_bound`, sequentially, in a
    thread pool and in a process pool of ``--workers``. The child starts its
    pools, warms them up, prints one JSON line ``{"ready": ...}`` and then
    answers each line ``round`` on stdin with one JSON line: one sample of each
    variant, in turn. ``done`` ends it with a last line (the stamp and whether
    the GIL was on). :func:`measure_all` starts every interpreter's child at
    once (their start-up, a few seconds for a chroot, overlaps), waits until
    all are ready, and then asks them for rounds one child at a time, round
    after round: the interpreters and the variants are interleaved, and only
    one child measures at any moment.
``timeline``
    two threads that count and record timestamps (the GIL timeline example).
``races``
    the lost updates of :mod:`potok.races`, for each switch interval.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field

from potok import machine, measure, races, start_methods, today, workloads

#: The CPython versions the site supports, and the free-threaded builds.
SUPPORTED = ("3.11", "3.12", "3.13", "3.14", "3.15")
FREE_THREADED = ("3.13t", "3.14t", "3.15t")
#: Both, in the order of the figure: each free-threaded build after its twin.
ORDER = ("3.11", "3.12", "3.13", "3.13t", "3.14", "3.14t", "3.15", "3.15t")
VARIANTS = ("sequential", "threads", "processes")
HOW_TO_GET = (
    "`nox -s pythons` находит или добывает каждую поддерживаемую версию и "
    "печатает, откуда она взята; сборка сайта (`nox -s docs`) передаёт их "
    "примерам в POTOK_EXTRA_PYTHONS, а вручную можно указать пути в этой "
    "переменной самим"
)


# --- which interpreters ------------------------------------------------------------


def key(version: str, free_threaded: bool) -> str:
    """``"3.13.0", False`` → ``"3.13"``; ``"3.13.15", True`` → ``"3.13t"``."""
    minor = ".".join(version.split(".")[:2])
    return minor + ("t" if free_threaded else "")


def pick(found: list[dict]) -> tuple[list[dict], list[str], list[dict]]:
    """From what each interpreter said about itself (``version``,
    ``free_threaded``): one per supported version and build, in the order of
    :data:`ORDER` (the first found wins); the
    keys of those missing; and the rest (duplicates, unsupported versions)."""
    by_key: dict[str, dict] = {}
    rest = []
    for info in found:
        k = key(info["version"], info["free_threaded"])
        if k in by_key or k not in ORDER:
            rest.append(info)
        else:
            by_key[k] = info
    chosen = [by_key[k] for k in ORDER if k in by_key]
    missing = [k for k in ORDER if k not in by_key]
    return chosen, missing, rest


def candidates() -> list[str]:
    """This interpreter, then :func:`potok.today.candidates`, each once.

    Two paths are the same interpreter when they resolve to the same file *and*
    have the same name: ``tools/sid-python3.15`` is a link to
    ``tools/sid-python3.14``, a wrapper that picks the version by the name it
    was called by."""

    def ident(path: str) -> tuple[str, str]:
        return os.path.realpath(path), os.path.basename(path)

    found, seen = [sys.executable], {ident(sys.executable)}
    for path in today.candidates():
        if ident(path) not in seen:
            seen.add(ident(path))
            found.append(path)
    return found


# --- the CPU-bound work, in the child ------------------------------------------------


def _run(executor: cf.Executor, n: int, tasks: int) -> None:
    list(executor.map(workloads.cpu_bound, [n] * tasks))


def one_round(
    n: int, tasks: int, thread_pool: cf.Executor, process_pool: cf.Executor
) -> dict[str, float]:
    """One sample of each variant, in the order of :data:`VARIANTS`: wall time
    in seconds, and for the first two the CPU time of this process divided by
    the wall time (how many cores the threads really kept busy)."""
    out: dict[str, float] = {}

    def timed(name: str, fn) -> None:
        cpu, start = time.process_time(), time.perf_counter()
        fn()
        wall = time.perf_counter() - start
        out[name] = wall
        out[f"{name}_cores"] = (time.process_time() - cpu) / wall

    timed("sequential", lambda: [workloads.cpu_bound(n) for _ in range(tasks)])
    timed("threads", lambda: _run(thread_pool, n, tasks))
    timed("processes", lambda: _run(process_pool, n, tasks))
    del out["processes_cores"]  # the workers' CPU time is not this process's
    return out


def about() -> dict:
    """What the child says about itself (sent with ``ready`` and ``done``)."""
    return {
        "version": platform.python_version(),
        "free_threaded": machine.free_threaded_build(),
        "gil_enabled": machine.gil_enabled(),
        "python": machine.python_build(),
    }


def _say(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def serve(n: int, workers: int, commands=None) -> None:
    """The child's side of :func:`measure_all` (see the module docstring)."""
    commands = sys.stdin if commands is None else commands
    ctx = start_methods.mp_context()
    with cf.ProcessPoolExecutor(workers, mp_context=ctx) as processes:
        # the workers first, while this process has one thread (fork copies
        # only the calling thread; with others running it may deadlock)
        _run(processes, 1, workers)
        with cf.ThreadPoolExecutor(workers) as threads:
            _serve_rounds(n, workers, threads, processes, commands)
    _say({"done": True, **about(), "stamp": asdict(machine.stamp())})


def _serve_rounds(n, workers, threads, processes, commands) -> None:
    one_round(n, workers, threads, processes)  # warm-up
    _say({"ready": True, **about()})
    for line in commands:
        command = line.strip()
        if command == "round":
            _say({"round": one_round(n, workers, threads, processes)})
        elif command == "done":
            return
        else:
            _say({"error": f"unknown command {command!r}"})
            raise SystemExit(2)


# --- the parent's side ----------------------------------------------------------------


@dataclass
class Run:
    """What one interpreter measured: samples per variant, and its own words."""

    path: str
    version: str
    free_threaded: bool
    gil_enabled: bool  # in the child, after the measurements
    python: str  # machine.python_build() in the child
    stamp: dict
    samples: dict[str, list[float]] = field(default_factory=dict)

    def timing(self, variant: str) -> measure.Timing:
        return measure.Timing(tuple(self.samples[variant]))

    def speedup(self, variant: str) -> float:
        """Median sequential time over the variant's median time."""
        return self.timing("sequential").median / self.timing(variant).median

    def cores(self, variant: str) -> float:
        return statistics.median(self.samples[f"{variant}_cores"])

    @property
    def key(self) -> str:
        return key(self.version, self.free_threaded)

    @property
    def label(self) -> str:
        """``3.12.1 (с GIL)``, ``3.13.15t (GIL выключен)``: the version and build,
        and for a free-threaded build whether the GIL really was off."""
        if not self.free_threaded:
            return f"{self.version} (с GIL)"
        state = "GIL включён" if self.gil_enabled else "GIL выключен"
        return f"{self.version}t ({state})"

    @property
    def gil_off(self) -> bool:
        return self.free_threaded and not self.gil_enabled


def child_env(start_method: str | None = None) -> dict[str, str]:
    """The environment of a child: ``src`` on PYTHONPATH; the matrix's
    start-method file left out (the parent asks for the method itself, and a
    chroot's child could not write to that path); ``start_method``, if given,
    for every child alike (3.14 changed the default on Linux)."""
    env = dict(os.environ)
    if start_method is not None:
        env[start_methods.START_METHOD_ENV] = start_method
    env["PYTHONPATH"] = os.pathsep.join(
        [str(today.SRC), *filter(None, [env.get("PYTHONPATH")])]
    )
    return env


def command(python: str, part: str, *args: object) -> list[str]:
    return [python, "-m", "potok.versions", part, *map(str, args)]


class Child:
    """One interpreter's ``serve`` child, talked to line by line."""

    def __init__(self, python: str, n: int, workers: int):
        self.python = python
        self.cmd = command(python, "serve", "--n", n, "--workers", workers)
        self.stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed by close())
        self.proc = subprocess.Popen(
            self.cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            env=child_env(start_methods.start_method()),
        )

    def ask(self, line: str | None, expect: str) -> dict:
        """Send ``line`` (if any) and return the first JSON reply that holds
        ``expect``; lines that are not JSON (a wrapper's chatter) are skipped."""
        if line is not None:
            try:
                self.proc.stdin.write(line + "\n")
                self.proc.stdin.flush()
            except OSError:
                pass  # the child has gone: readline() below says so
        skipped = []
        while reply := self.proc.stdout.readline():
            try:
                data = json.loads(reply)
            except ValueError:
                skipped.append(reply)
                continue
            if isinstance(data, dict) and expect in data:
                return data
            skipped.append(reply)
            break
        stderr = self.close()
        raise today.OtherInterpreterFailed(
            f"{' '.join(self.cmd)}: no {expect!r} reply (exit code "
            f"{self.proc.returncode}); stdout: {''.join(skipped)[-500:]!r}; "
            f"stderr:\n{stderr[-2000:]}"
        )

    def close(self) -> str:
        """End the child (it exits when its stdin closes); its stderr."""
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.stderr.closed:
            return ""
        self.stderr.seek(0)
        text = self.stderr.read()
        self.stderr.close()
        return text


@dataclass
class Survey:
    """What :func:`measure_all` found: the runs (one per supported version and
    build), the keys of those missing, interpreters left out (path → why) and
    interpreters that failed (path → the error)."""

    runs: list[Run]
    missing: list[str]
    left_out: dict[str, str]
    failed: dict[str, str]


def measure_all(pythons: list[str], *, n: int, workers: int, repeats: int) -> Survey:
    """Start a ``serve`` child in every interpreter of ``pythons`` at once, keep
    one per supported version and build, and measure ``repeats`` rounds.

    Each interpreter is started once: its ``ready`` line says what it is, so
    there is no separate probe.
    """
    failed: dict[str, str] = {}
    children = [Child(p, n, workers) for p in pythons]
    ready: dict[int, Child] = {}  # by position: the same path may come twice
    infos = []
    for i, child in enumerate(children):  # all start at once; wait for each
        try:
            info = child.ask(None, "ready")
        except today.OtherInterpreterFailed as e:
            failed[child.python] = str(e)
            continue
        ready[i] = child
        infos.append({**info, "index": i})
    chosen, missing, rest = pick(infos)
    left_out = {}
    for info in rest:
        k = key(info["version"], info["free_threaded"])
        left_out[children[info["index"]].python] = (
            f"Python {k}: эта версия уже измерена другим интерпретатором"
            if k in ORDER
            else f"Python {k} сайт не поддерживает"
        )
        ready.pop(info["index"]).close()
    order = [info["index"] for info in chosen]
    samples: dict[int, dict[str, list[float]]] = {i: {} for i in order}
    for _ in range(repeats):  # round after round, one child at a time
        for i in order:
            if i not in ready:
                continue
            try:
                got = ready[i].ask("round", "round")["round"]
            except today.OtherInterpreterFailed as e:
                failed[children[i].python] = str(e)
                del ready[i]
                continue
            for name, value in got.items():
                samples[i].setdefault(name, []).append(value)
    runs = []
    for i in order:
        if i not in ready:
            continue
        try:
            done = ready[i].ask("done", "done")
        except today.OtherInterpreterFailed as e:
            failed[children[i].python] = str(e)
            continue
        ready[i].close()
        runs.append(
            Run(
                children[i].python,
                done["version"],
                done["free_threaded"],
                done["gil_enabled"],
                done["python"],
                done["stamp"],
                samples[i],
            )
        )
    return Survey(runs, missing, left_out, failed)


def probe_all(paths: list[str]) -> list[today.Interpreter]:
    """:func:`potok.today.probe` for every path at once (a chroot's interpreter
    takes seconds to start); those that run, in the order given."""
    if not paths:
        return []
    with cf.ThreadPoolExecutor(len(paths)) as pool:
        found = list(pool.map(today.probe, paths))
    return [i for i in found if i is not None]


def free_threaded() -> today.Interpreter | None:
    """The first free-threaded interpreter among :func:`candidates`, or None.

    Names that end in ``t`` (``python3.13t``) are asked first; only when none of
    them is free-threaded are the others started."""
    paths = candidates()
    first = [p for p in paths if os.path.basename(p).endswith("t")]
    for group in (first, [p for p in paths if p not in first]):
        found = [i for i in probe_all(group) if i.free_threaded]
        if found:
            return found[0]
    return None


# --- what the figure across versions claims ---------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The arguments of :func:`potok.claims.check` for one claim."""

    text: str
    confirmed: bool
    evidence: str
    reason_if_not: str


def _busy(cpus: int) -> str:
    if cpus < 2:
        return (
            "процессу доступен один логический процессор: параллельно работать нечему"
        )
    return "машину делили с другими программами, и ядра были заняты чужой работой"


def judge(runs: list[Run], cpus: int, *, enough: float = 1.3) -> list[Verdict]:
    """The claims of the figure across versions, judged on ``runs``.

    ``enough`` is the speedup that counts as "faster" on a noisy machine.
    """
    verdicts = []
    gil = [r for r in runs if r.gil_enabled]
    if gil:
        verdicts.append(
            Verdict(
                "на сборках с GIL два потока не ускоряют вычисления на чистом Python",
                all(r.speedup("threads") < enough for r in gil),
                "; ".join(f"{r.label}: ×{r.speedup('threads'):.2f}" for r in gil),
                "замер шумный: машину делили с другими программами",
            )
        )
    for r in (r for r in runs if r.gil_off):
        verdicts.append(
            Verdict(
                f"на {r.label} два потока быстрее одного",
                r.speedup("threads") >= enough,
                f"ускорение ×{r.speedup('threads'):.2f}, "
                f"занято ядер потоками ×{r.cores('threads'):.2f}",
                _busy(cpus),
            )
        )
    if runs:
        verdicts.append(
            Verdict(
                "процессы ускоряют ту же работу на каждом интерпретаторе",
                all(r.speedup("processes") >= enough for r in runs),
                "; ".join(f"{r.label}: ×{r.speedup('processes'):.2f}" for r in runs),
                _busy(cpus),
            )
        )
    for r in (r for r in runs if r.free_threaded):
        twin = next(
            (g for g in runs if not g.free_threaded and g.key + "t" == r.key), None
        )
        if twin is None:
            continue
        ratio = r.timing("sequential").median / twin.timing("sequential").median
        verdicts.append(
            Verdict(
                f"в одном потоке free-threaded {twin.key} медленнее {twin.key} с GIL",
                ratio > 1.05,
                f"{r.label}: {r.timing('sequential')}; {twin.label}: "
                f"{twin.timing('sequential')}; отношение ×{ratio:.2f}",
                "разница меньше шума замера: машину делили с другими программами",
            )
        )
    return verdicts


# --- the GIL timeline and the lost updates, in the child --------------------------

counter = 0


def count(n: int, ticks: list[float] | None = None, every: int = 1000) -> None:
    """The loop of the GIL timeline example: ``counter += 1``, ``n`` times,
    recording the time every ``every`` iterations."""
    global counter
    for i in range(n):
        counter += 1
        if ticks is not None and i % every == 0:
            ticks.append(time.perf_counter())


def timeline(n: int, every: int) -> dict:
    """Two threads run :func:`count`; their ticks, relative to the start, and
    how many cores they kept busy (CPU time of the process / wall time)."""
    global counter
    counter = 0
    tl = measure.Timeline()
    pool = [
        threading.Thread(target=count, args=(n, tl.track(name), every))
        for name in ("поток A", "поток B")
    ]
    cpu, start = time.process_time(), time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    cores = (time.process_time() - cpu) / (time.perf_counter() - start)
    return {
        "ticks": {k: [t - tl.origin for t in v] for k, v in tl.ticks.items()},
        "cores": cores,
        "counter": counter,
        "expected": 2 * n,
    }


def timeline_from(ticks: dict[str, list[float]]) -> measure.Timeline:
    """A :class:`potok.measure.Timeline` again, from :func:`timeline`'s ticks."""
    return measure.Timeline(origin=0.0, ticks={k: list(v) for k, v in ticks.items()})


def overlap(spans: dict[str, list[tuple[float, float]]]) -> float:
    """How much of the shorter busy time of two threads the other one was busy
    too: 0 — they never ran at the same time, 1 — always together."""
    a, b = (sorted(v) for v in spans.values())
    both = sum(max(0.0, min(a1, b1) - max(a0, b0)) for a0, a1 in a for b0, b1 in b)
    busy = min(sum(y - x for x, y in a), sum(y - x for x, y in b))
    return both / busy if busy > 0 else 0.0


def lost(n: int, runs: int, intervals: list[float]) -> dict[str, dict[str, list[int]]]:
    """``runs`` runs of :func:`potok.races.lost_updates` for each kind and
    switch interval (keys: the interval in seconds, as text)."""
    result: dict[str, dict[str, list[int]]] = {kind: {} for kind in races.KINDS}
    default = sys.getswitchinterval()
    try:
        for interval in intervals:
            sys.setswitchinterval(interval)
            for kind in races.KINDS:
                result[kind][repr(interval)] = [
                    races.lost_updates(kind, n) for _ in range(runs)
                ]
    finally:
        sys.setswitchinterval(default)
    return result


def run_part(python: str, part: str, *args: object, timeout: float = 600) -> dict:
    """Run ``python -m potok.versions part args...`` once; its JSON."""
    cmd = command(python, part, *args)
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=child_env(), timeout=timeout
    )
    if proc.returncode != 0:
        raise today.OtherInterpreterFailed(
            f"{' '.join(cmd)} exited with code {proc.returncode}:\n{proc.stderr}"
        )
    return json.loads(proc.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m potok.versions")
    sub = parser.add_subparsers(dest="part", required=True)
    p = sub.add_parser("serve")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--workers", type=int, required=True)
    p = sub.add_parser("timeline")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--every", type=int, required=True)
    p = sub.add_parser("races")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--runs", type=int, required=True)
    p.add_argument("--intervals", required=True, help="seconds, e.g. 1e-4,0.005")
    args = parser.parse_args(argv)
    if args.part == "serve":
        serve(args.n, args.workers)
        return 0
    if args.part == "timeline":
        out = timeline(args.n, args.every)
    else:
        intervals = [float(x) for x in args.intervals.split(",")]
        out = {"lost": lost(args.n, args.runs, intervals)}
    out.update(about(), stamp=asdict(machine.stamp()))
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    # Run as ``python -m potok.versions``: call main() from the imported module,
    # so that what the process pool pickles refers to potok.versions.
    from potok.versions import main as _main

    raise SystemExit(_main())
