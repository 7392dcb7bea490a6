"""The tiny config on a real SLURM: a single-node cluster on localhost runs it through snakemake-executor-plugin-slurm
with profiles/slurm, and every result file is byte-identical to the local run; a job that fails on the cluster fails
the run, naming its rule, and a rerun after the fault is removed completes the DAG; a small sharded sweep runs as
several SLURM jobs with the bytes of its local run.

The cluster and its runs (tests/slurm_cluster.py) start in the background when the session starts (conftest.py
BACKGROUND), the tiny config and the sweep on the cluster at the same time: much of a cluster run is waiting for the
scheduler, which the other tests fill. Without root, the daemons or the executor plugin these tests skip, printing
why; with ``REQUIRE_SLURM=1`` (as in CI) they fail.
"""

import filecmp
import importlib.util
import json
import os
import re
import subprocess
import sys

import pytest
import yaml
from helpers import ROOT, TINY
from slurm_cluster import PROFILE, run_on_cluster


def unavailable(reason):
    """Skip, or fail where the environment asks for SLURM (REQUIRE_SLURM=1, as in CI)."""
    if os.environ.get("REQUIRE_SLURM") == "1":
        pytest.fail(f"REQUIRE_SLURM=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def slurm_runs(background_runs):
    """The cluster and its runs (slurm_cluster.runs), once they have finished."""
    result = background_runs["slurm_runs"][1].result()
    if isinstance(result, str):
        unavailable(result)
    return result


@pytest.fixture(scope="module")
def cluster(slurm_runs):
    return slurm_runs.cluster


@pytest.fixture(scope="module")
def cluster_run(slurm_runs):
    """The tiny config run on the cluster: (workdir, snakemake process, wall seconds)."""
    wd, proc, seconds = slurm_runs.tiny
    assert proc.returncode == 0, proc.stderr[-5000:] + slurm_runs.cluster.logs()
    return wd, proc, seconds


def submitted(proc):
    """The SLURM job ids a Snakemake run submitted."""
    return sorted(int(j) for j in re.findall(r"submitted with SLURM jobid (\d+)", proc.stderr))


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


def test_cluster_run_is_byte_identical_to_local_run(cluster, e2e_workdir, cluster_run):
    wd, proc, seconds = cluster_run
    n_files = assert_same_results(e2e_workdir, wd)
    states = dict(cluster.jobs())
    rule_jobs = re.findall(r"Finished jobid: \d+ \(Rule: (\w+)\)", proc.stderr)
    rule_jobs = [r for r in rule_jobs if r != "all"]
    jobs = submitted(proc)
    assert jobs and all(states.get(j) == "COMPLETED" for j in jobs), {j: states.get(j) for j in jobs}
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
    part.write_bytes(b"")
    record.unlink()
    failed, seconds_failed = run_on_cluster(cluster, wd)
    states = dict(cluster.jobs())
    new_jobs = [(j, states.get(j)) for j in submitted(failed)]
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


def test_sharded_sweep_runs_as_several_slurm_jobs_with_the_local_bytes(cluster, slurm_runs):
    """A sweep of 32 runs in 4 shards (tests/configs/overlays/sweep_small.yaml): each shard is simulated and
    tabulated in SLURM jobs of its own, and the store and tables are byte-identical to a local run of the targets."""
    local, local_proc = slurm_runs.sweep_local
    assert local_proc.returncode == 0, local_proc.stderr[-3000:]
    remote, proc, seconds = slurm_runs.sweep
    assert proc.returncode == 0, proc.stderr[-5000:] + cluster.logs()
    states = dict(cluster.jobs())
    new_jobs = [(j, states.get(j)) for j in submitted(proc)]
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
