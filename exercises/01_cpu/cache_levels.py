"""Упражнение к главе 1: какие кеши у процессора этой машины.

Linux описывает кеши каждого логического процессора в
/sys/devices/system/cpu/cpu0/cache/index*/: уровень, тип (данные, команды или
общий), размер и длину строки кеша. Где этих файлов нет (macOS, Windows),
скрипт так и говорит.
"""

from pathlib import Path

CACHE = Path("/sys/devices/system/cpu/cpu0/cache")
TYPES = {"Data": "данные", "Instruction": "команды", "Unified": "общий"}


def size_in_bytes(text: str) -> int:
    """'48K' -> 49152; '2M' -> 2097152."""
    units = {"K": 1024, "M": 1024**2, "G": 1024**3}
    text = text.strip()
    if text[-1] in units:
        return int(text[:-1]) * units[text[-1]]
    return int(text)


def read(index: Path, name: str) -> str:
    return (index / name).read_text().strip()


indexes = sorted(CACHE.glob("index[0-9]*")) if CACHE.is_dir() else []
if not indexes:
    print("сведений о кешах нет: это не Linux или /sys недоступен")
for index in indexes:
    level = read(index, "level")
    kind = TYPES.get(read(index, "type"), read(index, "type"))
    size = size_in_bytes(read(index, "size"))
    line = read(index, "coherency_line_size")
    print(f"L{level} ({kind}): {size // 1024} КиБ, строка кеша {line} байт")
