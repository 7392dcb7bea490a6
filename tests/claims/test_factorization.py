"""Claims 14 and 15 on constructed DMF tables."""

import pandas as pd
import pytest

from implicitreg.claims.factorization import claim_curvature, claim_stages


def config():
    return {"analyses": {"dmf": {"experiment": "x"}},
            "claims": {"dmf_end_curvature": 1e-3, "dmf_curvature_resolution": 1e-4}}  # fmt: skip


def test_claims_14_and_15_on_constructed_tables():
    runs = pd.DataFrame({"run_id": ["a", "b"], "experiment": "x", "one_per_stage": [True, False]})
    c14 = claim_stages({"dmf_runs": runs}, config())
    assert c14["measured"] == 0.5 and not c14["passed"] and "failing: b" in c14["metric"]
    curv = pd.DataFrame({"run_id": ["a"] * 3, "point": ["plateau_0", "plateau_1", "end"],
                         "kind": ["saddle_plateau", "final_plateau", "end"], "step": [1, 2, 3], "loss": 0.0,
                         "lambda_min": [-0.5, -1e-7, -1e-6], "lambda_max": [1.0, 2.0, 2.0],
                         "resolved": [True, False, False]})  # fmt: skip
    ok = claim_curvature({"dmf_runs": runs, "dmf_curvature": curv}, config())
    assert ok["passed"] and ok["measured"] == pytest.approx(5e-7)
    bad = claim_curvature({"dmf_runs": runs, "dmf_curvature": curv.assign(lambda_min=[0.1, -1e-7, -0.01])}, config())
    assert not bad["passed"]
