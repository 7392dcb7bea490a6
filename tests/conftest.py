"""Shared fixtures: the end-to-end Snakemake runs of the tiny config (started in the background as the session
starts, each run once and shared by every test that reads it), and helpers."""

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
from helpers import ROOT, run_snakemake, snakemake_command
from processes import ENDING, LIVE, kill, start

# One BLAS thread, as in every job of the workflow (common.smk): the tests share two cores with background runs,
# where BLAS threads waiting for a core spin instead of computing.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"


def killed_then_resumed(workdir):
    """Snakemake on the tiny config, killed (SIGKILL of it and its jobs) as soon as the first shard of the run
    store exists, then the same command again: (whether the killed run had already finished, the resumed process)."""
    proc = start(snakemake_command("--cores", "2"), cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    started = lambda: any((workdir / "results/runs").glob("*/shard-*.parquet"))  # noqa: E731
    while not started() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    kill(proc)
    proc.wait()
    LIVE.discard(proc)
    assert proc.returncode == -signal.SIGKILL, f"snakemake exited {proc.returncode} before it was killed"
    finished = (workdir / "results/tables/claims.csv").exists()
    return finished, run_snakemake(workdir, "--cores", "2")


def tiny_run(*args):
    """A BACKGROUND run: Snakemake on the tiny config with ``args``, in its directory."""
    return lambda workdir, cleanup: run_snakemake(workdir, *args)


def slurm_runs(workdir, cleanup):
    """A BACKGROUND run: a private SLURM cluster and the runs on it (slurm_cluster.runs)."""
    import slurm_cluster

    return slurm_cluster.runs(workdir, cleanup)


# Runs that take tens of seconds each, by the name of the fixture that gives their result; each is called with its
# directory and a function that registers what to undo when the session ends. Those some selected test needs start
# in the background when the session starts, BACKGROUND_SLOTS at a time in this order, and each fixture waits for its
# own: meanwhile the other tests and runs keep the cores busy.
BACKGROUND = {
    "e2e_workdir": tiny_run("--cores", "2"),
    "slurm_runs": slurm_runs,
    "cold_1core_workdir": tiny_run("--cores", "1"),
    "resumed_workdir": lambda workdir, cleanup: killed_then_resumed(workdir),
    "sharded_workdir": tiny_run("--cores", "2", "--config", "shard_size=2", "dmf_shard_size=1"),
}
BACKGROUND_SLOTS = 3


# A two-layer run on a 3 x 3 problem: it compiles the GD kernel (the variant every job of the tiny config uses) into
# numba's cache beside the code.
COMPILE_KERNEL = """\
import numpy as np
from implicitreg.linear.simulate import simulate
factors = [np.full((1, 3, 3), 1e-3), np.full((1, 3, 3), 1e-3)]
simulate(np.eye(3), np.eye(3), factors, 0.1, max_steps=5, tol=0.0, n_log=2)
"""


@pytest.fixture(scope="session", autouse=True)
def background_runs(request, tmp_path_factory):
    """Start the BACKGROUND runs the selected tests need: name -> (directory, future of the run's result).

    The kernel is compiled first, once: on a fresh checkout every job that simulates would otherwise compile it,
    several at the same time (about 8 s of CPU each)."""
    needed = {name for item in request.session.items for name in item.fixturenames}
    if needed & set(BACKGROUND):
        subprocess.run([sys.executable, "-c", COMPILE_KERNEL], env=os.environ | {"PYTHONPATH": str(ROOT / "src")},
                       check=True)  # fmt: skip
    with ExitStack() as cleanups, ThreadPoolExecutor(max_workers=BACKGROUND_SLOTS) as pool:
        runs = {}
        for name, job in BACKGROUND.items():
            if name in needed:
                wd = tmp_path_factory.mktemp(name)
                runs[name] = (wd, pool.submit(job, wd, cleanups.callback))
        yield runs
        ENDING.set()
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in list(LIVE):
            kill(proc)


def finished(background_runs, name):
    """The directory of background run ``name`` once it has completed, and what the run returned."""
    wd, future = background_runs[name]
    result = future.result()
    proc = result[-1] if isinstance(result, tuple) else result
    assert proc.returncode == 0, proc.stderr[-3000:]
    return wd, result


@pytest.fixture(scope="session")
def e2e_workdir(background_runs):
    """A directory where the whole DAG of the tiny config has run (``--cores 2``)."""
    return finished(background_runs, "e2e_workdir")[0]


@pytest.fixture(scope="session")
def cold_1core_workdir(background_runs):
    """Another directory where the tiny config has run cold, on one core (``--cores 1``)."""
    return finished(background_runs, "cold_1core_workdir")[0]


@pytest.fixture(scope="session")
def resumed_workdir(background_runs):
    """A directory where the tiny run was killed mid-way and resumed (``killed_then_resumed``): (directory,
    whether the killed run had already finished)."""
    wd, (already_finished, _) = finished(background_runs, "resumed_workdir")
    return wd, already_finished


@pytest.fixture(scope="session")
def sharded_workdir(background_runs):
    """A directory where the tiny config has run with at most two GD runs and one DMF run per shard:
    (directory, the Snakemake process)."""
    return finished(background_runs, "sharded_workdir")


def pytest_collection_modifyitems(config, items):
    """Every test that runs Snakemake (under tests/workflow/, or reading a BACKGROUND run) is marked ``e2e``;
    ``pytest -m "not e2e"`` is the quick loop."""
    for item in items:
        if set(BACKGROUND) & set(item.fixturenames) or "workflow" in item.path.parts[-2:-1]:
            item.add_marker(pytest.mark.e2e)
