"""
Сколько запросов держать в полёте: семафор и ёмкость сервера
============================================================

На asyncio легко отправить тысячу запросов разом: ``gather`` над тысячей
корутин. Но сервер на той стороне обслуживает одновременно лишь ограниченное
число запросов; остальные ждут у него в очереди. Поэтому число одновременных
запросов ограничивают :class:`asyncio.Semaphore`: корутина входит в
``async with sem:`` и, если все места заняты, ждёт, пока освободится одно.

Пример измеряет, что даёт этот предел. Сервер здесь смоделирован: у него
``CAPACITY`` мест (свой семафор), и каждый запрос он обслуживает
``asyncio.sleep(SERVICE)``. Для событийного цикла это ровно то же, что ожидание
ответа по сети: таймер, пока идёт который, цикл выполняет другие задачи.
Настоящей сети здесь нет, чтобы чужие задержки не смешивались с эффектом
предела.
"""

# %%
# Код
# ---
#
# Ниже — весь код замера. ``serve`` — сервер: семафор на ``CAPACITY`` мест перед
# ``asyncio.sleep(SERVICE)``; лишние запросы ждут у него в очереди (среди ждущих
# семафора), как у настоящего сервера. ``send_batch`` отправляет пачку из
# ``REQUESTS`` запросов разом (``gather``), но в полёт пускает не больше
# ``limit`` одновременно — это наш семафор. Для каждого запроса записаны два
# времени: сколько он ждал места в *нашем* семафоре и сколько был «в полёте» —
# от отправки до ответа, включая ожидание в очереди сервера.

# sphinx_gallery_tags = ["asyncio"]
import asyncio
import statistics
import time
from functools import partial

import matplotlib.pyplot as plt

from potok import claims, machine, measure, plots

REQUESTS = measure.scale(48, 24)
SERVICE = measure.scale(0.008, 0.005)  # с на запрос у сервера
CAPACITY = 8  # сколько запросов сервер обслуживает одновременно
LIMITS = measure.scale([1, 2, 4, 8, 16, 48], [1, 4, 8, 24])
ROUNDS = measure.scale(3, 2)


async def serve(server):
    async with server:  # свободное место у сервера — или ожидание в его очереди
        await asyncio.sleep(SERVICE)  # для цикла — то же, что ответ по сети


async def send_batch(limit):
    server = asyncio.Semaphore(CAPACITY)
    ours = asyncio.Semaphore(limit)

    async def one():
        asked = time.perf_counter()
        async with ours:  # не больше limit запросов в полёте
            sent = time.perf_counter()
            await serve(server)
            answered = time.perf_counter()
        return sent - asked, answered - sent

    return await asyncio.gather(*(one() for _ in range(REQUESTS)))


# %%
# Замер
# -----
#
# Одна и та же пачка отправляется с разными пределами — по кругу, предел за
# пределом, несколько кругов (A B C … A B C …, ``measure.interleaved``), все в
# одном событийном цикле (:class:`asyncio.Runner`), чтобы в замер не попадал
# запуск цикла. Пропускная способность — число запросов, делённое на время всей
# пачки.

requests = {limit: [] for limit in LIMITS}  # (ожидание места, в полёте) запросов


