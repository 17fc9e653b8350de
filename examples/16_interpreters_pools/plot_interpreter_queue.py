"""
Субинтерпретатор и очередь: создать, вызвать, переслать
=======================================================

С Python 3.14 субинтерпретаторами можно управлять из Python: модуль
:mod:`concurrent.interpreters` (:pep:`734`). ``interpreters.create()`` создаёт
ещё один интерпретатор в том же процессе — со своими модулями, своим
``__main__`` и своим GIL. В нём можно выполнить код (``exec``), вызвать функцию
(``call``) или запустить функцию в новом потоке (``call_in_thread``), а
сообщения между интерпретаторами носит очередь ``create_queue()``.

У этой очереди есть особенность, о которой документация молчит: ожидающий
``get()`` не спит до прихода сообщения, а проверяет очередь раз в 10 мс
(`gh-143017 <https://github.com/python/cpython/issues/143017>`_). Пример
измеряет, что это значит для пересылки туда и обратно, рядом с обычной
:class:`queue.Queue` между двумя потоками одного интерпретатора.
"""

# %%
# Код
# ---
#
# Всё, что выполняется в Python 3.14, лежит в модуле рядом с примером:
#
# .. literalinclude:: _interpreter_queue.py
#
# :download:`_interpreter_queue.py`
#
# ``basics`` создаёт интерпретатор, кладёт в его ``__main__`` два имени
# (``prepare_main``), выполняет там три строки и вызывает ``divmod``. Функция
# ``echo`` в субинтерпретаторе отвечает на каждое сообщение тем же;
# ``round_trips`` по очереди, круг за кругом, измеряет одну пересылку туда и
# обратно через очереди интерпретаторов и через ``queue.Queue`` между двумя
# потоками. Модуль выполняет каждый найденный Python 3.14 и новее со сборкой с
# GIL, в своём дочернем процессе (``potok.interpreters.Child``).

# sphinx_gallery_tags = ["субинтерпретаторы"]
from dataclasses import replace

import _interpreter_queue
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots

REPEATS = measure.scale(40, 10)  # пересылок туда и обратно на вариант

print(machine.stamp())
survey = interpreters.available()
me = interpreters.here()
found = {p.key: p for p in survey.interpreters} | {me.key: me}
pythons = [
    found[key]
    for key in interpreters.ORDER
    if key in found and found[key].interpreter_pool and not found[key].free_threaded
]
print("измеряется в:", ", ".join(p.label for p in pythons) or "нигде")
if not pythons:
    print(
        "Не измерено: concurrent.interpreters появился в Python 3.14, а такого "
        f"интерпретатора здесь нет. {survey.not_measured(['3.14', '3.15'])}"
    )

results = {}
for python in pythons:
    with interpreters.Child(python) as child:
        basics = child.call(_interpreter_queue.basics)
        results[python.key] = {
            "basics": basics,
            **child.call(_interpreter_queue.round_trips, REPEATS),
        }

# %%
# Что вернул новый интерпретатор
# ------------------------------
#
# У главного интерпретатора номер 0. Модулей у нового меньше: он начинает с
# чистого листа и импортирует только то, что нужно ему самому.

for got in results.values():
    b = got["basics"]
    print(f"--- {got['stamp'].python} ---")
    print(f"номер главного: {b['main_id']}, нового: {b['new_id']}")
    print(f"модулей в sys.modules: здесь {b['modules_here']}, там {b['modules_there']}")
    print(f"exec вернул через очередь: {b['exec_result']!r}")
    print(f"call(divmod, 17, 5) вернул: {tuple(b['call_result'])}")
    print(
        f"get(timeout=0.5) из пустой очереди ждал: {b['timeout_waited'] * 1e3:.2f} мс"
    )
    for name, t in got["timings"].items():
        print(f"  туда и обратно, {name}: {t}")

# %%
# График
# ------
#
# Каждая точка — одна пересылка туда и обратно, чёрная черта — медиана; ось
# времени логарифмическая.

if results:
    fig, ax = plots.figure(height=1.6 + 0.9 * len(results))
    samples = {
        f"{got['stamp'].python.split(' (')[0]}: {name}": [s * 1e3 for s in t.samples]
        for got in results.values()
        for name, t in got["timings"].items()
    }
    plots.distributions(ax, samples, unit="мс")
    ax.axvline(10, color=plots.REFERENCE, linestyle="--", label="10 мс: шаг опроса")
    ax.set_title("Пересылка туда и обратно")
    ax.legend(loc="center")
    stamps = [got["stamp"] for got in results.values()]
    plots.stamp(fig, replace(stamps[0], python=", ".join(s.python for s in stamps)))
    plt.show()

# %%
# Что проверяется
# ---------------

for key, got in results.items():
    sub, local = (t.median for t in got["timings"].values())
    label = found[key].label
    claims.check(
        f"interpreter-queue-polls-on-{key}",
        f"{label}: ответ через очередь create_queue приходит не раньше чем через "
        "несколько миллисекунд — ожидающий get() проверяет очередь раз в 10 мс",
        confirmed=sub >= 0.005,
        evidence=f"медиана {sub * 1e3:.1f} мс",
        numbers={"round_trip_ms": sub * 1e3},
        reason_if_not="в этой версии очередь больше не опрашивается (gh-143017)",
        stamp=got["stamp"],
    )
    claims.check(
        f"thread-queue-faster-on-{key}",
        f"{label}: queue.Queue между потоками одного интерпретатора отвечает "
        "больше чем в 10 раз быстрее",
        confirmed=local * 10 < sub,
        evidence=f"медиана {local * 1e3:.3f} мс против {sub * 1e3:.1f} мс",
        numbers={"thread_ms": local * 1e3, "interpreter_ms": sub * 1e3},
        reason_if_not="машина была занята: потоки долго ждали своей очереди",
        stamp=got["stamp"],
    )
    waited = got["basics"]["timeout_waited"]
    claims.check(
        f"queue-timeout-truncated-on-{key}",
        f"{label}: get(timeout=0.5) у очереди create_queue не ждёт вовсе — "
        "тайм-аут округляется вниз до целых секунд",
        confirmed=waited < 0.1,
        evidence=f"ждал {waited * 1e3:.2f} мс",
        numbers={"waited_ms": waited * 1e3},
        reason_if_not="в этой версии тайм-аут исправлен (gh-153005)",
        stamp=got["stamp"],
    )

# %%
# Что видно на графике
# --------------------
#
# Пересылка через очереди интерпретаторов стоит не меньше шага опроса:
# ожидающий ``get()`` вызывает ``time.sleep(0.01)`` между проверками, с обеих
# сторон. Между потоками одного интерпретатора ``queue.Queue`` будит ждущего
# сразу (условная переменная), и облако точек лежит на порядки левее.
#
# Отсюда правило: через ``create_queue()`` отправляют *крупные* сообщения —
# задание на секунды, ``memoryview`` на большой буфер, — а не тысячи мелких.
# Если ответ нужен сразу, удобнее ``interp.call``: он выполняет функцию в
# текущем потоке и возвращает результат без очереди. А ``timeout`` у ``get`` и
# ``put`` в 3.14 округляется вниз до целых секунд: ``get(timeout=0.5)`` не ждёт
# вовсе (`gh-153005 <https://github.com/python/cpython/issues/153005>`_).
