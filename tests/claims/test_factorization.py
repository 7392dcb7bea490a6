"""Claims 14, 15 and boundary 14b on constructed DMF tables."""

import numpy as np
import pandas as pd

from implicitreg.claims.factorization import claim_curvature, claim_stages, claim_stages_boundary
from implicitreg.claims.rows import holds


def config():
    return {
        "analyses": {"dmf": {"experiment": "x"}},
        "dmf_experiments": {"x": {"singular_values": [1.0, 0.5]}},
        "claims": {"dmf_end_curvature": 1e-3, "dmf_curvature_resolution": 1e-4, "dmf_small_init": 0.01},
    }


def passed(m) -> bool:
    return holds(m.criterion.text, m.measured)


def runs_table():
    # rank 2: s_R = 0.5, premise alpha <= 0.005; c is outside it
    return pd.DataFrame(
        {
            "run_id": ["a", "b", "c"],
            "experiment": "x",
            "rank": 2,
            "alpha": [1e-4, 1e-3, 0.1],
            "one_per_stage": [True, False, False],
            "status": ["converged", "max_steps", "converged"],
            "final_grad_norm": 1e-6,
        }
    )


def trajectories(order_c=True):
    steps = np.arange(0, 101, 10)
    rise = lambda k0: 1 / (1 + np.exp(-(steps - k0) / 3.0))  # noqa: E731
    frames = []
    for rid, (k1, k2) in {"a": (20, 60), "b": (20, 60), "c": (30, 40) if order_c else (40, 30)}.items():
        frames.append(
            pd.DataFrame(
                {"run_id": rid, "step": steps, "loss": 1.0, "grad_norm": 1.0, "sv_1": rise(k1), "sv_2": 0.5 * rise(k2)}
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_claim_14_counts_runs_under_the_small_initialization_premise():
    m = claim_stages({"dmf_runs": runs_table()}, config())
    assert (
        m.measured == 0.5
        and not passed(m)
        and "failing: b" in m.metric
        and "1 of 2 (95% CI [" in m.metric
        and "3 runs in all" in m.metric
    )


def test_boundary_14b_needs_half_crossings_in_order_and_names_merged_runs():
    m = claim_stages_boundary({"dmf_runs": runs_table(), "dmf_trajectories": trajectories()}, config())
    assert m.measured == 1.0 and passed(m) and "merged stages: c" in m.metric
    m = claim_stages_boundary({"dmf_runs": runs_table(), "dmf_trajectories": trajectories(order_c=False)}, config())
    assert np.isclose(m.measured, 2 / 3) and not passed(m)


def test_claim_15_saddles_and_end_point():
    runs = runs_table().iloc[:1]
    curv = pd.DataFrame(
        {
            "run_id": ["a"] * 3,
            "point": ["plateau_0", "plateau_1", "end"],
            "kind": ["saddle_plateau", "final_plateau", "end"],
            "step": [1, 2, 3],
            "loss": 0.0,
            "lambda_min": [-0.5, -1e-7, -1e-6],
            "lambda_max": [1.0, 2.0, 2.0],
            "resolved": [True, False, False],
        }
    )
    tables = {"dmf_runs": runs, "dmf_curvature": curv, "dmf_trajectories": trajectories()}
    ok = claim_curvature(tables, config())
    assert ok.measured == 1.0 and passed(ok) and "end point -lambda_min / lambda_max max 5e-07" in ok.metric
    bad = claim_curvature(tables | {"dmf_curvature": curv.assign(lambda_min=[0.1, -1e-7, -0.01])}, config())
    assert bad.measured == 0.0 and not passed(bad)
