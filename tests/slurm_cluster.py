"""A private single-node SLURM on localhost for the tests, and Snakemake run on it through
snakemake-executor-plugin-slurm with profiles/slurm (tests/workflow/test_slurm.py: what is checked).

Needs root, the SLURM and MUNGE daemons (Debian: ``apt-get install slurm-wlm munge``) and the executor plugin (the
``test`` extra). Without them these tests skip, printing why; with ``REQUIRE_SLURM=1`` (as in CI) they fail.

The cluster is private to the test: its own MUNGE key and socket, free loopback ports, state, spool, logs and pid
files in a temporary directory, so it touches no system configuration. Cgroups may be unavailable, hence
proctrack/linuxproc and task/none; without an accounting daemon ``sacct`` fails, so jobs are followed with
``squeue`` (the profile says so) and MinJobAge is far above 3x the profile's first polling interval. The plugin
starts each job inside its allocation with ``srun``, from an environment stripped of ``SLURM_*`` variables, so
``SLURM_CONF`` does not reach that ``srun``: a real cluster has its slurm.conf at the default path; here an ``srun``
on PATH that sets ``SLURM_CONF`` and runs the real one stands in for it.

Where a cluster run's time goes, and what the test changes on the command line (the profile stays as a real cluster
needs it). Most of it is CPU: every rule of a SLURM job runs in a Snakemake process of its own (started by
``srun``), under the job's own Snakemake process, and each one imports Snakemake and parses the workflow (about 2 s
of CPU) before its script starts; the rest is waiting for the queue (the tiny run alone keeps two cores about 60 %
busy, which is why ``runs`` starts it beside the sweep and the tests start both in the background). The job step
runs Snakemake with ``--jobs 1``, so the rules of a group job run one after another: the profile's one job per group
(right where a queue wait costs minutes) would leave all but one core idle here, so the test splits each group into
about two jobs (TEST_GROUP_COMPONENTS: unconnected parts per job). And the plugin polls 10 s later after every poll
that finds no job finished (up to 180 s), sparing a busy scheduler but costing up to half a level's length per DAG
level here; the test caps that interval at POLL_SECONDS by wrapping the property the plugin sets (FAST_POLLING), so
a finished level is seen within seconds. Neither changes what runs or what is compared.
"""

import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import yaml
from helpers import ROOT, TINY, run_snakemake
from processes import run

from implicitreg.io import contract

PROFILE = ROOT / "profiles/slurm"
SWEEP = ROOT / "tests/configs/overlays/sweep_small.yaml"  # a sweep of 32 runs in 4 shards
SWEEP_TARGETS = [contract.experiment_table(t, "sweep") for t in contract.RUN_TABLES]
COMMANDS = ("munged", "slurmctld", "slurmd", "sbatch", "srun", "squeue", "sinfo", "scontrol", "scancel")
RUN_TIMEOUT = 900  # seconds for one cluster run of the tiny config, enforced by timeout(1)
# Unconnected parts of the tiny DAG per SLURM job, per profile group (the profile: all of a level in one job). The
# tiny DAG has 9 datasets, 9 RRR baselines, 10 figures and the claims with the report pages as separate parts, so
# these give two jobs each; in the tables group, every run table feeds the merged tables (one part of 18 rules) and
# the other 4 parts run beside it.
TEST_GROUP_COMPONENTS = {"prepare": 5, "baselines": 5, "tables": 1, "report": 6}
POLL_SECONDS = 2  # longest wait between two polls of squeue here; the plugin's own limit is 180 s
# ``python -c FAST_POLLING <snakemake arguments>``: Snakemake, with the slurm plugin's interval between status checks
# capped at POLL_SECONDS (the plugin assigns it after every poll; the property comes from the executor interface).
FAST_POLLING = f"""\
import snakemake_executor_plugin_slurm as slurm
from snakemake.cli import main

interval = slurm.Executor.next_seconds_between_status_checks
assert isinstance(interval, property), "the slurm plugin no longer sets next_seconds_between_status_checks"
slurm.Executor.next_seconds_between_status_checks = property(
    interval.fget, lambda self, seconds: interval.fset(self, min(seconds, {POLL_SECONDS}))
)
main()
"""

SLURM_CONF = """\
ClusterName=implicitreg
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={munge_socket}
SlurmUser=root
SlurmdUser=root
StateSaveLocation={dir}/state
SlurmdSpoolDir={dir}/spool
SlurmctldPidFile={dir}/slurmctld.pid
SlurmdPidFile={dir}/slurmd.pid
SlurmctldLogFile={dir}/log/slurmctld.log
SlurmdLogFile={dir}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP DefMemPerCPU=1024
"""


def missing_requirement():
    """Why a local SLURM cannot be brought up here, or None."""
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        return "snakemake-executor-plugin-slurm is not installed (pip install -e '.[test]')"
    if os.name != "posix" or os.geteuid() != 0:
        return "starting slurmd needs root"
    missing = [c for c in COMMANDS if shutil.which(c) is None]
    if missing:
        return f"{', '.join(missing)} not found (apt-get install slurm-wlm munge)"
    return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_daemon(pid_file, name, timeout=15.0):
    """SIGTERM the daemon whose pid is in ``pid_file`` (if it is still ``name``), SIGKILL it after ``timeout``."""
    try:
        pid = int(Path(pid_file).read_text().split()[0])
        if Path(f"/proc/{pid}/comm").read_text().strip() != name:
            return
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError, IndexError):
        return
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    if Path(f"/proc/{pid}").exists():
        os.kill(pid, signal.SIGKILL)


