"""potok.cpu: cores used, from made-up and real CPU times."""

import os
import time

from potok import cpu


def _times(user, system, children_user, children_system):
    return os.times_result((user, system, children_user, children_system, 0.0))


def test_cpu_seconds_adds_the_process_and_its_children():
    assert cpu.cpu_seconds(_times(1.0, 0.5, 2.0, 0.25)) == 3.75


def test_cores_is_cpu_time_over_wall_time():
    assert cpu.Usage(cpu=3.9, wall=2.0).cores == 1.95
    assert cpu.Usage(cpu=1.0, wall=0.0).cores == 0.0


def test_usage_reads_as_a_sentence():
    text = str(cpu.Usage(cpu=3.9, wall=2.0))
    assert "занято ядер: 1.95" in text
    assert "3.90 с" in text and "2.00 с" in text


def test_busy_loop_uses_about_one_core():
    def spin():
        end = time.perf_counter() + 0.2
        while time.perf_counter() < end:
            pass

    usage = cpu.cores_used(spin)
    assert usage.wall >= 0.2
    assert 0.3 < usage.cores <= 1.2


def test_sleep_uses_almost_no_core():
    usage = cpu.cores_used(lambda: time.sleep(0.2))
    assert usage.cores < 0.3


def test_machine_load_names_the_logical_cpus():
    assert f"логических процессоров {os.cpu_count()}" in cpu.machine_load()


def test_children_report_adds_what_the_work_returns():
    usage = cpu.cores_used(lambda: 1.5, children_report=True)
    assert 1.5 <= usage.cpu < 1.6


def test_own_cpu_seconds_leaves_the_children_out():
    assert cpu.own_cpu_seconds(_times(1.0, 0.5, 2.0, 0.25)) == 1.5


def test_a_process_pool_reports_its_workers_cpu_time():
    from concurrent.futures import ProcessPoolExecutor

    from potok import start_methods, workloads

    def in_pool():
        with ProcessPoolExecutor(2, mp_context=start_methods.mp_context()) as pool:
            return sum(pool.map(workloads.cpu_bound_cpu_time, [300_000] * 4))

    usage = cpu.cores_used(in_pool, children_report=True)
    assert usage.cpu > 0.01
