"""End to end (tiny config): the beyond-the-assumptions tables, figures and claims 9-12."""

import numpy as np
import pandas as pd
import pytest

from implicitreg.tables.phase_cells import OBSERVED, PHASE_COLUMNS
from implicitreg.tables.test_risk import BEST_COLUMNS, T3_COLUMNS


@pytest.fixture(scope="module")
def workdir(e2e_workdir):
    return e2e_workdir


def test_phase_table_classifies_every_cell(workdir):
    phase = pd.read_csv(workdir / "results/tables/phase_diagram.csv")
    assert list(phase.columns) == PHASE_COLUMNS
    assert len(phase) == 3 and set(phase["observed"]) <= set(OBSERVED)
    np.testing.assert_allclose(phase["eta_sigma1"], [0.3, 0.7, 1.3])
    assert phase["observed"].iloc[0] == "monotone"


def test_rotation_table(workdir):
    rot = pd.read_csv(workdir / "results/tables/rotation_deviation.csv")
    assert set(rot["model"]) == {"linear", "two_layer"} and sorted(rot["epsilon"].unique()) == [0.0, 0.1]
    zero = rot[rot["epsilon"] == 0]
    assert (zero["commutator"] < 1e-15).all() and (zero["deviation"] < 1e-12).all()
    assert (rot.loc[rot["epsilon"] > 0, "commutator"] > 0).all()


def test_generalization_tables(workdir):
    risk = pd.read_csv(workdir / "results/tables/test_risk.csv")
    assert set(risk["method"]) == {"two_layer", "linear", "rrr", "ridge", "rr_ridge", "teacher"}
    assert np.isfinite(risk["test_risk"]).all()
    best = pd.read_csv(workdir / "results/tables/best_test_risk.csv")
    assert list(best.columns) == BEST_COLUMNS and not best.isna().any().any()
    assert list(best["dataset"]) == ["teacher.0", "teacher.1", "teacher.2"]  # every draw of the dataset
    assert (best["rrr"] <= best["least_squares"]).all()  # the full rank is one of the ranks
    t3 = pd.read_csv(workdir / "results/tables/T3_generalization.csv")
    assert list(t3.columns) == T3_COLUMNS and (t3["n_datasets"] == 3).all()
    assert ((t3["q05"] <= t3["median"]) & (t3["median"] <= t3["q95"])).all()


def test_claims_9_to_12_and_figures(workdir):
    claims = pd.read_csv(workdir / "results/tables/claims.csv", dtype={"claim_id": str})
    assert {"9", "9b", "10", "11", "11b", "12"} <= set(claims["claim_id"])
    for fig in ("F6_phase", "F7_beyond", "F8_generalization"):
        for ext in ("pdf", "png"):
            assert (workdir / f"figures/{fig}.{ext}").stat().st_size > 10_000
