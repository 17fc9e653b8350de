"""Упражнение к главе 9: чем кончается блок with у multiprocessing.Pool.

Задача ждёт 0,5 с и устанавливает общий флаг (multiprocessing.Event, переданный
процессам пула через initializer). Если выйти из блока with сразу после
apply_async, Pool вызывает terminate(): процессы убиты, флаг не установлен. С
close() и join() перед концом блока задача доделывает свою работу.
"""

import multiprocessing
import time

from potok.start_methods import start_method

DELAY = 0.5
done = None  # флаг в процессе пула; его ставит initializer


def remember(flag) -> None:
    global done
    done = flag


def slow_job() -> None:
    time.sleep(DELAY)
    done.set()


def run(ctx, *, wait: bool) -> bool:
    flag = ctx.Event()
    with ctx.Pool(1, initializer=remember, initargs=(flag,)) as pool:
        pool.apply_async(slow_job)
        if wait:
            pool.close()  # новых задач не будет
            pool.join()  # дождаться процессов
    # без close/join конец блока with вызвал terminate()
    return flag.wait(timeout=2 * DELAY)


if __name__ == "__main__":
    ctx = multiprocessing.get_context(start_method())
    abandoned = run(ctx, wait=False)
    waited = run(ctx, wait=True)
    print(f"метод запуска: {ctx.get_start_method()}")
    print(f"без close и join задача доделала работу: {'да' if abandoned else 'нет'}")
    print(f"с close и join задача доделала работу: {'да' if waited else 'нет'}")
    print(f"дочерних процессов осталось: {len(multiprocessing.active_children())}")
