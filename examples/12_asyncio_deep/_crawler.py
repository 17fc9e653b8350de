"""Программа, на которую смотрят ``python -m asyncio ps`` и ``pstree``: «краулер».

Главная задача в группе задач скачивает страницы, каждая страница — в своей
группе — свои части. Части ждут ответа «сети» час, так что, пока на программу
смотрят, все задачи на месте. Запуск: ``python _crawler.py latin`` (или
``cyrillic`` — те же задачи с именами по-русски).
"""

import asyncio
import sys

PAGES = {
    "latin": {"index": ["index/html", "index/css"], "search": ["search/query"]},
    "cyrillic": {
        "главная": ["главная/html", "главная/css"],
        "поиск": ["поиск/запрос"],
    },
}


async def fetch(part):
    await asyncio.sleep(3600)  # ждёт ответа «сети»


async def page(parts):
    async with asyncio.TaskGroup() as tg:
        for part in parts:
            tg.create_task(fetch(part), name=part)


async def main(pages):
    async with asyncio.TaskGroup() as tg:
        for name, parts in pages.items():
            tg.create_task(page(parts), name=name)
        await asyncio.sleep(0.5)
        print("ready", flush=True)  # все задачи уже ждут


if __name__ == "__main__":
    asyncio.run(main(PAGES[sys.argv[1]]))
