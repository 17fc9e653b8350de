"""Упражнение к главе 2: у потоков один процесс, у процессов — разные.

Потоки одного процесса видят один и тот же os.getpid(), но у каждого свой
системный идентификатор threading.get_native_id(). Дочерний процесс получает
свой идентификатор процесса.
"""

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from potok.start_methods import start_method


def ids() -> tuple[int, int]:
    """(идентификатор процесса, системный идентификатор потока)."""
    return os.getpid(), threading.get_native_id()


if __name__ == "__main__":
    main_pid, main_tid = ids()
    print(f"главный поток: pid {main_pid}, native id {main_tid}")

    barrier = threading.Barrier(3)  # три потока живут одновременно

    def in_thread() -> tuple[int, int]:
        barrier.wait(timeout=10)
        return ids()

    with ThreadPoolExecutor(max_workers=3) as pool:
        threads = [f.result() for f in [pool.submit(in_thread) for _ in range(3)]]
    for pid, tid in threads:
        print(f"поток: pid {pid}, native id {tid}")
    same_pid = all(pid == main_pid for pid, _ in threads)
    native_ids = {tid for _, tid in threads} | {main_tid}
    print(f"у потоков тот же pid, что у главного: {'да' if same_pid else 'нет'}")
    print(f"разных native id (главный и три потока): {len(native_ids)}")

    ctx = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        child_pid, _ = pool.submit(ids).result()
    print(f"дочерний процесс ({ctx.get_start_method()}): pid {child_pid}")
    print(f"pid дочернего процесса другой: {'да' if child_pid != main_pid else 'нет'}")
