"""
Потоки BLAS рядом с нашими потоками и процессами
================================================

Умножение матриц в NumPy (``a @ b``) выполняет не Python, а библиотека BLAS —
здесь это OpenBLAS, которую NumPy привозит с собой. У OpenBLAS свой пул потоков,
один на процесс: по умолчанию по потоку на каждый логический процессор,
доступный процессу. Пока умножение одно, это хорошо: оно делится на все ядра. Но
в пуле из N наших процессов пулов BLAS тоже N, по M потоков в каждом, и потоков,
готовых работать, становится N × M — больше, чем логических процессоров. Это
**переподписка** (oversubscription): потоки вытесняют друг друга, а потоки
OpenBLAS ещё и крутятся в ожидании, пока их соседи по умножению не догонят их.
Наши *потоки* живут в одном процессе и делят его единственный пул BLAS: потоков
не становится N × M, но одновременные умножения ждут, пока освободятся потоки
пула (глава :doc:`/chapters/13-oversubscription`).

Пример выполняет одну и ту же пачку умножений в 1, 2, … наших потоках и
процессах дважды: с потоками BLAS по умолчанию и с BLAS, ограниченной одним
потоком (``OMP_NUM_THREADS=1`` и ``OPENBLAS_NUM_THREADS=1``).
"""

# %%
# Как ограничить потоки BLAS
# --------------------------
#
# Число потоков OpenBLAS читает **один раз**, когда библиотека загружается, то
# есть при первом ``import numpy``. Поэтому переменные окружения должны быть
# заданы *до* импорта — в окружении, с которым запускается процесс, или в самой
# программе до первого ``import numpy``. Переменные, заданные после импорта,
# ничего не меняют. Дочерние процессы пула наследуют окружение: при ``fork`` они
# получают копию уже настроенной библиотеки, при ``spawn`` и ``forkserver``
# импортируют NumPy сами, когда его импортирует задача: главный модуль здесь
# NumPy не импортирует (почему это важно, сказано в главе).
#
# Так и сделано здесь. Замеры идут в двух отдельных интерпретаторах
# (``potok.interpreters.Child``), по одному на настройку BLAS. Первым делом
# каждый вызывает ``start``: задаёт переменные окружения (или убирает их
# вовсе) и только потом импортирует NumPy, создаёт пул потоков и пул процессов
# и прогревает их. Дальше пример по очереди просит каждый интерпретатор
# выполнить один круг замеров (``batch``, A B A B …), так что занятость машины
# приходится на оба варианта одинаково. Каждая задача сообщает, какой процесс её
# выполнил (у каждого процесса свой пул BLAS) и сколько потоков BLAS у него:
# ``blas_threads`` спрашивает у самой OpenBLAS. Ниже — весь этот код.
#
# .. literalinclude:: _blas.py
#
# Чтобы запустить пример у себя, скачайте и этот модуль и положите его рядом:
# :download:`_blas.py`.

# sphinx_gallery_tags = ["потоки", "процессы", "от двух CPU"]
import contextlib

import _blas
import matplotlib.pyplot as plt

from potok import claims, interpreters, machine, measure, plots, start_methods

CPUS = machine.usable_cpus()  # как os.process_cpu_count(); так считает и OpenBLAS
WORKERS = measure.scale(sorted({1, CPUS, 2 * CPUS}), sorted({1, CPUS}))
N = measure.scale(256, 192)  # размер квадратной матрицы
COUNT = measure.scale(2, 1)  # умножений в одной задаче
TASKS = measure.scale(max(4, 2 * CPUS), max(2, CPUS))  # задач в пачке на всех
ROUNDS = measure.scale(3, 1)  # замеров каждого варианта (после прогрева)
KINDS = {"threads": "наши потоки", "processes": "наши процессы"}
SETTINGS = {None: "BLAS по умолчанию", 1: "BLAS: 1 поток"}

