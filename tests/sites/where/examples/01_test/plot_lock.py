"""
Пример с блокировкой
====================

Берёт блокировку.
"""

import threading

# sphinx_gallery_tags = ["потоки"]

lock = threading.Lock()
with lock:
    print("блокировка взята")
