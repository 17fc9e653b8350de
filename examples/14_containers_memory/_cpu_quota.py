"""Квота процессора (CFS) для дочернего процесса: группа cgroup, вход в неё, пул.

Группу создаёт и удаляет пример (:func:`make_group`, :func:`remove_group`), а
входит в неё сам дочерний интерпретатор (:func:`enter`, через
``potok.interpreters.Child``): процесс, который запустил пример, остаётся там,
где был. Всё, что дочерний процесс запустит потом (процессы пула), рождается
уже в группе и подчиняется той же квоте. Поэтому этот модуль лежит рядом с
примером: его импортирует и дочерний интерпретатор.
"""

import concurrent.futures as cf
import ctypes
import errno
import os
import sys
import time
from pathlib import Path

from potok import start_methods, workloads

#: Период CFS, как у Docker и Kubernetes: 100 мс. Квота — микросекунды
#: процессорного времени на всю группу за каждый период.
PERIOD_US = 100_000


class NoQuota(Exception):
    """Группу с квотой здесь не создать; текст исключения — почему."""


def mounts(kind: str) -> list[tuple[Path, set[str]]]:
    """Где смонтированы файловые системы ``kind`` (cgroup2 или cgroup), с опциями."""
    try:
        with open("/proc/self/mounts", encoding="utf-8") as f:
            rows = [line.split() for line in f]
    except OSError:
        return []
    return [(Path(r[1]), set(r[3].split(","))) for r in rows if r[2] == kind]


def make_group(cpus: float, name: str) -> dict:
    """Группа с квотой ``cpus`` процессоров: сначала cgroup v2 (``cpu.max``),
    иначе v1 (``cpu.cfs_quota_us``). Если нельзя — :class:`NoQuota`."""
    if not sys.platform.startswith("linux"):
        raise NoQuota(f"cgroups есть только в Linux, а здесь {sys.platform}")
    quota, why = round(cpus * PERIOD_US), []
    if not mounts("cgroup2"):
        why.append("cgroup v2 не смонтирована")
    for root, _ in mounts("cgroup2"):  # v2: одна иерархия на все контроллеры
        if "cpu" not in (root / "cgroup.controllers").read_text().split():
            why.append(f"в cgroup v2 ({root}) нет контроллера cpu")
        elif "cpu" not in (root / "cgroup.subtree_control").read_text().split():
            why.append(f"в cgroup v2 ({root}) cpu не включён для дочерних групп")
        else:
            path = mkdir(root / name)
            configure(path, {"cpu.max": f"{quota} {PERIOD_US}"})
            return {
                "path": str(path),
                "how": f"cgroup v2: cpu.max = {quota} {PERIOD_US}",
            }
    for root, options in mounts("cgroup"):  # v1: у контроллера cpu своя иерархия
        if "cpu" in options:
            path = mkdir(root / name)
            configure(path, {"cpu.cfs_period_us": PERIOD_US, "cpu.cfs_quota_us": quota})
            how = (
                f"cgroup v1: cpu.cfs_quota_us = {quota}, "
                f"cpu.cfs_period_us = {PERIOD_US}"
            )
            return {"path": str(path), "how": how}
    raise NoQuota("; ".join([*why, "иерархии cgroup v1 с контроллером cpu нет"]))


def mkdir(path: Path) -> Path:
    try:
        path.mkdir()
    except PermissionError:
        raise NoQuota(f"создать группу в {path.parent} может только root") from None
    except OSError as exc:
        if exc.errno != errno.EROFS:
            raise
        raise NoQuota(f"{path.parent} смонтирована только для чтения") from None
    return path


def configure(path: Path, files: dict) -> None:
    """Записать настройки группы; если ядро не приняло — убрать группу."""
    try:
        for name, value in files.items():
            (path / name).write_text(str(value))
    except OSError as exc:
        path.rmdir()
        raise NoQuota(f"ядро не приняло настройку группы {path}: {exc}") from None


