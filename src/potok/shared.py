"""Getting data to a child process and back, and the work of chapter 9's pools.

Used by ``examples/09_shared_data``. Two kinds of code live here:

* functions that run in a child process (pool tasks, pool initializers, the
  servers behind each transport). They are top level, take and return plain
  picklable values and print nothing, so that spawn and forkserver children can
  import them;
* :class:`Transport` and its subclasses, which run in the parent: each one is a
  way to hand a payload of bytes to an already running child and get its answer
  back (pickled pool arguments, ``Queue``, ``Pipe``, ``SharedMemory``, a shared
  ``Array``, a ``Manager`` proxy). A transport is a context manager: leaving the
  ``with`` block stops its child, joins it and frees what it created (shared
  memory is unlinked, the manager shut down, queues closed), on every path.

Standard library only.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import shared_memory

#: How long the parent waits for a child's answer before giving up, in seconds.
TIMEOUT = 60.0

# --- pool tasks -------------------------------------------------------------------


def square(x: int) -> int:
    """The smallest task there is: most of its cost is getting it to a worker."""
    return x * x


def nap(seconds: float) -> float:
    """Waits ``seconds`` (a task of known length) and returns them."""
    threading.Event().wait(seconds)
    return seconds


_TAG: str | None = None


def init_worker(tag: str) -> None:
    """A pool ``initializer``: runs once in every worker before its first task."""
    global _TAG
    _TAG = tag


def worker_tag(_: object = None) -> tuple[int, str | None]:
    """``(pid, tag)``: which worker ran the task and what its initializer set."""
    return os.getpid(), _TAG


def last_byte(data: bytes) -> int:
    """The last byte of ``data``: proof that the whole payload arrived."""
    return data[-1]


def compute_on(data: bytes, n: int) -> int:
    """``n`` iterations of pure-Python arithmetic on a task that carries ``data``.

    The data is only looked at (its last byte), so what a pool pays for it is
    getting it to the worker: nothing for a thread, a pickled copy for a process.
    """
    total = data[-1]
    for i in range(n):
        total += i * i
    return total


# --- transports: one running child, payloads sent one at a time ---------------------


class Transport:
    """A way to hand ``bytes`` to a running child and get its answer back.

    ``with Kind(ctx) as t: t.send(payload)`` starts the child on entry; each
    :meth:`send` delivers the payload and returns what the child read from it
    (its last byte); leaving the block stops and joins the child and frees what
    the transport created, whether the block ended normally or by an exception.
    """

    #: A short Russian name for legends and tables.
    label = ""

    def __init__(self, ctx=None, capacity: int = 1 << 20):
        self.ctx = ctx or multiprocessing.get_context()
        self.capacity = capacity

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def send(self, payload: bytes) -> int:
        raise NotImplementedError


def _join(process, timeout: float = TIMEOUT) -> None:
    """Join ``process``; one that does not end in time is terminated and joined."""
    if process is None or process.pid is None:
        return
    process.join(timeout)
    if process.is_alive():
        process.terminate()
        process.join(timeout)


def _answer(conn) -> object:
    if not conn.poll(TIMEOUT):
        raise TimeoutError(f"no answer from the child in {TIMEOUT:.0f} s")
    return conn.recv()


class PoolTransport(Transport):
    """``ProcessPoolExecutor.submit(f, payload)``: the argument is pickled."""

    label = "аргумент задачи пула (pickle)"

    def start(self) -> None:
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=self.ctx)
        self.pool.submit(last_byte, b"\0").result(TIMEOUT)  # start the worker

    def stop(self) -> None:
        pool = getattr(self, "pool", None)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def send(self, payload: bytes) -> int:
        return self.pool.submit(last_byte, payload).result(TIMEOUT)


def queue_server(inbox, outbox) -> int:
    """Child side of :class:`QueueTransport`: answer each payload until ``None``."""
    served = 0
    while (data := inbox.get()) is not None:
        outbox.put(data[-1])
        served += 1
    return served


class QueueTransport(Transport):
    """``multiprocessing.Queue``: pickled, written by a feeder thread to a pipe."""

    label = "Queue"

    def start(self) -> None:
        self.inbox, self.outbox = self.ctx.Queue(), self.ctx.Queue()
        self.process = self.ctx.Process(
            target=queue_server, args=(self.inbox, self.outbox), daemon=True
        )
        self.process.start()

    def stop(self) -> None:
        process = getattr(self, "process", None)
        if process is not None and process.is_alive():
            self.inbox.put(None)
        _join(process)
        for q in (getattr(self, "inbox", None), getattr(self, "outbox", None)):
            if q is not None:
                q.close()
                q.join_thread()

    def send(self, payload: bytes) -> int:
        self.inbox.put(payload)
        return self.outbox.get(timeout=TIMEOUT)


def pipe_server(conn) -> int:
    """Child side of :class:`PipeTransport`: raw bytes in, last byte back."""
    served = 0
    try:
        while data := conn.recv_bytes():  # an empty message means stop
            conn.send(data[-1])
            served += 1
    finally:
        conn.close()
    return served


class PipeTransport(Transport):
    """``Pipe`` with ``send_bytes``: no pickling, the bytes go as they are."""

    label = "Pipe (send_bytes)"

    def start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.process = self.ctx.Process(target=pipe_server, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        process = getattr(self, "process", None)
        conn = getattr(self, "conn", None)
        if conn is not None:
            try:
                if process is not None and process.is_alive():
                    conn.send_bytes(b"")
            except OSError:
                pass
        _join(process)
        if conn is not None:
            conn.close()

    def send(self, payload: bytes) -> int:
        self.conn.send_bytes(payload)
        return _answer(self.conn)


def shm_server(name: str, conn) -> int:
    """Child side of :class:`SharedMemoryTransport`: read the shared block in place.

    Attaches to the block by name once; then for every size it is sent it reads
    the last byte of that many bytes and answers, until it is sent ``None``.
    """
    shm = shared_memory.SharedMemory(name=name)
    served = 0
    try:
        while (size := conn.recv()) is not None:
            conn.send(shm.buf[size - 1])
            served += 1
    finally:
        shm.close()
        conn.close()
    return served


class _SignalledTransport(Transport):
    """Data in memory both processes see; a ``Pipe`` only says how much is there."""

    def _start_child(self, target, first_arg) -> None:
        self.conn, child = self.ctx.Pipe()
        self.process = self.ctx.Process(
            target=target, args=(first_arg, child), daemon=True
        )
        self.process.start()
        child.close()

    def _stop_child(self) -> None:
        process = getattr(self, "process", None)
        conn = getattr(self, "conn", None)
        if conn is not None:
            try:
                if process is not None and process.is_alive():
                    conn.send(None)
            except OSError:
                pass
        _join(process)
        if conn is not None:
            conn.close()

    def _signal(self, size: int) -> int:
        self.conn.send(size)
        return _answer(self.conn)


class SharedMemoryTransport(_SignalledTransport):
    """``SharedMemory``: the parent copies the payload into a block the child maps."""

    label = "SharedMemory"

    def start(self) -> None:
        self.shm = shared_memory.SharedMemory(create=True, size=self.capacity)
        self._start_child(shm_server, self.shm.name)

    def stop(self) -> None:
        try:
            self._stop_child()
        finally:
            shm = getattr(self, "shm", None)
            if shm is not None:
                shm.close()
                shm.unlink()
                self.shm = None

    def send(self, payload: bytes) -> int:
        size = len(payload)
        self.shm.buf[:size] = payload
        return self._signal(size)


def array_server(array, conn) -> int:
    """Child side of :class:`ArrayTransport`: read the shared array in place."""
    served = 0
    try:
        while (size := conn.recv()) is not None:
            conn.send(array[size - 1])
            served += 1
    finally:
        conn.close()
    return served


class ArrayTransport(_SignalledTransport):
    """``multiprocessing.Array('B', n, lock=False)``: shared ``ctypes`` memory.

    The array can only be handed to a child when the child is created (as a
    ``Process`` argument), not sent to it later through a queue or a pipe.
    """

    label = "Array"

    def start(self) -> None:
        self.array = self.ctx.Array("B", self.capacity, lock=False)
        self.view = memoryview(self.array).cast("B")
        self._start_child(array_server, self.array)

    def stop(self) -> None:
        try:
            self._stop_child()
        finally:
            view = getattr(self, "view", None)
            if view is not None:
                view.release()
                self.view = None

    def send(self, payload: bytes) -> int:
        size = len(payload)
        self.view[:size] = payload
        return self._signal(size)


class ManagerTransport(Transport):
    """A ``Manager().dict()`` proxy: every operation is a request to its process."""

    label = "Manager (прокси dict)"

    def start(self) -> None:
        self.manager = self.ctx.Manager()
        self.data = self.manager.dict()

    def stop(self) -> None:
        self.data = None
        manager = getattr(self, "manager", None)
        if manager is not None:
            manager.shutdown()
            self.manager = None

    def send(self, payload: bytes) -> int:
        # Pickled and sent to the manager's process; the call returns when the
        # manager answers that it has stored it (one round trip, like the others).
        self.data["payload"] = payload
        return payload[-1]


#: Every transport, in the order the examples show them.
TRANSPORTS = (
    PoolTransport,
    QueueTransport,
    PipeTransport,
    SharedMemoryTransport,
    ArrayTransport,
    ManagerTransport,
)


def format_bytes(size: int) -> str:
    """``1024`` → ``"1 КиБ"``, ``3 << 20`` → ``"3 МиБ"``: a size for axes and tables."""
    for unit, step in (("ГиБ", 1 << 30), ("МиБ", 1 << 20), ("КиБ", 1 << 10)):
        if size >= step:
            value = size / step
            return (
                f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
            )
    return f"{size} Б"


def leftovers() -> tuple[list[str], list[str]]:
    """Child processes and extra threads still alive in this process (names).

    An example calls it last and prints it: both lists should be empty.
    """
    children = [p.name for p in multiprocessing.active_children()]
    threads = [
        t.name for t in threading.enumerate() if t is not threading.main_thread()
    ]
    return children, threads
