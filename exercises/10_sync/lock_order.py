"""Упражнение к главе 10: взаимная блокировка и один порядок захвата.

Два потока берут блокировки A и B в разном порядке; барьер между первым и
вторым захватом делает неудачное чередование неизбежным. Второй acquire — с
тайм-аутом: оба потока его не дождутся (без тайм-аута они ждали бы вечно), а
первую блокировку отпустят, только когда сдались оба. Затем
те же два потока много раз подряд берут блокировки в одном порядке, A потом B,
и ни один захват не истекает.
"""

import threading

from potok.measure import scale

TIMEOUT = 0.5
ROUNDS = scale(2_000, 500)


def take(first, second, barrier, failures) -> None:
    with first:
        if barrier is not None:
            barrier.wait()  # оба держат свою первую блокировку
        if second.acquire(timeout=TIMEOUT):
            second.release()
        else:
            failures.append(threading.current_thread().name)
        if barrier is not None:
            barrier.wait()  # первую отпускают, только когда оба сдались


def run(pairs, barrier, rounds: int) -> list[str]:
    failures: list[str] = []

    def worker(first, second) -> None:
        for _ in range(rounds):
            take(first, second, barrier, failures)

    threads = [
        threading.Thread(target=worker, args=pair, name=f"поток {i}")
        for i, pair in enumerate(pairs, 1)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failures


a, b = threading.Lock(), threading.Lock()
crossed = run([(a, b), (b, a)], threading.Barrier(2), rounds=1)
print(f"разный порядок: не дождались второй блокировки: {len(crossed)} из 2 потоков")
ordered = run([(a, b), (a, b)], None, rounds=ROUNDS)
print(f"один порядок, {ROUNDS} раз в каждом потоке: истёкших захватов {len(ordered)}")
