"""The main process's setup: one BLAS thread per job, and no wait for Snakemake's rate-limit timers at exit."""

import os
import threading

from implicitreg.io import session


def test_jobs_get_one_blas_thread(monkeypatch):
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "ARROW_DEFAULT_MEMORY_POOL"):
        monkeypatch.setenv(var, "4")
    session.configure_jobs()
    assert [os.environ[v] for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")] == ["1"] * 3
    assert os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "4"  # a choice made outside is kept


def test_pending_timers_are_cancelled():
    fired = threading.Event()
    timer = threading.Timer(30, fired.set)
    timer.start()
    assert session.cancel_rate_limit_timers() >= 1
    timer.join(5)
    assert not timer.is_alive() and not fired.is_set()
