"""The process of one workflow job: its stderr goes to the job's log, and its exit skips the final collection.

A job is a short-lived Python process. At exit the interpreter garbage-collects every object still alive, which
takes 0.07-0.21 s once numba, scipy, pandas and pyarrow are loaded (``benchmarks/README.md``). ``gc.freeze`` at exit
moves them to the permanent generation first, so the process ends as soon as the script does. No output depends on
that collection: outputs are closed before the script ends (``files.atomic_path``), and ``sys.stderr``, the log,
is flushed at exit whatever the collector does.
"""

from __future__ import annotations

import atexit
import gc
import sys


def start(log: str, line_buffered: bool = False) -> None:
    """Send this process's stderr to ``log`` (line by line if ``line_buffered``) and freeze the collector at exit."""
    sys.stderr = open(log, "w", buffering=1 if line_buffered else -1)  # noqa: SIM115 (stderr until the process ends)
    atexit.register(gc.freeze)
