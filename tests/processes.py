"""Processes the tests start, each in a session (process group) of its own, and which of them still run.

One module for the whole test session (conftest.py may be imported twice, by pytest and by the tests): when the
session ends early (a failure under -x, Ctrl-C), the background runs nobody waits for any more are killed with
everything they started (conftest.background_runs), instead of holding the end of the session until they finish.
"""

import contextlib
import os
import signal
import subprocess
import threading

# Processes started by ``start`` that are still running, and whether the session is ending.
LIVE: set[subprocess.Popen] = set()
ENDING = threading.Event()


def start(cmd, **kw):
    """``subprocess.Popen(cmd, **kw)`` in a session (process group) of its own, registered in LIVE."""
    if ENDING.is_set():
        raise RuntimeError("the test session is ending: no new process")
    proc = subprocess.Popen(cmd, start_new_session=True, **kw)
    LIVE.add(proc)
    return proc


def kill(proc):
    """SIGKILL ``proc`` and every process of its group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def run(cmd, timeout=900, **kw):
    """``subprocess.run(cmd, capture_output=True, text=True)`` through ``start``; killed with its group after
    ``timeout`` seconds."""
    proc = start(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill(proc)
        proc.communicate()
        raise
    finally:
        LIVE.discard(proc)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)
