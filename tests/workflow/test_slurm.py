"""The tiny config on a real SLURM: a single-node cluster on localhost runs it through snakemake-executor-plugin-slurm
with profiles/slurm, and every result file is byte-identical to the local run; a job that fails on the cluster fails
the run, naming its rule, and a rerun after the fault is removed completes the DAG.

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
needs it). Almost all of it is CPU: every rule of a SLURM job runs in a Snakemake process of its own (started by
``srun``), under the job's own Snakemake process, and each one imports Snakemake and parses the workflow (about 3 s
of CPU) before its script starts; on two cores that, not the scheduler, sets the pace. The job step runs Snakemake
with ``--jobs 1``, so the rules of a group job run one after another: the profile's one job per group (right where a
queue wait costs minutes) would leave all but one core idle here, so the test splits each group into about two jobs
(TEST_GROUP_COMPONENTS: unconnected parts per job). And the plugin polls 10 s later after every poll that finds no
job finished (up to 180 s), sparing a busy scheduler but costing up to half a level's length per DAG level here; the
test caps that interval at POLL_SECONDS by wrapping the property the plugin sets (FAST_POLLING), so a finished
level is seen within seconds. Neither changes what runs or what is compared.
"""

import filecmp
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, TINY, run_snakemake

from implicitreg.io import contract

PROFILE = ROOT / "profiles/slurm"
SWEEP = ROOT / "tests/configs/overlays/sweep_small.yaml"
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


