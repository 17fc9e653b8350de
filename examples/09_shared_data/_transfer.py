"""Сторона ребёнка: данные через канал или через общую память.

Каждая функция выполняется в дочернем процессе: получает данные, читает их
последний байт и отвечает им — так родитель знает, что дошло всё. Функции лежат
в модуле рядом с примером, потому что при методах запуска spawn и forkserver
дочерний процесс импортирует их заново.
"""

from multiprocessing import shared_memory


def last_byte(data: bytes) -> int:
    """Задача пула: ``data`` уже собрана из байтов pickle в процессе пула."""
    return data[-1]


def pipe_server(conn) -> None:
    """Pipe: байты приходят как есть, без pickle; пустое сообщение — конец."""
    while data := conn.recv_bytes():
        conn.send(data[-1])
    conn.close()


def shm_server(name: str, conn) -> None:
    """SharedMemory: подключиться к блоку по имени один раз; дальше по каналу
    приходит только число — сколько байт блока прочитать; None — конец."""
    shm = shared_memory.SharedMemory(name=name)
    try:
        while (size := conn.recv()) is not None:
            conn.send(shm.buf[size - 1])
    finally:
        shm.close()  # закрыть в каждом процессе; удаляет блок родитель
        conn.close()
