"""Упражнение к главе 14: RSS, PSS и USS процессов пула.

Память процесса ядро Linux отдаёт в /proc/<pid>/smaps_rollup: Rss — все его
страницы в памяти, Pss — собственные плюс доля каждой общей, Private_Clean и
Private_Dirty — только собственные (USS). Скрипт запускает пул из двух
процессов выбранным методом запуска и сравнивает эти числа.
"""

import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from potok.start_methods import start_method


def smaps(pid: int) -> dict:
    """RSS, PSS и USS процесса в КиБ."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                fields[name] = int(rest.split()[0])
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return {"rss": fields["Rss"], "pss": fields["Pss"], "uss": uss}


def pid_after_pause(_: int) -> int:
    """Задача: подождать (пока пул запускает второй процесс) и сказать свой pid."""
    time.sleep(0.2)
    return os.getpid()


if __name__ == "__main__":
    if not os.path.exists("/proc/self/smaps_rollup"):
        print("не измерено: /proc/<pid>/smaps_rollup есть только в Linux")
        sys.exit(0)
    method = start_method()
    print(f"метод запуска: {method}")
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        pids = sorted(set(pool.map(pid_after_pause, range(2))))
        memory = {pid: smaps(pid) for pid in pids}  # процессы пула ещё живы
    for pid, m in memory.items():
        ordered = m["uss"] <= m["pss"] <= m["rss"]
        print(
            f"процесс {pid}: RSS {m['rss']} КиБ, PSS {m['pss']} КиБ, "
            f"USS {m['uss']} КиБ; USS ≤ PSS ≤ RSS: {'да' if ordered else 'нет'}"
        )
    rss = sum(m["rss"] for m in memory.values())
    pss = sum(m["pss"] for m in memory.values())
    print(
        f"сумма RSS: {rss} КиБ; сумма PSS: {pss} КиБ; RSS больше в {rss / pss:.2f} раза"
    )