class Cluster:
    """A single-node SLURM in ``dir``: slurm.conf, MUNGE key and socket, daemons' state, logs and pid files."""

    def __init__(self, dir):
        self.dir = Path(dir)
        self.conf = self.dir / "slurm.conf"
        self.munge = self.dir / "munge"
        self.env = os.environ | {
            "SLURM_CONF": str(self.conf),
            "PATH": os.pathsep.join([str(self.dir / "bin"), os.environ["PATH"]]),
        }

    def command(self, *args, check=True):
        proc = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=60)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}: {proc.stderr}\n{self.logs()}")
        return proc

    def write_config(self):
        for sub in ("state", "spool", "log", "bin", "munge"):
            (self.dir / sub).mkdir()
        self.munge.chmod(0o711)
        key = self.munge / "munge.key"
        key.touch(mode=0o600)
        key.write_bytes(secrets.token_bytes(1024))
        cpus = max(8, os.cpu_count() or 1)
        self.conf.write_text(
            SLURM_CONF.format(
                dir=self.dir, munge_socket=self.munge / "munge.socket", ctld_port=free_port(),
                slurmd_port=free_port(), cpus=cpus, memory=2048 * cpus,
            )
        )  # fmt: skip
        srun = self.dir / "bin/srun"
        srun.write_text(f'#!/bin/sh\nSLURM_CONF="{self.conf}" exec {shutil.which("srun")} "$@"\n')
        srun.chmod(0o755)

    def start(self):
        self.command(
            "munged", "--force", f"--socket={self.munge / 'munge.socket'}", f"--key-file={self.munge / 'munge.key'}",
            f"--pid-file={self.munge / 'munged.pid'}", f"--log-file={self.munge / 'munged.log'}",
            f"--seed-file={self.munge / 'munged.seed'}",
        )  # fmt: skip
        self.command("slurmctld")
        self.command("slurmd", "-N", "localhost")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = self.command("sinfo", "-h", "-N", "-o", "%T", check=False).stdout.strip()
            if state == "idle":
                return
            time.sleep(0.5)
        raise RuntimeError(f"node not idle after 60 s (state {state!r}):\n{self.logs()}")

    def stop(self):
        """Cancel every job of this cluster, then stop slurmd, slurmctld and munged by their pid files."""
        if (self.dir / "slurmctld.pid").exists():
            self.command("scancel", "--partition=debug", check=False)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self.command("squeue", "-h", check=False).stdout.strip():
                time.sleep(0.5)
        stop_daemon(self.dir / "slurmd.pid", "slurmd")
        stop_daemon(self.dir / "slurmctld.pid", "slurmctld")
        stop_daemon(self.munge / "munged.pid", "munged")

    def logs(self):
        return "\n".join(f"--- {p.name}\n{p.read_text()[-2000:]}" for p in sorted((self.dir / "log").glob("*.log")))

    def jobs(self):
        """(job id, state) of every job the cluster still knows (all of them: MinJobAge is 600 s)."""
        out = self.command("squeue", "-h", "--states=all", "-o", "%i %T").stdout
        return sorted((int(i), state) for i, state in (line.split() for line in out.splitlines()))


def run_on_cluster(cluster, workdir, configs=(TINY,), targets=()):
    """``snakemake --executor slurm --profile profiles/slurm`` on ``configs`` (the tiny config) in ``workdir``, under
    timeout(1), with the test's group components and polling cap (module docstring)."""
    groups = set(yaml.safe_load((PROFILE / "config.yaml").read_text())["group-components"])
    assert groups == set(TEST_GROUP_COMPONENTS), f"TEST_GROUP_COMPONENTS must name the profile's groups {groups}"
    components = [f"{group}={n}" for group, n in TEST_GROUP_COMPONENTS.items()]
    snakemake = [sys.executable, "-c", FAST_POLLING, "-s", str(ROOT / "Snakefile"), "--configfile", *map(str, configs)]
    cmd = ["timeout", "--kill-after=30", str(RUN_TIMEOUT), *snakemake, "--executor", "slurm", "--profile", str(PROFILE)]
    cmd += ["--group-components", *components, "--", *targets]
    start = time.monotonic()
    proc = run(cmd, timeout=RUN_TIMEOUT + 60, cwd=workdir, env=cluster.env)
    assert "Falling back to 'sacct'" not in proc.stderr, "the plugin left squeue for sacct, which fails here"
    return proc, time.monotonic() - start


def runs(workdir, cleanup):
    """What the SLURM tests read, run at the same time: a cluster in ``workdir`` (``cleanup`` gets its stop), the
    tiny config on it, and the small sharded sweep's own tables on it and locally.

    Returns why SLURM is unavailable, or the cluster and, for ``tiny`` and ``sweep``, (directory, Snakemake process,
    wall seconds) and for ``sweep_local`` (directory, process)."""
    reason = missing_requirement()
    if reason:
        return reason
    dirs = {name: workdir / name for name in ("cluster", "tiny", "sweep", "sweep_local")}
    for d in dirs.values():
        d.mkdir()
    cluster = Cluster(dirs["cluster"])
    cleanup(cluster.stop)
    cluster.write_config()
    cluster.start()
    with ThreadPoolExecutor(max_workers=3) as pool:
        tiny = pool.submit(run_on_cluster, cluster, dirs["tiny"])
        sweep = pool.submit(run_on_cluster, cluster, dirs["sweep"], (TINY, SWEEP), SWEEP_TARGETS)
        local = pool.submit(run_snakemake, dirs["sweep_local"], "--cores", "2", *SWEEP_TARGETS, config=[TINY, SWEEP])
    return SimpleNamespace(
        cluster=cluster,
        tiny=(dirs["tiny"], *tiny.result()),
        sweep=(dirs["sweep"], *sweep.result()),
        sweep_local=(dirs["sweep_local"], local.result()),
    )
