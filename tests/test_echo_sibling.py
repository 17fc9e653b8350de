"""The other side of the ping-pong in examples/02_processes/_echo.py.

The example runs it in a thread and in a child process under every start
method (the matrix); what it does not meet is the other end going away, which
must end the echo instead of hanging the example.
"""

import importlib.util
import multiprocessing
import threading

from conventions import ROOT

spec = importlib.util.spec_from_file_location(
    "_echo", ROOT / "examples" / "02_processes" / "_echo.py"
)
_echo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(_echo)


def test_pipe_echo_sends_back_what_it_gets():
    here, there = multiprocessing.Pipe()
    result = []
    t = threading.Thread(target=lambda: result.append(_echo.pipe_echo(there, 3)))
    t.start()
    for msg in (1, "два", (3,)):
        here.send(msg)
        assert here.recv() == msg
    t.join()
    assert result == [3]


def test_pipe_echo_stops_when_the_other_end_closes():
    here, there = multiprocessing.Pipe()
    here.close()
    assert _echo.pipe_echo(there, 5) == 0