def unavailable(reason):
    """Skip, or fail where the environment asks for SLURM (REQUIRE_SLURM=1, as in CI)."""
    if os.environ.get("REQUIRE_SLURM") == "1":
        pytest.fail(f"REQUIRE_SLURM=1 but {reason}")
    pytest.skip(reason)


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


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A running single-node SLURM on localhost; its daemons are always stopped afterwards."""
    reason = missing_requirement()
    if reason:
        unavailable(reason)
    c = Cluster(tmp_path_factory.mktemp("slurm"))
    try:
        c.write_config()
        c.start()
        yield c
    finally:
        c.stop()


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
    proc = subprocess.run(cmd, cwd=workdir, env=cluster.env, capture_output=True, text=True, timeout=RUN_TIMEOUT + 60)
    assert "Falling back to 'sacct'" not in proc.stderr, "the plugin left squeue for sacct, which fails here"
    return proc, time.monotonic() - start


def result_files(workdir):
    return sorted(
        p.relative_to(workdir) for sub in ("results", "figures") for p in (workdir / sub).rglob("*") if p.is_file()
    )


def assert_same_results(local, remote):
    files = result_files(local)
    assert files, "the local run wrote no results"
    assert result_files(remote) == files
    different = [str(f) for f in files if not filecmp.cmp(local / f, remote / f, shallow=False)]
    assert not different, f"differ from the local run: {different}"
    return len(files)


@pytest.fixture(scope="module")
def cluster_run(cluster, e2e_workdir, tmp_path_factory):
    """The tiny config run on the cluster: (workdir, snakemake process, wall seconds)."""
    wd = tmp_path_factory.mktemp("slurm-run")
    proc, seconds = run_on_cluster(cluster, wd)
    assert proc.returncode == 0, proc.stderr[-5000:] + cluster.logs()
    return wd, proc, seconds


def test_cluster_run_is_byte_identical_to_local_run(cluster, e2e_workdir, cluster_run):
    wd, proc, seconds = cluster_run
    n_files = assert_same_results(e2e_workdir, wd)
    jobs = cluster.jobs()
    rule_jobs = re.findall(r"Finished jobid: \d+ \(Rule: (\w+)\)", proc.stderr)
    rule_jobs = [r for r in rule_jobs if r != "all"]
    submitted = re.findall(r"submitted with SLURM jobid (\d+)", proc.stderr)
    assert jobs and all(state == "COMPLETED" for _, state in jobs), jobs
    assert sorted(int(j) for j in submitted) == [j for j, _ in jobs]
    assert len(jobs) < len(rule_jobs), "grouping did not merge short rules into fewer SLURM jobs"
    print(f"\ncluster run: {seconds:.0f} s wall, {len(rule_jobs)} rule jobs in {len(jobs)} SLURM jobs, "
          f"{n_files} files byte-identical to the local run")  # fmt: skip


def test_failing_job_fails_the_run_and_rerun_completes(cluster, e2e_workdir, cluster_run):
    """Truncating a table that the ``claims`` rule reads (and F4 draws) makes their SLURM job fail; restoring it
    lets the rerun complete with the same bytes as the local run. The table's write-time record goes with it (as a
    file written by an older version would have none): otherwise the run would refuse the damaged file before any
    job (tests/workflow/test_integrity.py), and no SLURM job would fail."""
    wd, _, _ = cluster_run
    part = wd / "results/tables/staircase_limit.csv"
    record = wd / "logs/hashes/results/tables/staircase_limit.csv.json"
    original, original_record = part.read_bytes(), record.read_bytes()
    before = {j for j, _ in cluster.jobs()}
    part.write_bytes(b"")
    record.unlink()
    failed, seconds_failed = run_on_cluster(cluster, wd)
    new_jobs = [(j, state) for j, state in cluster.jobs() if j not in before]
    assert failed.returncode != 0
    assert re.search(r"Error in rule (claims|figure):", failed.stderr), failed.stderr[-5000:]
    assert "FAILED" in {state for _, state in new_jobs}, new_jobs
    assert not (wd / "results/tables/claims.csv").exists()

    part.write_bytes(original)
    record.write_bytes(original_record)
    os.utime(part, ns=(json.loads(original_record)["mtime_ns"],) * 2)  # as written: the record's size and mtime
    rerun, seconds_rerun = run_on_cluster(cluster, wd)
    assert rerun.returncode == 0, rerun.stderr[-5000:]
    assert "Nothing to be done" not in rerun.stderr
    n_files = assert_same_results(e2e_workdir, wd)
    print(f"\nfault: exit {failed.returncode} after {seconds_failed:.0f} s, SLURM jobs {new_jobs}; rerun: "
          f"{seconds_rerun:.0f} s, {n_files} files byte-identical to the local run")  # fmt: skip


def test_sharded_sweep_runs_as_several_slurm_jobs_with_the_local_bytes(cluster, tmp_path):
    """A sweep of 32 runs in 4 shards (tests/configs/overlays/sweep_small.yaml): each shard is simulated and
    tabulated in SLURM jobs of its own, and the store and tables are byte-identical to a local run of the targets."""
    local, remote = tmp_path / "local", tmp_path / "remote"
    local.mkdir(), remote.mkdir()
    targets = [contract.experiment_table(t, "sweep") for t in contract.RUN_TABLES]
    proc = run_snakemake(local, "--cores", "2", *targets, config=[TINY, SWEEP])
    assert proc.returncode == 0, proc.stderr[-3000:]
    before = {j for j, _ in cluster.jobs()}
    proc, seconds = run_on_cluster(cluster, remote, configs=(TINY, SWEEP), targets=targets)
    assert proc.returncode == 0, proc.stderr[-5000:] + cluster.logs()
    new_jobs = [(j, state) for j, state in cluster.jobs() if j not in before]
    shards = sorted(p.name for p in (remote / "results/runs/sweep").glob("shard-*.parquet"))
    assert shards == [f"shard-{k}-of-4.parquet" for k in range(4)]
    simulated = re.findall(r"Finished jobid: \d+ \(Rule: simulate_gd\)", proc.stderr)
    assert len(simulated) == 4 and len(new_jobs) >= 4 + 4 + 1, new_jobs  # shards, shard tables, merge
    assert all(state == "COMPLETED" for _, state in new_jobs), new_jobs
    n_files = assert_same_results(local, remote)
    print(
        f"\nsharded sweep: {seconds:.0f} s wall, {len(new_jobs)} SLURM jobs, {n_files} files byte-identical to the "
        "local run"
    )


def test_profile_groups_stay_closed_on_both_configs():
    """The profile's groups and resources name rules that exist, and both DAGs build with them (a path leaving a
    group and entering it again is an error) -- no cluster needed."""
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        unavailable("snakemake-executor-plugin-slurm is not installed (pip install -e '.[test]')")
    profile = yaml.safe_load((PROFILE / "config.yaml").read_text())
    rules = set(
        subprocess.run(
            [sys.executable, "-m", "snakemake", "--list-rules"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for key in ("groups", "set-resources", "set-threads"):
        assert set(profile[key]) <= rules, f"{key} names rules the workflow does not have"
    for config in ([], ["--configfile", str(TINY)]):
        proc = subprocess.run(
            [sys.executable, "-m", "snakemake", "-n", "-F", "--profile", str(PROFILE), *config],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert re.search(r"Group job \w+", proc.stdout + proc.stderr)
