"""Упражнение к главе 8: что обычная сборка делает с -X gil=0 и -X gil=1.

Запускаем этот же интерпретатор с каждым ключом и печатаем, запустился ли он и
включён ли в нём GIL. На free-threaded сборке -X gil=0 и -X gil=1 выключают и
включают GIL. На обычной сборке Python 3.13+ -X gil=1 ничего не меняет (GIL там
есть всегда), а -X gil=0 интерпретатор отвергает при запуске: выключить GIL в
такой сборке нельзя. Python до 3.13 ключа не знает и молча его пропускает.
"""

import subprocess
import sys
import sysconfig

PROBE = "import sys; print(getattr(sys, '_is_gil_enabled', lambda: True)())"

print(f"Python {sys.version.split()[0]}", end=", ")
free_threaded = sysconfig.get_config_var("Py_GIL_DISABLED") == 1
print("free-threaded сборка" if free_threaded else "обычная сборка")
for value in ("1", "0"):
    run = subprocess.run(
        [sys.executable, "-X", f"gil={value}", "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if run.returncode == 0:
        print(f"-X gil={value}: запустился, GIL включён: {run.stdout.strip()}")
    else:
        error = run.stderr.strip().splitlines()[0]
        print(f"-X gil={value}: не запустился (код {run.returncode}): {error}")
