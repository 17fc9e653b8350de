"""Other Pythons: which there are, and running a function in one of them.

Which there are
    :func:`available` gives the interpreters an example may measure in. In the
    site's build they were found (or obtained) once, by ``tools/pythons.py``,
    and described in the file ``POTOK_INTERPRETERS`` names; nothing is probed
    again. Without that file (a reader running a downloaded script) it takes
    one quick look at ``PATH`` (``python3.11`` ... ``python3.15t``), and
    ``Survey.missing`` says in a plain sentence what was not found and why.

Running a function there
    :class:`Child` starts another interpreter (``python -m potok.interpreters``)
    that runs functions on request, one after another, and sends back what
    they return::

        with interpreters.Child(python) as child:
            timing = child.call(_work.time_threads, n=100_000)   # a Timing

    The function must live in a module the child can import (a module beside
    the example; never the example itself, which is ``__main__``), and take and
    return what :func:`potok.codec.encode` carries: numbers, strings, lists,
    dicts, and potok's :class:`~potok.measure.Timing`,
    :class:`~potok.measure.Timeline`, :class:`~potok.machine.Stamp`, which come
    back as themselves. A generator function is streamed: :meth:`Child.stream`
    yields each item as the child produces it. The child keeps its modules
    between calls, so a pool a module started stays warm for the next call.
    What the function prints goes to the child's stderr, which is shown only
    if it fails.

Standard library only: a bare interpreter (a free-threaded build without
numpy) runs the child with ``PYTHONPATH`` pointing at potok's folder.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import importlib
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from potok import machine
from potok.codec import decode, encode, typed

#: The file the site's build describes its interpreters in (tools/pythons.py).
DESCRIPTION_ENV = "POTOK_INTERPRETERS"
DESCRIPTION_FORMAT = "potok-interpreters/1"
#: The versions and builds potok supports, in the order figures show them.
SUPPORTED = ("3.11", "3.12", "3.13", "3.14", "3.15")
FREE_THREADED = ("3.13t", "3.14t", "3.15t")
ORDER = ("3.11", "3.12", "3.13", "3.13t", "3.14", "3.14t", "3.15", "3.15t")
#: Where potok itself is (the child imports it from there).
SRC = Path(__file__).resolve().parent.parent


@typed
@dataclass(frozen=True)
class Interpreter:
    """A Python found on this machine, and what it is."""

    key: str  # "3.14" or "3.14t"
    path: str
    version: str  # "3.14.10"
    free_threaded: bool = False
    gil_enabled: bool = True
    interpreter_pool: bool = False  # concurrent.futures.InterpreterPoolExecutor
    provider: str = ""  # where it came from: "PATH", "pyenv", "Debian sid", ...

    @property
    def label(self) -> str:
        build = "free-threaded" if self.free_threaded else "с GIL"
        return f"Python {self.version} ({build})"


@dataclass(frozen=True)
class Survey:
    """The interpreters an example may use, and the supported ones it may not."""

    interpreters: tuple[Interpreter, ...]
    missing: dict[str, str] = field(default_factory=dict)  # key -> why
    source: str = ""  # who looked: the site's build, or a look at PATH

    def get(self, key: str) -> Interpreter | None:
        return next((i for i in self.interpreters if i.key == key), None)

    def newest(self, *, free_threaded: bool) -> Interpreter | None:
        found = [i for i in self.interpreters if i.free_threaded == free_threaded]
        return max(found, key=lambda i: ORDER.index(i.key), default=None)

    def not_measured(self, keys: tuple[str, ...] | list[str] = ORDER) -> str:
        """A sentence for the page: which of ``keys`` were not measured, why."""
        absent = [k for k in keys if k in self.missing]
        if not absent:
            return ""
        reasons: dict[str, list[str]] = {}
        for k in absent:
            # 3.13t is experimental (PEP 779: supported from 3.14t)
            name = f"{k} (экспериментальная)" if k == "3.13t" else k
            reasons.setdefault(self.missing[k], []).append(name)
        parts = [f"{', '.join(ks)} — {why}" for why, ks in reasons.items()]
        return "Не измерено: " + "; ".join(parts) + "."


def key_of(version: str, free_threaded: bool) -> str:
    """``"3.13.0", False`` -> ``"3.13"``; ``"3.13.15", True`` -> ``"3.13t"``."""
    return ".".join(version.split(".")[:2]) + ("t" if free_threaded else "")


def here() -> Interpreter:
    """The interpreter running this code."""
    version = platform.python_version()
    return Interpreter(
        key_of(version, machine.free_threaded_build()),
        sys.executable,
        version,
        machine.free_threaded_build(),
        machine.gil_enabled(),
        hasattr(cf, "InterpreterPoolExecutor"),
        "this process",
    )


# --- which there are -----------------------------------------------------------------

#: What :func:`probe` asks an interpreter to print about itself.
PROBE = """\
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


