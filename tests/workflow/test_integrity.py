"""Damaged outputs are never certified, on a copy of the tiny run (outputs, write-time records, metadata).

- a table changed by one digit: ``snakemake`` refuses before any job (exit 1, naming the file, its producer
  and the command that rebuilds it), nothing else changes, and ``verify`` reports it;
- a truncated run file: the same refusal, and the command it names restores every byte;
- a deleted dataset file: rebuilt, with everything computed from it, byte-identical;
- a live run's lock held from another PID namespace: kept and named, Snakemake refuses to run beside it.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest
from helpers import ROOT, needs_unshare, python, run_snakemake, tree_hashes

from implicitreg.io import files as fileio
from implicitreg.io import store

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def damaged(e2e_workdir, tmp_path_factory):
    """A copy of the tiny run, modification times kept, with nothing to be done."""
    wd = tmp_path_factory.mktemp("damaged")
    for d in ("results", "figures", "docs", "logs", ".snakemake"):
        shutil.copytree(e2e_workdir / d, wd / d)
    for f in e2e_workdir.glob("ro-crate-*.json"):
        shutil.copy2(f, wd / f.name)
    proc = run_snakemake(wd, "-n")
    assert "Nothing to be done" in proc.stdout + proc.stderr, proc.stderr[-3000:]
    return wd


def verify(workdir):
    cmd = [sys.executable, "-m", "implicitreg", "verify", "--workdir", str(workdir)]
    return subprocess.run(cmd, capture_output=True, text=True, env=os.environ | {"PYTHONPATH": str(ROOT / "src")})


def refusal(proc):
    """The refusal's own lines in Snakemake's output: from its first line to the command."""
    lines = proc.stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("outputs changed"))
    end = next(i for i, line in enumerate(lines) if line.startswith("  snakemake --cores all --forcerun"))
    return "\n".join(lines[start : end + 1])


def test_a_tampered_table_is_refused_before_any_job_and_verify_names_it(damaged):
    before = tree_hashes(damaged)
    table = damaged / "results/tables/transition_times.csv"
    original, st = table.read_bytes(), table.stat()
    header, first, rest = original.split(b"\n", 2)
    table.write_bytes(
        header + b"\n" + re.sub(rb"\d", lambda m: b"%d" % ((int(m[0]) + 1) % 10), first, count=1) + b"\n" + rest
    )
    try:
        proc = run_snakemake(damaged, "--cores", "2")
        print(refusal(proc))
        assert proc.returncode == 1
        assert re.search(
            r"  results/tables/transition_times.csv: sha256 [0-9a-f]{12} on disk, rule merge_run_tables wrote",
            proc.stderr,
        )
        assert "snakemake --cores all --forcerun results/tables/transition_times.csv" in proc.stderr
        after = tree_hashes(damaged)
        assert [f for f in before if after[f] != before[f]] == ["results/tables/transition_times.csv"]
        check = verify(damaged)
        print(check.stdout + check.stderr)
        assert check.returncode == 1 and check.stdout.startswith("changed  results/tables/transition_times.csv")
    finally:
        table.write_bytes(original)
        os.utime(table, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_truncated_run_file_is_named_and_the_named_command_restores_it(damaged):
    before = tree_hashes(damaged)
    run = sorted((damaged / "results/runs/depths").glob("shard-*.parquet"))[0]
    rel = run.relative_to(damaged).as_posix()
    run.write_bytes(run.read_bytes()[: run.stat().st_size // 2])
    with pytest.raises(fileio.UnreadableFileError, match=re.escape(f"{run} cannot be read (ArrowInvalid")):
        store.run_ids(run)
    proc = run_snakemake(damaged, "--cores", "2")
    print(refusal(proc))
    assert proc.returncode == 1 and f"  {rel}: sha256 " in proc.stderr
    command = f"snakemake --cores all --forcerun {rel}"
    assert command in proc.stderr
    rebuilt = run_snakemake(damaged, *command.split()[1:])
    assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
    assert tree_hashes(damaged) == before
    assert verify(damaged).returncode == 0


def test_a_deleted_dataset_file_is_rebuilt(damaged):
    before = tree_hashes(damaged)
    (damaged / "results/datasets/depth_data.npz").unlink()
    proc = run_snakemake(damaged, "--cores", "2")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert re.search(r"^dataset\s+1$", proc.stdout + proc.stderr, flags=re.M)
    assert tree_hashes(damaged) == before
    assert verify(damaged).returncode == 0
    assert "Nothing to be done" in run_snakemake(damaged, "-n").stdout


@needs_unshare
def test_a_live_lock_from_another_pid_namespace_is_kept_and_blocks_a_run(damaged):
    state = damaged / ".snakemake"
    (state / "locks").mkdir(exist_ok=True)
    (state / "locks/0.output.lock").write_text("results/tables/claims.csv\n")
    owner = (
        "import sys, time; from pathlib import Path; from implicitreg.io import locks; "
        "locks.record_lock_owner(Path(sys.argv[1]), ['0.output.lock']); print('ready', flush=True); "
        "time.sleep(120)"
    )
    holder = python(owner, str(state), namespace=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        dry = run_snakemake(damaged, "-n")
        kept = [line for line in dry.stderr.splitlines() if line.startswith("lock ")]
        print("\n".join(kept))
        assert len(kept) == 1 and "0.output.lock kept" in kept[0] and "another PID namespace" in kept[0]
        assert "snakemake --unlock" in kept[0]
        blocked = run_snakemake(damaged, "--cores", "1", "--forcerun", "results/tables/claims.csv")
        assert blocked.returncode == 1 and "LockException" in blocked.stderr, blocked.stderr[-2000:]
        assert (state / "locks/0.output.lock").exists()
    finally:
        holder.kill()
        holder.wait()
    assert run_snakemake(damaged, "--unlock").returncode == 0
    assert not (state / "locks").exists()
