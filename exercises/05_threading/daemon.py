"""Упражнение к главе 5: что происходит с потоком-демоном при выходе.

Запускаем отдельный интерпретатор с двумя потоками: обычный засыпает на 0,3 с,
поток с daemon=True — на 2 с; проснувшись, каждый печатает строку. Главный
поток сразу заканчивается. Программа дожидается обычного потока, а демона
обрывает, как только обычные потоки закончились: он не печатает ничего.
"""

import subprocess
import sys
import time

CHILD = """
import threading, time

def late(name, seconds):
    time.sleep(seconds)
    print(name, "допечатал", flush=True)

threading.Thread(target=late, args=("обычный", 0.3)).start()
threading.Thread(target=late, args=("демон", 2.0), daemon=True).start()
"""

began = time.perf_counter()
out = subprocess.run(
    [sys.executable, "-c", CHILD],
    capture_output=True,
    text=True,
    timeout=30,
    check=True,
).stdout
elapsed = time.perf_counter() - began
print("вывод программы:", out.strip().splitlines())
print(f"программа завершилась через {elapsed:.1f} с")
for name in ("обычный", "демон"):
    print(f"{name} поток допечатал: {'да' if f'{name} допечатал' in out else 'нет'}")
