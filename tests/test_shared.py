"""potok.shared: the pool tasks and the transports of chapter 9.

Structure and outputs only, never timing ratios: every transport delivers the
payload under every start method, and leaves no child, thread or shared memory
block behind, whether its block ends normally or by an exception.
"""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing import shared_memory

import pytest

from potok import shared, start_methods, workloads

METHODS = multiprocessing.get_all_start_methods()


def test_tasks_return_what_they_say():
    assert shared.square(7) == 49
    assert shared.nap(0) == 0
    assert shared.last_byte(b"\x00\x00\x2a") == 42
    assert shared.compute_on(b"\x05", 100) == workloads.cpu_bound(100) + 5


def test_initializer_sets_what_worker_tag_reads():
    old = shared._TAG
    try:
        shared.init_worker("метка")
        pid, tag = shared.worker_tag()
        assert tag == "метка"
        assert isinstance(pid, int)
    finally:
        shared._TAG = old


@pytest.mark.parametrize(
    ("size", "text"),
    [(64, "64 Б"), (1024, "1 КиБ"), (1536, "1.5 КиБ"), (16 << 20, "16 МиБ")],
)
def test_format_bytes(size, text):
    assert shared.format_bytes(size) == text


def test_every_transport_has_a_distinct_label():
    labels = [kind.label for kind in shared.TRANSPORTS]
    assert all(labels)
    assert len(set(labels)) == len(labels)


def _alive_children():
    return [p for p in multiprocessing.active_children() if p.is_alive()]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("kind", shared.TRANSPORTS, ids=lambda k: k.__name__)
def test_transport_delivers_and_cleans_up(kind, method):
    ctx = start_methods.mp_context(method)
    threads_before = set(threading.enumerate())
    capacity = 1 << 16
    with kind(ctx, capacity=capacity) as transport:
        for payload in (b"\x07", bytes(999) + b"\x08", bytes(capacity - 1) + b"\x09"):
            assert transport.send(payload) == payload[-1]
        if isinstance(transport, shared.ManagerTransport):
            assert transport.data["payload"] == payload
        name = getattr(getattr(transport, "shm", None), "name", None)
    assert _alive_children() == []
    assert set(threading.enumerate()) <= threads_before
    if name is not None:
        with pytest.raises(FileNotFoundError):
            shared_memory.SharedMemory(name=name)


@pytest.mark.parametrize("kind", shared.TRANSPORTS, ids=lambda k: k.__name__)
def test_transport_cleans_up_after_an_exception(kind):
    ctx = start_methods.mp_context()
    name = None
    with (
        pytest.raises(RuntimeError, match="в блоке"),
        kind(ctx, capacity=1024) as transport,
    ):
        assert transport.send(b"\x01") == 1
        name = getattr(getattr(transport, "shm", None), "name", None)
        raise RuntimeError("ошибка в блоке")
    assert _alive_children() == []
    if name is not None:
        with pytest.raises(FileNotFoundError):
            shared_memory.SharedMemory(name=name)


def test_leftovers_is_empty_when_nothing_runs():
    assert shared.leftovers() == ([], [])


def test_leftovers_names_a_running_thread():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="задержавшийся")
    thread.start()
    try:
        assert "задержавшийся" in shared.leftovers()[1]
    finally:
        stop.set()
        thread.join()
