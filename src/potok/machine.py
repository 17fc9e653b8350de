"""The machine and the interpreter a measurement was made on.

Every figure carries a :func:`stamp`: the CPU, how many logical CPUs there are
and how many this process may use, the Python (version; with the GIL or
free-threaded) and the start method of processes. :func:`require` lets an
example say which interpreter it needs. Standard library only, so that child
processes that import ``potok`` pay nothing for matplotlib.
"""

from __future__ import annotations

import functools
import os
import platform
import sys
import sysconfig
from dataclasses import asdict, dataclass

from potok import start_methods
from potok.codec import typed

#: The exit status of an example that :func:`require` skipped (automake's "skip").
SKIP_EXIT_CODE = 77
#: The line :func:`require` prints before it exits; the test matrix reads the reason.
SKIP_MARKER = "potok: skip: "


@functools.cache
def cpu_model() -> str:
    """The CPU's model name as the OS reports it, or the best guess available.

    Linux: ``/proc/cpuinfo``; macOS: ``sysctl machdep.cpu.brand_string``;
    Windows: the registry's ``ProcessorNameString``. Where none of them answers
    (no ``/proc`` in a container, say), what :mod:`platform` knows.
    """
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    name = _macos_cpu() if sys.platform == "darwin" else ""
    name = name or (_windows_cpu() if sys.platform == "win32" else "")
    return name or platform.processor() or platform.machine() or "неизвестный CPU"


def _macos_cpu() -> str:
    import subprocess

    try:
        done = subprocess.run(
            ["sysctl", "-n", "machdep.cpu.brand_string"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return " ".join(done.stdout.split()) if done.returncode == 0 else ""


def _windows_cpu() -> str:
    try:
        import winreg

        key = r"HARDWARE\DESCRIPTION\System\CentralProcessor\0"
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key) as k:
            value, _kind = winreg.QueryValueEx(k, "ProcessorNameString")
    except (ImportError, OSError):
        return ""
    return " ".join(str(value).split())


def usable_cpus() -> int:
    """CPUs this process may run on (``os.process_cpu_count`` from 3.13)."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def free_threaded_build() -> bool:
    """True on a free-threaded (PEP 703, ``python3.14t``) build."""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def gil_enabled() -> bool:
    """Whether the GIL is on in this process right now."""
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else check()


def python_build() -> str:
    """E.g. ``CPython 3.13.0 (с GIL)`` or ``CPython 3.14.0 (free-threaded, ...)``."""
    impl = platform.python_implementation()
    ver = platform.python_version()
    if free_threaded_build():
        state = "GIL выключен" if not gil_enabled() else "GIL включён"
        return f"{impl} {ver} (free-threaded, {state})"
    return f"{impl} {ver} (с GIL)"


@typed
@dataclass(frozen=True)
class Stamp:
    """Which machine and interpreter produced a measurement."""

    cpu: str
    logical_cpus: int
    usable_cpus: int
    python: str
    start_method: str
    system: str

    def __str__(self) -> str:
        return (
            f"{self.cpu}; логических CPU: {self.logical_cpus}, "
            f"доступно процессу: {self.usable_cpus}; {self.python}; "
            f"{self.system}; start method: {self.start_method}"
        )


def stamp() -> Stamp:
    """Collect the stamp every measured figure carries."""
    return Stamp(
        cpu=cpu_model(),
        logical_cpus=os.cpu_count() or 1,
        usable_cpus=usable_cpus(),
        python=python_build(),
        start_method=start_methods.chosen(),
        system=f"{platform.system()} {platform.release()}",
    )


def describe() -> dict:
    """This interpreter as JSON-ready data: what a child interpreter run with
    ``python -m potok.<module>`` sends back with its result. ``gil_enabled``
    is read now: call it after the work (a free-threaded build turns the GIL
    back on when it imports an extension that does not declare support)."""
    return {
        "python": python_build(),
        "free_threaded": free_threaded_build(),
        "gil_enabled": gil_enabled(),
        "stamp": asdict(stamp()),
    }


# --- what an example needs ----------------------------------------------------


def unmet(*, python: str | None = None, free_threaded: bool = False) -> str | None:
    """Why this interpreter cannot run an example, or None when it can.

    ``python="3.14"`` asks for at least that version; ``free_threaded=True`` for
    a free-threaded build (``python3.14t``). The reason is Russian: it is shown
    on the example's page.
    """
    if python is not None:
        wanted = tuple(int(part) for part in python.split("."))
        if sys.version_info[: len(wanted)] < wanted:
            return f"нужен Python {python} или новее, а здесь {python_build()}"
    if free_threaded and not free_threaded_build():
        return (
            f"нужна free-threaded сборка Python (python3.14t), а здесь {python_build()}"
        )
    return None


def require(*, python: str | None = None, free_threaded: bool = False) -> None:
    """Skip the example, with the reason, when this interpreter cannot run it.

    Call it at the top of an example with literal arguments, e.g.
    ``machine.require(python="3.14")``. Run as a script (standalone, the tests,
    the matrix), an unmet requirement prints ``potok: skip: <reason>`` and exits
    with status :data:`SKIP_EXIT_CODE`; the matrix reports it as skipped, never
    as passed. The docs build reads the same call from the source and does not
    execute such an example at all (its page says why), so inside
    sphinx-gallery an unmet requirement is an error.
    """
    reason = unmet(python=python, free_threaded=free_threaded)
    if reason is None:
        return
    if "sphinx_gallery" in sys.modules:
        raise RuntimeError(
            f"machine.require: {reason}; the docs build should not have executed "
            "this example (docs/_ext/potok_sphinx/gallery.py reads require() calls "
            "with literal arguments at the top level of the script)"
        )
    print(f"{SKIP_MARKER}{reason}", flush=True)
    raise SystemExit(SKIP_EXIT_CODE)


# --- OS threads ---------------------------------------------------------------


def os_thread_count() -> int | None:
    """How many threads the OS kernel counts in this process, or None.

    On Linux every thread of a process is a directory in ``/proc/self/task``
    named by its kernel id (the one ``threading.get_native_id()`` returns).
    Other systems have no such file system view; there this returns None.
    """
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


def os_thread_ids() -> set[int] | None:
    """The kernel ids of this process's threads (Linux), or None elsewhere."""
    try:
        return {int(name) for name in os.listdir("/proc/self/task")}
    except OSError:
        return None


def os_thread_name(native_id: int) -> str | None:
    """The name the OS kernel shows for one of this process's threads (Linux).

    Read from ``/proc/self/task/<id>/comm``; None where there is no such file
    (another OS, or the thread has ended). The kernel keeps 15 bytes of a name:
    from 3.14 Python passes its thread names on, and a Cyrillic name may be cut
    in the middle of a character, which is shown as U+FFFD.
    """
    try:
        path = f"/proc/self/task/{native_id}/comm"
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().strip()
    except OSError:
        return None