def probe(path: str, timeout: float = 60) -> dict | None:
    """Run ``path`` once and ask what it is (the dict :data:`PROBE` prints:
    version, build, GIL, interpreter pool, a damaged library); None if it does
    not run. Only the last line of output is read (a chroot's wrapper may print
    before it)."""
    try:
        proc = subprocess.run(
            [path, "-c", PROBE], capture_output=True, text=True, timeout=timeout
        )
        info = json.loads(proc.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    return info if proc.returncode == 0 and isinstance(info, dict) else None


def describe(found: list[Interpreter], missing: dict[str, str], source: str) -> dict:
    """The description the site's build hands to its examples."""
    return {
        "format": DESCRIPTION_FORMAT,
        "source": source,
        "interpreters": [encode(i) for i in found],
        "missing": missing,
    }


def load(path: str | os.PathLike) -> Survey:
    """The interpreters the description in ``path`` names (no probing)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != DESCRIPTION_FORMAT:
            raise ValueError(f"not a {DESCRIPTION_FORMAT} description")
        found = tuple(decode(i) for i in data["interpreters"])
        missing = {str(k): str(v) for k, v in data["missing"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{DESCRIPTION_ENV}={path}: {exc}") from None
    return Survey(found, missing, str(data.get("source", "")))


_SURVEY: list[Survey] = []


def available() -> Survey:
    """This interpreter and every other one this run may measure in (asked
    once per process)."""
    if not _SURVEY:
        given = os.environ.get(DESCRIPTION_ENV, "").strip()
        _SURVEY.append(load(given) if given else look_at_path())
    return _SURVEY[0]


def look_at_path() -> Survey:
    """``python3.11`` ... ``python3.15t`` on PATH, asked side by side."""
    me = here()
    names = {k: f"python{k}" for k in ORDER if k != me.key}
    paths = {k: shutil.which(n) for k, n in names.items()}
    with cf.ThreadPoolExecutor(8) as pool:
        infos = dict(
            zip(
                paths,
                pool.map(lambda p: probe(p, timeout=30) if p else None, paths.values()),
                strict=True,
            )
        )
    found, missing = [me], {}
    for k, info in infos.items():
        if info is None or info.get("broken"):
            missing[k] = "нет на PATH" if paths[k] is None else "не запускается"
            continue
        if key_of(info["version"], info["free_threaded"]) != k:
            missing[k] = f"python{k} на PATH — другая сборка"
            continue
        found.append(
            Interpreter(
                k,
                paths[k],
                info["version"],
                info["free_threaded"],
                info["gil_enabled"],
                info["interpreter_pool"],
                "PATH",
            )
        )
    found.sort(key=lambda i: ORDER.index(i.key) if i.key in ORDER else -1)
    return Survey(tuple(found), missing, "PATH")


# --- running a function in another interpreter ---------------------------------------


class ChildFailed(RuntimeError):
    """The child interpreter could not run the function, or did not answer."""


def _name(fn: Callable) -> str:
    module = getattr(fn, "__module__", None)
    if module in (None, "__main__", "__mp_main__"):
        raise ValueError(
            f"{getattr(fn, '__qualname__', fn)!r} is defined in the script itself: "
            "another interpreter cannot import it. Put it in a module beside the "
            "example and import it from there"
        )
    return f"{module}:{fn.__qualname__}"


def _folders(fn: Callable) -> list[str]:
    """Folders the child needs on sys.path to import ``fn``'s module."""
    module = sys.modules.get(fn.__module__)
    file = getattr(module, "__file__", None)
    if not file:
        return []
    top = fn.__module__.split(".")[0]
    folder = Path(file).resolve().parent
    for _ in fn.__module__.split(".")[1:]:
        folder = folder.parent
    return [str(folder)] if top != "potok" else []


class Child:
    """Another interpreter that runs functions for this one (see the module's
    docstring). ``options`` go before ``-m``: ``["-X", "gil=1"]``."""

    def __init__(
        self,
        python: Interpreter | str,
        *,
        options: tuple[str, ...] | list[str] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.python = python
        path = python.path if isinstance(python, Interpreter) else python
        self.label = python.label if isinstance(python, Interpreter) else path
        full_env = dict(os.environ, **(env or {}))
        full_env["PYTHONPATH"] = os.pathsep.join(
            [str(SRC), *filter(None, [full_env.get("PYTHONPATH")])]
        )
        full_env.setdefault("PYTHONUNBUFFERED", "1")
        self._stderr: list[str] = []
        self._proc = subprocess.Popen(
            [path, *options, "-m", "potok.interpreters"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=full_env,
        )
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        if isinstance(python, Interpreter) and python not in _used:
            _used.append(python)  # the run's record notes it (potok.records)

    def _drain(self) -> None:
        assert self._proc.stderr is not None
        for line in self._proc.stderr:
            self._stderr.append(line)

    def _send(self, request: dict) -> None:
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps(request) + "\n")
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self._failed(request["fn"], "it exited before the call")

    def _answer(self, fn: str) -> dict:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            self._proc.wait()
            self._failed(fn, f"it exited with code {self._proc.returncode}")
        try:
            answer = json.loads(line)
        except ValueError:
            self._failed(fn, f"it answered {line[:200]!r}")
        if "error" in answer:
            self._failed(fn, answer["error"])
        return answer

    def _failed(self, fn: str, why: str):
        self._reader.join(timeout=1)
        err = "".join(self._stderr[-40:]).rstrip()
        raise ChildFailed(
            f"{self.label}: {fn} failed: {why}"
            + (f"\n--- its stderr ---\n{err}" if err else "")
        )

    def call(self, fn: Callable, *args, **kwargs):
        """``fn(*args, **kwargs)`` in the child; what it returns."""
        name = _name(fn)
        request = {"fn": name, "args": encode(list(args)), "kwargs": encode(kwargs)}
        self._send({**request, "path": _folders(fn), "stream": False})
        return decode(self._answer(name)["result"])

    def stream(self, fn: Callable, *args, **kwargs) -> Iterator:
        """Each item the generator ``fn(*args, **kwargs)`` yields in the child,
        as soon as it does."""
        name = _name(fn)
        request = {"fn": name, "args": encode(list(args)), "kwargs": encode(kwargs)}
        self._send({**request, "path": _folders(fn), "stream": True})
        while True:
            answer = self._answer(name)
            if answer.get("end"):
                return
            yield decode(answer["item"])

    def close(self) -> None:
        if self._proc.poll() is None:
            with contextlib.suppress(OSError):
                assert self._proc.stdin is not None
                self._proc.stdin.close()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._reader.join(timeout=5)
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def call(python: Interpreter | str, fn: Callable, *args, **kwargs):
    """``fn(*args, **kwargs)`` in a fresh child of ``python``."""
    with Child(python) as child:
        return child.call(fn, *args, **kwargs)


# --- the child's side ---------------------------------------------------------------


def _local(folder: str) -> str:
    """A folder of the host as this interpreter sees it: inside the Debian sid
    chroot the repository is /repo (tools/sid-python.sh sets POTOK_HOST_REPO)."""
    host = os.environ.get("POTOK_HOST_REPO", "")
    if host and (folder == host or folder.startswith(host + os.sep)):
        return "/repo" + folder[len(host) :]
    return folder


_used: list[Interpreter] = []
_serving: list[bool] = []


def used() -> list[Interpreter]:
    """The other interpreters this run has started a :class:`Child` in."""
    return list(_used)


def serving() -> bool:
    """Whether this process is a child that serves calls (:func:`serve`)."""
    return bool(_serving)


def forget() -> None:
    """A new run begins in this process: forget the interpreters of the last."""
    _used.clear()


def serve() -> int:
    """The child: answer each request line on stdin with JSON lines on the
    original stdout; what the called functions print goes to stderr."""
    _serving.append(True)  # the example's record is the parent's
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr

    def send(message: dict) -> None:
        answers.write(json.dumps(message, ensure_ascii=False) + "\n")
        answers.flush()

    for line in sys.stdin:
        try:
            request = json.loads(line)
            for folder in request.get("path", []):
                if (local := _local(folder)) not in sys.path:
                    sys.path.insert(0, local)
            module, _, qualname = request["fn"].partition(":")
            target = importlib.import_module(module)
            for part in qualname.split("."):
                target = getattr(target, part)
            args, kwargs = decode(request["args"]), decode(request["kwargs"])
            if request.get("stream"):
                for item in target(*args, **kwargs):
                    send({"item": encode(item)})
                send({"end": True})
            else:
                send({"result": encode(target(*args, **kwargs))})
        except Exception:
            send({"error": traceback.format_exc()})
    return 0


if __name__ == "__main__":
    # Run as ``python -m potok.interpreters``: serve from the imported module,
    # so that the types the codec knows are potok's, not __main__'s.
    from potok.interpreters import serve as _serve

    sys.exit(_serve())