def percentile(values, q):
    """``q``-й процентиль (1–99) по всем запросам всех кругов."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def flights(limit):
    return [flight for _, flight in requests[limit]]


def answers(limit):  # от желания отправить до ответа: ожидание места + полёт
    return [wait + flight for wait, flight in requests[limit]]


print(machine.stamp())
print(
    f"запросов в пачке: {REQUESTS}, обслуживание: "
    f"{measure.format_seconds(SERVICE)}, мест у сервера: {CAPACITY}"
)
with asyncio.Runner() as runner:

    def batch(limit):
        requests[limit] += runner.run(send_batch(limit))

    runner.run(send_batch(CAPACITY))  # прогрев
    totals = measure.interleaved(
        {limit: partial(batch, limit) for limit in LIMITS}, repeats=ROUNDS, warmup=0
    )
print(
    f"\n{'предел':>6} {'пачка (медиана)':>16} {'запросов/с':>11} "
    f"{'в полёте, медиана':>18} {'ответ, 95-й проц.':>18}"
)
for limit in LIMITS:
    t = totals[limit]
    print(
        f"{limit:>6} {measure.format_seconds(t.median):>16} "
        f"{REQUESTS / t.median:>11.0f} "
        f"{measure.format_seconds(percentile(flights(limit), 50)):>18} "
        f"{measure.format_seconds(percentile(answers(limit), 95)):>18}"
    )

# %%
# Пропускная способность и задержка
# ---------------------------------
#
# Слева — запросов в секунду (медиана по кругам, черта — от худшего круга до
# лучшего). Пунктир — идеал, если бы сервер не ограничивал: предел ÷ время
# обслуживания. Точечная линия — потолок сервера: его места ÷ время
# обслуживания.
#
# Справа — задержки одного запроса, в миллисекундах: «в полёте» (от отправки до
# ответа) и «ответ» (от момента, когда код захотел отправить запрос, до ответа,
# то есть вместе с ожиданием места в нашем семафоре), медиана и 95-й
# процентиль.

fig, (left, right) = plots.figure(1, 2, height=4.2)
fig.suptitle("Предел семафора: пропускная способность и время ответа")
throughput = {  # запросов в секунду в каждом круге
    limit: measure.Timing(tuple(REQUESTS / t for t in totals[limit].samples))
    for limit in LIMITS
}
plots.medians(left, LIMITS, [throughput[limit] for limit in LIMITS], label="измерено")
left.plot(
    LIMITS,
    [limit / SERVICE for limit in LIMITS],
    linestyle="--",
    color=plots.REFERENCE,
    label="идеал: предел ÷ обслуживание",
)
left.axhline(
    CAPACITY / SERVICE, color=plots.REFERENCE, linestyle=":", label="потолок сервера"
)
left.set_xscale("log", base=2)
left.set_xticks(LIMITS, [str(x) for x in LIMITS])
left.set_ylim(0, CAPACITY / SERVICE * 1.6)
left.set_xlabel("предел семафора, запросов одновременно")
left.set_ylabel("пропускная способность, запросов/с")
left.legend(fontsize=8, loc="lower right")

for (series, label), color in zip(
    {flights: "в полёте", answers: "ответ (с ожиданием места)"}.items(),
    plots.PALETTE[1:],
    strict=False,
):
    right.plot(
        LIMITS,
        [percentile(series(limit), 50) * 1e3 for limit in LIMITS],
        marker="o",
        color=color,
        label=f"{label}, медиана",
    )
    right.plot(
        LIMITS,
        [percentile(series(limit), 95) * 1e3 for limit in LIMITS],
        marker="^",
        linestyle="--",
        color=color,
        label=f"{label}, 95-й проц.",
    )
right.axhline(SERVICE * 1e3, color=plots.REFERENCE, linestyle=":", label="обслуживание")
right.set_xscale("log", base=2)
right.set_yscale("log")
right.set_xticks(LIMITS, [str(x) for x in LIMITS])
right.set_xlabel("предел семафора, запросов одновременно")
right.set_ylabel("задержка запроса, мс")
right.legend(fontsize=7)
plots.stamp(fig)
plt.show()

# %%
# Как читать графики. Пока предел меньше числа мест у сервера, пропускная
# способность растёт вместе с пределом почти по пунктиру: каждый лишний запрос
# в полёте — это лишнее занятое место у сервера. Когда предел доходит до
# ёмкости сервера, рост прекращается: лишние запросы не обслуживаются быстрее,
# они только ждут в очереди сервера — время «в полёте» растёт, а время ответа
# почти не меняется, потому что ожидание просто переехало из нашего семафора в
# очередь сервера. То есть предел выше ёмкости сервера ничего не даёт нам и
# нагружает сервер (у настоящего сервера очередь не бесплатна: память,
# соединения, тайм-ауты).
#
# Проверка на этих числах:

thr = {limit: REQUESTS / totals[limit].median for limit in LIMITS}
flight = {limit: percentile(flights(limit), 50) for limit in LIMITS}
top = max(LIMITS)
claims.check(
    "throughput-grows-to-capacity",
    "до ёмкости сервера пропускная способность растёт почти пропорционально пределу",
    confirmed=thr[CAPACITY] / thr[1] > 0.6 * CAPACITY,
    evidence=f"предел {CAPACITY} против 1: ×{thr[CAPACITY] / thr[1]:.1f} "
    f"(пропорционально было бы ×{CAPACITY})",
    numbers={"at_1": thr[1], "at_capacity": thr[CAPACITY], "capacity": CAPACITY},
    reason_if_not="событийный цикл опаздывал будить таймеры: машина была занята",
)
claims.check(
    "no-gain-past-capacity",
    "предел выше ёмкости сервера не прибавляет пропускной способности",
    confirmed=thr[top] / thr[CAPACITY] < 1.25,
    evidence=f"предел {top} против {CAPACITY}: ×{thr[top] / thr[CAPACITY]:.2f}",
    numbers={"at_capacity": thr[CAPACITY], "at_top": thr[top], "top": top},
    reason_if_not="разброс замеров больше разницы",
)
claims.check(
    "latency-grows-past-capacity",
    "предел выше ёмкости сервера удлиняет время запроса в полёте",
    confirmed=flight[top] > 1.5 * flight[CAPACITY],
    evidence=f"медиана в полёте: {measure.format_seconds(flight[CAPACITY])} при "
    f"{CAPACITY}, {measure.format_seconds(flight[top])} при {top}",
    numbers={"at_capacity": flight[CAPACITY], "at_top": flight[top]},
    reason_if_not="запросов в пачке слишком мало, чтобы очередь сервера выросла",
)

# %%
# Хороший предел — около ёмкости того, к чему обращаются: на графике это излом
# левой кривой. Ёмкость настоящего сервиса заранее неизвестна; её ищут таким же
# замером или узнают у владельцев сервиса (лимиты API, размер пула
# соединений). Семафор удобен тем, что ограничивает *одновременность*, а не
# скорость: для ограничения числа запросов в секунду нужен другой механизм
# (например, «ведро с жетонами» — token bucket).
