"""Упражнение к главе 8: какая это сборка и включён ли в ней GIL.

sysconfig.get_config_var("Py_GIL_DISABLED") говорит, как собран интерпретатор
(1 — free-threaded сборка); sys._is_gil_enabled() (Python 3.13+) — включён ли
GIL в этом процессе сейчас. На обычной сборке GIL включён всегда.
"""

import sys
import sysconfig

free_threaded_build = sysconfig.get_config_var("Py_GIL_DISABLED") == 1
is_gil_enabled = getattr(sys, "_is_gil_enabled", None)
gil_enabled = is_gil_enabled() if is_gil_enabled else True  # до 3.13 — всегда

print(f"Python {sys.version}")
print(f"free-threaded сборка: {'да' if free_threaded_build else 'нет'}")
print(f"GIL включён сейчас: {'да' if gil_enabled else 'нет'}")
if is_gil_enabled is None:
    print("sys._is_gil_enabled нет: это Python до 3.13, GIL есть всегда")