print(machine.stamp())
print(f"логических процессоров, доступных процессу: {CPUS}")
method = start_methods.start_method()
rounds = {blas: [] for blas in SETTINGS}
with contextlib.ExitStack() as stack:
    children = {
        blas: stack.enter_context(
            interpreters.Child(
                interpreters.here(), env={start_methods.START_METHOD_ENV: method}
            )
        )
        for blas in SETTINGS
    }
    for blas, child in children.items():
        info = child.call(_blas.start, blas, method, WORKERS, N)
        env = ", ".join(f"{k}={v}" for k, v in info["env"].items() if v) or "нет"
        print(
            f"{SETTINGS[blas]}: переменные {env}; {info['library']} — потоков: "
            f"{info['threads']} (узнали через {info['how']})"
        )
    for _ in range(ROUNDS):
        for blas, child in children.items():
            rounds[blas].append(child.call(_blas.batch, WORKERS, N, COUNT, TASKS))
    for child in children.values():
        child.call(_blas.stop)

timings = {
    (blas, kind, w): measure.Timing(
        tuple(r["seconds"][f"{kind}:{w}"] for r in rounds[blas])
    )
    for blas in SETTINGS
    for kind in KINDS
    for w in WORKERS
}
seen, pools = {}, {}
for b, kind, w in ((b, k, w) for b in SETTINGS for k in KINDS for w in WORKERS):
    seen[b, kind, w] = rounds[b][-1]["seen"][f"{kind}:{w}"]
    pools[b, kind, w] = rounds[b][-1]["pools"][f"{kind}:{w}"]
print(f"\nпачка: {TASKS} задач по {COUNT} умножений матриц {N}×{N}")
for (blas, kind, w), t in timings.items():
    print(
        f"{KINDS[kind]:>14}, исполнителей {w}, {SETTINGS[blas]:<17} (потоков BLAS: "
        f"{seen[blas, kind, w]}, пулов BLAS: {pools[blas, kind, w]}): {t}"
    )

# %%
# Время пачки
# -----------
#
# Слева — наши потоки, справа — наши процессы. По горизонтали — сколько наших
# исполнителей работают одновременно, по вертикали — время всей пачки (медиана,
# черта — от минимума до максимума). Серая пунктирная линия — время одного
# исполнителя с BLAS в один поток: последовательная работа без всякого
# параллелизма.

fig, axes = plots.figure(1, 2, height=4.2)
baseline = timings[(1, "threads", 1)].median
for ax, (kind, title) in zip(axes, KINDS.items(), strict=True):
    for (blas, label), color in zip(SETTINGS.items(), plots.PALETTE, strict=False):
        series = [timings[(blas, kind, w)] for w in WORKERS]
        plots.medians(ax, WORKERS, series, color=color, label=label)
    ax.axhline(baseline, color=plots.REFERENCE, linestyle="--", linewidth=1)
    ax.axvline(CPUS, color=plots.REFERENCE, linestyle=":", linewidth=1)
    ax.set_xticks(WORKERS)
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.set_xlabel("наших исполнителей одновременно")
axes[0].set_ylabel("время пачки, с (медиана, мин–макс)")
axes[0].legend(fontsize=8)
plots.stamp(fig)
plt.show()

# %%
# Точечная вертикальная линия — число логических процессоров, доступных
# процессу. Справа от неё (и уже на ней, если потоков BLAS больше одного) у наших
# процессов потоков больше, чем процессоров: у каждого процесса свой пул BLAS
# (сколько пулов работало, напечатано выше), и потоков — наши процессы, умноженные
# на потоки BLAS. Смотрите, как расходятся там две линии: с BLAS по умолчанию
# пачка идёт дольше, чем с BLAS в один поток, хотя работа та же. У наших потоков
# пул BLAS один на всех, и причина другая: умножения из разных потоков ждут
# свободных потоков этого пула, а с BLAS в один поток каждый наш поток считает
# своё умножение сам. Слева от линии, с одним исполнителем, потоки BLAS,
# наоборот, должны помогать — если матрицы достаточно велики, чтобы их делить, и
# у машины есть свободные ядра.
#
# Проверка на этих числах:

