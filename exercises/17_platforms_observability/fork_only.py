"""Упражнение к главе 17: программа, которая работает только при fork, и её исправление.

Исходная программа кладёт настройку в глобальную переменную уже после запуска
и передаёт процессу вложенную функцию. Исправленная передаёт всё явно:
настройку — через ``initializer`` пула, данные — аргументами функции верхнего
уровня. Скрипт запускает обе при каждом методе запуска этой системы.
"""

import multiprocessing

SETTINGS = {"root": None}


def report(_):
    return SETTINGS["root"]


def in_child(ctx, target, args=()):
    """Запустить процесс и вернуть то, что он положил в очередь, или ошибку."""
    results = ctx.Queue()
    try:
        child = ctx.Process(target=target, args=(results, *args))
        child.start()
    except Exception as exc:  # при forkserver и spawn: не сериализуется
        return type(exc).__name__
    child.join(30)
    return results.get(timeout=5) if child.exitcode == 0 else f"код {child.exitcode}"


def fork_only(ctx):
    SETTINGS["root"] = "/srv/data"  # настройка, сделанная при запуске
    with ctx.Pool(1) as pool:
        seen = pool.map(report, [0])[0]
    scale = 10

    def work(results):  # вложенная функция: замыкание над scale
        results.put([x * scale for x in (1, 2, 3)])

    return seen, in_child(ctx, work)


def init(root):  # выполняется в каждом рабочем процессе пула
    SETTINGS["root"] = root


def scaled(results, scale):  # функция верхнего уровня: её находят по имени
    results.put([x * scale for x in (1, 2, 3)])


def explicit(ctx):
    root = "/srv/data"
    with ctx.Pool(1, initializer=init, initargs=(root,)) as pool:
        seen = pool.map(report, [0])[0]
    return seen, in_child(ctx, scaled, (10,))


if __name__ == "__main__":
    answers = {}
    for method in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context(method)
        SETTINGS["root"] = None
        before = fork_only(ctx)
        SETTINGS["root"] = None
        after = explicit(ctx)
        answers[method] = (before, after)
        print(f"{method}: исходная {before}; исправленная {after}")
    fixed = [after for _, after in answers.values()]
    same = all(after == ("/srv/data", [10, 20, 30]) for after in fixed)
    assert same, fixed
    print(f"исправленная дала одно и то же при всех методах: {'да' if same else 'нет'}")
    broken = [m for m, (before, after) in answers.items() if before != after]
    print(f"исходная отличается от исправленной при: {', '.join(broken) or 'ни одном'}")
