"""F4, F5 and T2 in the end-to-end run of the tiny config, and the configuration checks they rely on."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import mutated

from implicitreg.config.check import ConfigError, validate

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())
PATH_COLUMNS = ["path_run_id", "path_min_distance", "path_argmin_step"]


def test_rrr_table_has_the_path_distances(e2e_workdir):
    rrr = pd.read_csv(e2e_workdir / "results/tables/rrr.csv")
    assert list(rrr.columns) == ["dataset", "rank", "loss", "nuclear_norm", *PATH_COLUMNS]
    measured = rrr[rrr["dataset"].isin(["rrr_agree", "mismatch"]) & (rrr["rank"] > 0)]
    assert len(measured) == 8 and not measured[PATH_COLUMNS].isna().any().any()
    assert rrr.loc[~rrr.index.isin(measured.index), PATH_COLUMNS].isna().all().all()


def test_t2_and_rrr_table_agree(e2e_workdir):
    t2 = pd.read_csv(e2e_workdir / "results/tables/T2_rrr_path.csv")
    rrr = pd.read_csv(e2e_workdir / "results/tables/rrr.csv")
    both = t2.merge(rrr, on=["dataset", "rank"])
    np.testing.assert_array_equal(both["rrr_min_distance"], both["path_min_distance"])
    np.testing.assert_array_equal(both["rrr_argmin_step"], both["path_argmin_step"])
    assert set(t2["plateau_nearest"]) <= {"top_sigma", "rrr", "both"}
    assert t2.loc[t2["dataset"] == "rrr_agree", "top_sigma_equals_rrr"].all()


def test_staircase_distances_and_new_figures(e2e_workdir):
    d = pd.read_csv(e2e_workdir / "results/tables/staircase_limit.csv")
    assert sorted(d["delta"]) == [4.0, 8.0, 16.0] and (d["distance"] > 0).all()
    for fig in ("F4_vanishing", "F5_rrr_path"):
        for ext in ("pdf", "png"):
            assert (e2e_workdir / f"figures/{fig}.{ext}").stat().st_size > 10_000
    claims = pd.read_csv(e2e_workdir / "results/tables/claims.csv", dtype={"claim_id": str}).set_index("claim_id")
    assert {"5", "7", "8"} <= set(claims.index)
    top = d.sort_values("delta").tail(3)
    slope = np.polyfit(np.log(top["delta"]), np.log(top["distance"]), 1)[0]
    assert claims.loc["5", "measured"] == pytest.approx(slope)


@pytest.mark.parametrize(
    "path,value,key",
    [
        (("analyses", "vanishing", "n_grid"), KeyError, "analyses.vanishing.n_grid"),
        (("experiments", "vanishing", "delta"), [10], "experiments.vanishing.delta"),
        (("experiments", "vanishing", "depth"), [1], "experiments.vanishing.depth"),
        (("experiments", "rrr_path", "delta"), [20, 30], "experiments.rrr_path"),
        (("experiments", "rrr_path", "datasets"), ["rrr_agree", "whitened"], "experiments.rrr_path.datasets"),
        (("claims", "rrr_path_distance"), KeyError, "claims.rrr_path_distance"),
    ],
)
def test_path_figure_checks_name_the_key(path, value, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        validate(mutated(CONFIG, path, value))
