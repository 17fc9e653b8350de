"""Упражнение к главе 7: как отладочный режим находит шаг, который блокирует цикл.

С debug=True цикл пишет в журнал asyncio предупреждение о каждом шаге дольше
loop.slow_callback_duration (по умолчанию 0,1 с). Здесь порог 50 мс, а
корутина один раз блокирует цикл на 0,15 с; журнал перехвачен, чтобы показать
его записи.
"""

import asyncio
import logging
import time

records: list[str] = []


class Collect(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        records.append(record.getMessage())


logging.getLogger("asyncio").addHandler(Collect(level=logging.WARNING))


async def slow() -> None:
    time.sleep(0.15)  # блокирующий вызов: шаг цикла длится 0,15 с


async def main() -> None:
    asyncio.get_running_loop().slow_callback_duration = 0.05
    await asyncio.create_task(slow())
    await asyncio.sleep(0.01)  # быстрый шаг: о нём журнал молчит


asyncio.run(main(), debug=True)
slow_steps = [r for r in records if "took" in r]
for message in slow_steps:
    print("журнал asyncio:", message)
print(f"медленных шагов в журнале: {len(slow_steps)}")
