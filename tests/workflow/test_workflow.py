"""End to end: Snakemake runs the whole DAG on a tiny config; every contract file and column exists."""

import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import ROOT, TINY, run_snakemake

from implicitreg.claims.registry import active
from implicitreg.claims.rows import holds
from implicitreg.config.check import validate
from implicitreg.io import contract, store
from implicitreg.io import files as fileio
from implicitreg.linear import simulate as dynamics


@pytest.fixture(scope="module")
def workdir(e2e_workdir):
    return e2e_workdir


def read(path):
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


TINY_CONFIG = validate(yaml.safe_load(TINY.read_text()))


@pytest.mark.parametrize("name", contract.active_tables(TINY_CONFIG["analyses"]))
def test_contract_tables(workdir, name):
    """Every table the tiny config makes has exactly the contract's columns (io/contract.py) and rows."""
    df = contract.read_table(name, workdir / contract.path(name))
    contract.check_columns(name, df.columns)
    assert len(df) > 0
    optional = contract.TABLES[name].optional  # documented empty cells; None: any column may be empty
    if optional is not None:
        assert not df.drop(columns=list(optional)).isna().any().any()


def test_runs_table_matches_run_store(workdir):
    """runs.csv lists exactly the runs of the store's shards, in every experiment's order."""
    runs = pd.read_csv(workdir / "results/tables/runs.csv")
    stored = [r for p in sorted((workdir / "results/runs").glob("*/shard-*.parquet")) for r in store.run_ids(p)]
    assert sorted(runs["run_id"]) == sorted(stored) and len(stored) == len(set(stored))
    assert set(runs["status"]) <= {"converged", "max_steps", "diverged"}
    assert set(runs["model"]) == {"linear", "two_layer", "deep"}


def test_run_replays_from_the_store_and_its_dataset(workdir, tmp_path):
    """``python -m implicitreg run RUN_ID --npz`` gives back one run, which replays bit for bit from its initial
    factors and dataset."""
    run_id = "staircase-autoencoder-L2-w3-eta0.05-delta12-aligned-s0"
    out = tmp_path / "run.npz"
    proc = subprocess.run([sys.executable, "-m", "implicitreg", "run", run_id, "--npz", str(out)], cwd=workdir,
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert f"{run_id}  in results/runs/staircase/shard-0-of-1.parquet" in proc.stdout
    r = fileio.load_npz(out)
    ds = fileio.load_npz(workdir / "results/datasets/autoencoder.npz")
    assert r["W"].shape == (r["steps"].size, 3, 3) and r["steps"][0] == 0
    (tr,) = dynamics.simulate(
        ds["Sigma_x"], ds["Sigma_xy"], [r["W0_0"][None], r["W0_1"][None]], r["eta"].item(),
        max_steps=int(r["n_steps"]), tol=0.0, n_log=5,
    )  # fmt: skip
    np.testing.assert_array_equal(tr.factors[0], r["Wfinal_0"])
    np.testing.assert_array_equal(tr.factors[1], r["Wfinal_1"])


def test_datasets_and_figures_exist(workdir):
    for ds in ("autoencoder", "coloured"):
        arrays = fileio.load_npz(workdir / f"results/datasets/{ds}.npz")
        assert {"Sigma_x", "Sigma_xy", "U", "V", "lam", "sigma"} <= set(arrays)
        assert (workdir / f"results/datasets/{ds}.json").stat().st_size > 0
    for fig in ("F1_staircase", "F2_sequential", "F3_transitions"):
        for ext in ("pdf", "png"):
            assert (workdir / f"figures/{fig}.{ext}").stat().st_size > 10_000


def test_claims_are_measured_and_every_verdict_is_its_criterion(workdir):
    claims = pd.read_csv(workdir / "results/tables/claims.csv", dtype={"claim_id": str})
    assert list(claims["claim_id"]) == [c.claim_id for c in active(TINY_CONFIG)]
    assert claims["passed"].dtype == bool and set(claims["kind"]) <= {"paper", "derived", "boundary"}
    for row in claims.itertuples():
        assert row.passed == holds(row.criterion, row.measured), row.claim_id
    assert (workdir / "docs/CLAIMS.md").read_text().count("\n| ") == len(claims) + 2  # header, rule, one per claim


def test_claims_command_prints_every_claim_and_fails_loudly(workdir):
    table = workdir / "results/tables/claims.csv"
    proc = subprocess.run([sys.executable, "-m", "implicitreg", "claims", "--table", str(table)],
                          capture_output=True, text=True)  # fmt: skip
    claims = pd.read_csv(table, dtype={"claim_id": str})
    lines = proc.stdout.splitlines()
    assert len(lines) == len(claims) + 1
    for line, row in zip(lines, claims.itertuples()):
        assert line.split()[:3] == [row.claim_id, row.kind, "passed" if row.passed else "FAILED"]
        assert line.endswith(row.criterion)
    loud = claims["kind"].isin(["paper", "derived"]) & ~claims["passed"]
    assert proc.returncode == (1 if loud.any() else 0)
    good = claims[~loud]
    good.to_csv(workdir / "claims_passing.csv", index=False)
    ok = subprocess.run([sys.executable, "-m", "implicitreg", "claims", "--table", str(workdir / "claims_passing.csv")],
                        capture_output=True, text=True)  # fmt: skip
    assert ok.returncode == 0, ok.stdout


def test_nothing_left_to_do(workdir):
    proc = run_snakemake(workdir, "-n")
    assert proc.returncode == 0
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_snakemake_lint_and_format():
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    snakefmt = shutil.which("snakefmt") or pytest.skip("snakefmt not installed")
    proc = subprocess.run([snakefmt, "--check", "."], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