many = [w for w in WORKERS if w >= CPUS and w > 1]
default_threads = {t for key, v in seen.items() if key[0] is None for t in v}
limited_threads = {t for key, v in seen.items() if key[0] == 1 for t in v}
claims.check(
    "blas-limited-to-one-thread",
    "где OMP_NUM_THREADS=1 и OPENBLAS_NUM_THREADS=1 заданы до import numpy, BLAS "
    "работает в один поток — и в процессах пула тоже",
    confirmed=limited_threads == {1},
    evidence=f"потоков BLAS в задачах: {sorted(limited_threads, key=str)}",
    numbers={"threads_max": max(t or 0 for t in limited_threads)},
    reason_if_not="BLAS этой сборки NumPy — не OpenBLAS, или число потоков "
    "не удалось узнать",
)
claims.check(
    "blas-default-one-thread-per-cpu",
    "без ограничения BLAS берёт по потоку на каждый логический процессор, "
    "доступный процессу",
    confirmed=default_threads == {CPUS},
    evidence=f"потоков BLAS: {sorted(default_threads, key=str)}, "
    f"логических процессоров, доступных процессу: {CPUS}",
    numbers={"threads_max": max(t or 0 for t in default_threads), "logical_cpus": CPUS},
    reason_if_not="ограничение задано снаружи, или у этой сборки OpenBLAS свой "
    "предел числа потоков",
)
for kind, label in KINDS.items():
    if not many or CPUS < 2:
        claims.check(
            f"{kind}-blas-one-thread-faster",
            f"{label}: когда исполнителей не меньше, чем процессоров, BLAS в один "
            "поток быстрее",
            confirmed=False,
            evidence=f"логических процессоров: {CPUS}",
            numbers={"logical_cpus": CPUS},
            reason_if_not="на машине с одним процессором переподписки BLAS не бывает",
        )
        continue
    ratios = [
        timings[(None, kind, w)].median / timings[(1, kind, w)].median for w in many
    ]
    claims.check(
        f"{kind}-blas-one-thread-faster",
        f"{label}: когда исполнителей не меньше, чем логических процессоров, пачка "
        "с BLAS в один поток идёт быстрее, чем с BLAS по умолчанию",
        confirmed=min(ratios) > 1.1,
        evidence="BLAS по умолчанию медленнее в "
        + ", ".join(f"×{r:.2f} при {w}" for r, w in zip(ratios, many, strict=True)),
        numbers={f"slowdown_at_{w}": r for r, w in zip(ratios, many, strict=True)},
        reason_if_not="машина была занята другими программами, разброс больше разницы",
    )
alone = timings[(None, "threads", 1)].median / timings[(1, "threads", 1)].median
claims.check(
    "one-worker-blas-threads-help",
    "один исполнитель: потоки BLAS ускоряют умножение",
    confirmed=alone < 0.9,
    evidence=f"время с BLAS по умолчанию ÷ время с одним потоком BLAS: ×{alone:.2f}",
    numbers={"default_over_one_thread": alone},
    reason_if_not="ядра машины заняты другими программами или матрицы слишком малы, "
    "чтобы их выгодно делить между потоками",
)

# %%
# Что из этого следует
# --------------------
#
# Если параллелизм уже есть на вашем уровне — пул процессов, пул потоков,
# несколько рабочих процессов веб-сервера, — ограничьте потоки BLAS так, чтобы
# «исполнители × потоки BLAS» не превышали числа логических процессоров.
# Чаще всего это один поток BLAS на исполнителя. Способы:
#
# * переменные окружения ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
#   ``MKL_NUM_THREADS`` — до импорта NumPy: в окружении процесса, который
#   запускает пул (дочерние процессы их унаследуют), или в командной строке;
# * библиотека `threadpoolctl <https://github.com/joblib/threadpoolctl>`_:
#   ``with threadpool_limits(limits=1, user_api="blas"):`` меняет число потоков
#   уже загруженной библиотеки, на время блока; её же ``threadpool_info()``
#   показывает, какие пулы потоков есть в процессе. В зависимостях этого сайта
#   её нет, поэтому число потоков здесь прочитано у самой OpenBLAS.