def remove_group(group: dict) -> None:
    """Удалить группу. Пока в ней есть процессы, ядро не даёт (EBUSY): ждём до
    5 с, потом переносим оставшиеся процессы в родительскую группу."""
    path, deadline = Path(group["path"]), time.monotonic() + 5
    while True:
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError as exc:
            if exc.errno != errno.EBUSY:
                raise
        if time.monotonic() > deadline:
            for pid in (path / "cgroup.procs").read_text().split():
                (path.parent / "cgroup.procs").write_text(pid)
        time.sleep(0.05)


def throttling(group: dict) -> dict:
    """Счётчики CFS группы (``cpu.stat``): сколько прошло периодов, в скольких
    группу остановили до конца периода и на сколько секунд всего."""
    stat = {}
    for line in (Path(group["path"]) / "cpu.stat").read_text().splitlines():
        key, value = line.split()
        stat[key] = int(value)
    # v2 считает в микросекундах (throttled_usec), v1 — в наносекундах
    seconds = stat.get("throttled_usec", 0) / 1e6 + stat.get("throttled_time", 0) / 1e9
    return {
        "periods": stat["nr_periods"],
        "throttled": stat["nr_throttled"],
        "s": seconds,
    }


# --- это выполняет дочерний интерпретатор --------------------------------------------


def enter(group_path: str) -> None:
    """Перенести этот процесс в группу: записать его pid в ``cgroup.procs``."""
    with open(os.path.join(group_path, "cgroup.procs"), "w") as f:
        f.write(str(os.getpid()))


def pin(cpus: int) -> None:
    """Разрешить процессу только ``cpus`` логических процессоров (как ``taskset``)."""
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:cpus])


def blas_threads() -> int | None:
    """Сколько потоков взяла OpenBLAS из NumPy (None — нет NumPy или не OpenBLAS)."""
    try:
        import numpy  # noqa: F401  (загружает OpenBLAS)

        with open("/proc/self/maps", encoding="utf-8") as f:
            libs = {
                ln.split()[-1] for ln in f if "openblas" in ln.lower() and "/" in ln
            }
    except (ImportError, OSError):
        return None
    for lib in map(ctypes.CDLL, sorted(libs)):
        for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads"):
            if (getter := getattr(lib, name, None)) is not None:
                return getter()
    return None


def what_python_sees() -> dict:
    """Что этот процесс знает о своих процессорах."""
    return {
        "cpu_count": os.cpu_count(),
        # до 3.13 process_cpu_count нет; то же число даёт sched_getaffinity
        "usable": os.process_cpu_count()
        if hasattr(os, "process_cpu_count")
        else len(os.sched_getaffinity(0)),
        "blas": blas_threads(),
    }


pools: list[cf.ProcessPoolExecutor] = []


def task(n: int) -> tuple[float, float, int]:
    """Задача пула — ``cpu_bound(n)``: сколько она шла по часам, сколько
    процессорного времени заняла (секунды) и в каком процессе."""
    wall, cpu = time.perf_counter(), time.thread_time()
    workloads.cpu_bound(n)
    return time.perf_counter() - wall, time.thread_time() - cpu, os.getpid()


def start_pool(workers: int | None, tasks: int) -> None:
    """Пул процессов; ``workers=None`` — размер по умолчанию, то есть
    ``os.process_cpu_count()`` (до 3.13 — ``os.cpu_count()``). Прогрев: каждый
    исполнитель запущен и уже поработал."""
    pools.append(cf.ProcessPoolExecutor(workers, mp_context=start_methods.mp_context()))
    batch(tasks, 100_000)


def batch(tasks: int, n: int) -> dict:
    """Пачка из ``tasks`` задач: время пачки, времена задач, процессорное время,
    сколько процессов пула работало."""
    start = time.perf_counter()
    done = list(pools[0].map(task, [n] * tasks))
    return {
        "wall": time.perf_counter() - start,
        "task_wall": [wall for wall, _, _ in done],
        "cpu": sum(cpu for _, cpu, _ in done),
        "workers": len({pid for _, _, pid in done}),
    }


def stop_pool() -> None:
    pools.pop().shutdown()
