"""End to end (tiny config): the depth and DMF stages write their tables, figures and claims."""

import numpy as np
import pandas as pd
import pytest

from implicitreg.dmf import model as dmf
from implicitreg.io import store

TABLES = {
    "results/tables/depth_transitions.csv": ["run_id", "dataset", "depth", "eta", "delta", "component", "sigma",
                                             "lambda", "k_measured", "k_predicted", "k_flow", "rel_error_flow",
                                             "stage_width"],
    "results/tables/dmf_runs.csv": ["run_id", "experiment", "model", "task", "n", "rank", "depth", "alpha", "eta",
                                    "observed", "seed", "n_steps", "status", "final_loss", "final_grad_norm",
                                    "n_stages", "one_per_stage"],
    "results/tables/dmf_trajectories.parquet": ["run_id", "step", "loss", "grad_norm", "sv_1"],
    "results/tables/dmf_stages.csv": ["run_id", "stage", "singular_values", "k_start", "k_end"],
    "results/tables/dmf_curvature.csv": ["run_id", "point", "kind", "step", "loss", "lambda_min", "lambda_max",
                                         "resolved"],
    "results/tables/T4_dmf_stages.csv": ["experiment", "task", "depth", "alpha", "rank", "runs", "stages_min",
                                         "stages_max", "exact_fraction"],
}  # fmt: skip


def read(path):
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_tables(e2e_workdir, name):
    df = read(e2e_workdir / name)
    assert list(df.columns)[: len(TABLES[name])] == TABLES[name]
    assert len(df) > 0


def test_dmf_runs(e2e_workdir):
    """The dmf analysis's tables hold exactly the runs of its experiment (the tiny config's dmf_reconstruction); the
    completion analysis's runs are stored beside them and tabulated in its own tables."""
    runs = pd.read_csv(e2e_workdir / "results/tables/dmf_runs.csv")
    shards = sorted((e2e_workdir / "results/dmf/dmf_reconstruction").glob("shard-*.parquet"))
    assert sorted(runs["run_id"]) == sorted(r for p in shards for r in store.run_ids(p))
    assert set(runs["model"]) == {"dmf"} and set(runs["task"]) == {"reconstruction"}
    completion = pd.read_csv(e2e_workdir / "results/tables/completion_runs.csv")
    gd = completion[completion["method"] != "nuclear"]  # one row per DMF run, then one per problem's baseline
    shards = sorted((e2e_workdir / "results/dmf/completion").glob("shard-*.parquet"))
    assert len(gd) and sorted(gd["run_id"]) == sorted(r for p in shards for r in store.run_ids(p))
    assert set(runs["status"]) <= {"converged", "max_steps", "diverged"}
    t4 = pd.read_csv(e2e_workdir / "results/tables/T4_dmf_stages.csv")
    assert t4["runs"].sum() == len(runs)


def test_dmf_run_file_replays_its_first_steps(e2e_workdir):
    runs = pd.read_csv(e2e_workdir / "results/tables/dmf_runs.csv")
    run_id = runs.loc[runs["depth"] == 3, "run_id"].iloc[0]
    r = store.load_run(store.shard_of_run(run_id, e2e_workdir), run_id)
    F0 = [r[f"W0_{j}"] for j in range(3)]
    tr = dmf.simulate(r["M"], r["mask"], F0, r["eta"].item(), max_steps=int(r["n_steps"]), n_log=5,
                      n_sv=r["sv"].shape[1], tol=0.0)  # fmt: skip
    for j in range(3):
        np.testing.assert_array_equal(tr.factors[-1][j], r[f"Wfinal_{j}"])
    assert tr.loss[-1] == r["loss"][-1]


def test_depth_figures_and_claims(e2e_workdir):
    for fig in ("F9_depth", "F10_dmf"):
        for ext in ("pdf", "png"):
            assert (e2e_workdir / f"figures/{fig}.{ext}").stat().st_size > 10_000
    claims = pd.read_csv(e2e_workdir / "results/tables/claims.csv", dtype={"claim_id": str}).set_index("claim_id")
    assert {"13", "14", "14b", "15"} <= set(claims.index)
    assert np.isfinite(claims.loc[["13", "14b", "15"], "measured"]).all()
    assert claims.loc["14", "source"] == "C22" and claims.loc["13", "source"] == "beyond"
