"""End to end: Snakemake runs the whole DAG on a tiny config; every contract file and column exists."""

import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, run_snakemake

from implicitreg.io import files as fileio
from implicitreg.linear import simulate as dynamics

CONTRACT = {
    "results/tables/runs.csv": ["run_id", "experiment", "dataset", "model", "depth", "width", "eta", "delta",
                                "init", "seed", "n_steps", "status", "final_loss"],
    "results/tables/components.parquet": ["run_id", "step", "component", "value", "target"],
    "results/tables/transition_times.csv": ["run_id", "component", "sigma", "lambda", "k_measured",
                                            "k_predicted", "rel_error"],
    "results/tables/rrr.csv": ["dataset", "rank", "loss", "nuclear_norm"],
    "results/tables/claims.csv": ["claim_id", "source", "statement", "metric", "measured", "expected",
                                  "tolerance", "passed", "evidence"],
}  # fmt: skip


@pytest.fixture(scope="module")
def workdir(e2e_workdir):
    return e2e_workdir


def read(path):
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_contract_tables(workdir, name):
    df = read(workdir / name)
    assert list(df.columns)[: len(CONTRACT[name])] == CONTRACT[name]
    assert len(df) > 0
    optional = ["width", "path_run_id", "path_min_distance", "path_argmin_step"]  # empty where not applicable
    assert not df.drop(columns=optional, errors="ignore").isna().any().any()


def test_runs_table_matches_run_files(workdir):
    runs = pd.read_csv(workdir / "results/tables/runs.csv")
    files = sorted(p.stem for p in (workdir / "results/runs").glob("*.npz"))
    assert sorted(runs["run_id"]) == files
    assert set(runs["status"]) <= {"converged", "max_steps", "diverged"}
    assert set(runs["model"]) == {"linear", "two_layer", "deep"}


def test_run_file_replays_from_itself_and_its_dataset(workdir):
    run_id = "staircase-autoencoder-L2-w3-eta0.05-delta12-aligned-s0"
    r = fileio.load_npz(workdir / f"results/runs/{run_id}.npz")
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


def test_claims_are_measured(workdir):
    claims = pd.read_csv(workdir / "results/tables/claims.csv")
    assert {1, 2, 3, 4, 6} <= set(claims["claim_id"])
    assert claims["claim_id"].is_monotonic_increasing and claims["claim_id"].is_unique
    assert claims["passed"].dtype == bool
    assert np.isfinite(claims["measured"]).all()


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
