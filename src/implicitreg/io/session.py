"""The Snakemake main process of a run: the environment every job inherits, and its exit once the run has ended.

Nothing here imports Snakemake; the workflow calls these from ``workflow/rules/common.smk``.
"""

from __future__ import annotations

import atexit
import gc
import os
import threading


def configure_jobs() -> None:
    """Set the environment every job inherits (before any job starts).

    One BLAS thread per job: results do not depend on the core count. Arrow's system allocator, not its default
    (mimalloc), which commits a job's first large buffers slowly (0.08 s per 32 MB, benchmarks/README.md); the
    allocator changes no byte written. This process ends as each job's does (``io/job.py``): no final collection
    of what is still alive at exit.
    """
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    atexit.register(gc.freeze)


def cancel_rate_limit_timers() -> int:
    """Cancel every pending ``threading.Timer`` of this process; returns how many there were.

    Snakemake starts a one-second timer after each round of scheduling (its job rate limit,
    --max-jobs-per-timespan) and its process waits for the last one before it exits, up to a second after the
    last job started. When the workflow has ended they have nothing left to schedule.
    """
    timers = [t for t in threading.enumerate() if isinstance(t, threading.Timer)]
    for timer in timers:
        timer.cancel()
    return len(timers)
