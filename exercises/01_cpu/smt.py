"""Упражнение к главе 1: сколько физических ядер и есть ли SMT.

Linux перечисляет для каждого логического процессора его «братьев» по ядру в
/sys/devices/system/cpu/cpuN/topology/core_cpus_list (в старых ядрах —
thread_siblings_list). Логические процессоры с одинаковым списком — одно ядро.
"""

from pathlib import Path

CPUS = Path("/sys/devices/system/cpu")


def siblings(cpu: Path) -> str | None:
    for name in ("core_cpus_list", "thread_siblings_list"):
        path = cpu / "topology" / name
        if path.exists():
            return path.read_text().strip()
    return None


cpus = sorted(CPUS.glob("cpu[0-9]*")) if CPUS.is_dir() else []
cores: dict[tuple[str, str], list[str]] = {}
for cpu in cpus:
    group = siblings(cpu)
    if group is None:
        continue  # процессор выключен: его топология не видна
    package = (cpu / "topology" / "physical_package_id").read_text().strip()
    cores.setdefault((package, group), []).append(cpu.name)

if not cores:
    print("топология не видна: это не Linux или /sys недоступен")
else:
    logical = sum(len(members) for members in cores.values())
    per_core = max(len(members) for members in cores.values())
    print(f"логических процессоров: {logical}")
    print(f"физических ядер: {len(cores)}")
    print(f"потоков на ядро: {per_core}")
    print("SMT включён" if per_core > 1 else "SMT нет или выключен")
