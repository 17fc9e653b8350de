"""Упражнение к главе 14: сколько процессов пула запускать в контейнере.

os.process_cpu_count() видит маску процессоров, но не квоту процессора группы
cgroup (docker run --cpus, лимиты Kubernetes). pool_size() берёт меньшее из
двух: процессоры маски и квоту, округлённую вверх. Чтобы проверить её под
квотой, скрипт создаёт группу с квотой 1,5 процессора (это может только root в
Linux), запускает сам себя дочерним процессом, тот переходит в группу и
печатает, что насчитал. Группа удаляется в finally.
"""

import math
import os
import subprocess
import sys
import time
from pathlib import Path

QUOTA = 1.5  # процессора: docker run --cpus=1.5
PERIOD_US = 100_000


def mounts(kind: str) -> list[tuple[Path, set[str]]]:
    """Где смонтированы файловые системы cgroup2 или cgroup (v1), с опциями."""
    try:
        with open("/proc/self/mounts", encoding="utf-8") as f:
            rows = [line.split() for line in f]
    except OSError:  # не Linux
        return []
    return [(Path(r[1]), set(r[3].split(","))) for r in rows if r[2] == kind]


def cgroup_quota() -> float | None:
    """Квота процессора группы этого процесса, в процессорах; None — квоты нет."""
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as f:
            lines = [line.rstrip("\n").split(":", 2) for line in f]
    except OSError:
        return None
    for _, controllers, path in lines:
        if controllers == "":  # cgroup v2: строка «0::путь»
            for root, _ in mounts("cgroup2"):
                limit = root / path.lstrip("/") / "cpu.max"
                if limit.is_file():
                    quota, period = limit.read_text().split()
                    return None if quota == "max" else int(quota) / int(period)
        elif "cpu" in controllers.split(","):  # cgroup v1
            for root, options in mounts("cgroup"):
                folder = root / path.lstrip("/")
                if "cpu" in options and (folder / "cpu.cfs_quota_us").is_file():
                    quota = int((folder / "cpu.cfs_quota_us").read_text())
                    period = int((folder / "cpu.cfs_period_us").read_text())
                    return None if quota < 0 else quota / period
    return None


def usable_cpus() -> int:
    """Процессоры маски этого процесса (до 3.13 — через sched_getaffinity)."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def pool_size() -> int:
    """Сколько процессов пула запускать для вычислений."""
    quota = cgroup_quota()
    if quota is None:
        return usable_cpus()
    return max(1, min(usable_cpus(), math.ceil(quota)))


def make_group(name: str) -> Path:
    """Группа с квотой QUOTA: cgroup v2 (cpu.max), иначе v1. OSError — если нельзя."""
    quota = round(QUOTA * PERIOD_US)
    for root, _ in mounts("cgroup2"):
        if "cpu" in (root / "cgroup.subtree_control").read_text().split():
            (root / name).mkdir()
            (root / name / "cpu.max").write_text(f"{quota} {PERIOD_US}")
            return root / name
    for root, options in mounts("cgroup"):
        if "cpu" in options:
            (root / name).mkdir()
            (root / name / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (root / name / "cpu.cfs_quota_us").write_text(str(quota))
            return root / name
    raise OSError("нет иерархии cgroup с контроллером cpu")


def remove_group(group: Path) -> None:
    """rmdir, как только в группе не останется процессов."""
    for _ in range(100):
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:  # EBUSY: дочерний процесс ещё не вышел
            time.sleep(0.05)
    group.rmdir()


def report(where: str) -> None:
    quota = cgroup_quota()
    shown = "нет" if quota is None else f"{quota:g}"
    print(
        f"{where}: квота {shown}, процессоров в маске {usable_cpus()}, "
        f"пул {pool_size()}"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inside":
        with open(Path(sys.argv[2]) / "cgroup.procs", "w") as f:
            f.write(str(os.getpid()))  # перейти в группу
        report(f"в группе с квотой {QUOTA:g} CPU")
        sys.exit(0)
    report("в своей группе")
    try:
        group = make_group(f"potok-exercise-{os.getpid()}")
    except OSError as exc:
        print(f"группу с квотой создать не удалось: {exc}")
        sys.exit(0)
    try:
        inside = subprocess.run(
            [sys.executable, __file__, "--inside", str(group)],
            capture_output=True,
            text=True,
            check=True,
        )
        print(inside.stdout.strip())
    finally:
        remove_group(group)
