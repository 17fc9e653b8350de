"""Упражнение к главе 1: сколько логических процессоров у машины и у процесса.

os.cpu_count() считает логические процессоры машины, os.process_cpu_count()
(Python 3.13+) — те, на которых этому процессу разрешено работать. На старых
версиях Python то же число на Linux даёт os.sched_getaffinity(0).
"""

import os


def usable_cpus() -> int | None:
    """Логические процессоры, доступные этому процессу, или None, если неизвестно."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count()
    if hasattr(os, "sched_getaffinity"):  # Linux и некоторые другие Unix
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


total = os.cpu_count()
usable = usable_cpus()
print(f"логических процессоров у машины: {total}")
print(f"доступно этому процессу: {usable}")
if hasattr(os, "sched_setaffinity") and total and total > 1:
    # Запретим процессу все процессоры, кроме первого доступного, и спросим снова.
    first = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {first})
    print(f"после sched_setaffinity(0, {{{first}}}): {usable_cpus()}")
