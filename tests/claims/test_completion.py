"""Claims 16, 17 and boundary 17b on constructed completion tables."""

import numpy as np
import pandas as pd

from implicitreg.claims.completion import claim_below_dof, claim_depth_beats_nuclear, claim_recovery
from implicitreg.claims.rows import holds

CONFIG = {
    "analyses": {"completion": {"experiment": "c"}},
    "dmf_experiments": {"c": {"singular_values": [1.0, 0.5, 0.25]}},
    "claims": {"dmf_small_init": 0.01, "completion_recovered": 1e-3, "completion_dmf_error": 1e-2,
               "completion_failed": 0.1},
    "dmf_size": "default",
}  # fmt: skip


def passed(m) -> bool:
    return holds(m.criterion.text, m.measured)


def cell(rank, m, errors: dict, status="converged", one=True) -> list[dict]:
    """One seed of every method in cell (rank, m): ``errors`` by method."""
    dof = rank * (40 - rank)
    rows = []
    for method, error in errors.items():
        depth = np.nan if method == "nuclear" else int(method.split()[1])
        rows.append({"problem_id": f"c-n20-R{rank}-m{m}-s0", "method": method, "depth": depth, "rank": rank,
                     "observed_entries": m, "dof": dof, "seed": 0, "alpha": np.nan if method == "nuclear" else 1e-3,
                     "status": "optimal" if method == "nuclear" else status, "error": error, "erank": 2.0,
                     "n_stages": np.nan if method == "nuclear" else rank, "one_per_stage": one,
                     "run_id": None if method == "nuclear" else f"c-N{depth}-R{rank}-m{m}"})  # fmt: skip
    return rows


def table(*cells) -> dict:
    return {"completion_runs": pd.DataFrame([r for c in cells for r in c])}


def test_claim_17_counts_the_cells_above_dof_where_the_nuclear_norm_fails():
    good = {"depth 2": 0.3, "depth 3": 0.01, "nuclear": 0.2}
    t = table(
        cell(2, 90, good),
        cell(2, 130, good),
        cell(3, 130, {"depth 2": 0.3, "depth 3": 0.25, "nuclear": 0.2}),
        cell(2, 250, {"depth 2": 0.01, "depth 3": 0.5, "nuclear": 1e-8}),  # nuclear recovers: not counted
        cell(2, 50, {"depth 2": 0.9, "depth 3": 0.1, "nuclear": 0.8}),
    )  # below dof: not counted
    m = claim_depth_beats_nuclear(t, CONFIG)
    assert m.measured == 2 / 3 and not passed(m)
    assert "2 of 3" in m.metric and "R=3 m=130" in m.metric and "m=250" not in m.metric


def test_claim_17_with_fewer_than_three_cells_fails_even_if_all_hold():
    good = {"depth 2": 0.3, "depth 3": 0.01, "nuclear": 0.2}
    m = claim_depth_beats_nuclear(table(cell(2, 90, good), cell(2, 130, good)), CONFIG)
    assert np.isnan(m.measured) and not passed(m) and "fewer than 3" in m.metric


def test_claim_17b_needs_every_method_to_fail_below_dof():
    fail = {"depth 2": 0.9, "depth 3": 0.8, "nuclear": 0.7}
    t = table(cell(2, 50, fail), cell(3, 50, fail), cell(3, 90, fail))
    assert passed(claim_below_dof(t, CONFIG))
    t = table(cell(2, 50, fail), cell(3, 50, fail), cell(3, 90, fail | {"depth 3": 0.05}))
    m = claim_below_dof(t, CONFIG)
    assert m.measured == 2 / 3 and not passed(m)
    assert np.isnan(claim_below_dof(table(cell(2, 50, fail)), CONFIG).measured)


def test_claim_16_counts_deep_runs_on_problems_the_nuclear_norm_recovers():
    t = table(
        cell(2, 250, {"depth 1": 0.5, "depth 2": 0.005, "depth 3": 0.02, "nuclear": 1e-8}),
        cell(3, 130, {"depth 2": 0.5, "depth 3": 0.5, "nuclear": 0.3}),
    )  # not recovered: not counted
    m = claim_recovery(t, CONFIG)
    assert m.measured == 0.5 and not passed(m)  # depth 3 ends at 0.02 > 1e-2; depth 1 is not counted
    assert "1 of 2" in m.metric and "c-N3-R2-m250" in m.metric
    t = table(cell(2, 250, {"depth 2": 0.005, "nuclear": 1e-8}, status="stopped"))
    m = claim_recovery(t, CONFIG)
    assert passed(m) and "stopped at max_steps" in m.metric and "c-N2-R2-m250" in m.metric
    assert np.isnan(claim_recovery(table(cell(3, 130, {"depth 2": 0.5, "nuclear": 0.3})), CONFIG).measured)


def test_claim_16_takes_s_R_at_the_run_size():
    """With dmf_size large the small-initialization premise ``alpha <= 0.01 s_R`` reads the large setting's
    singular values: rank 5 exists only there; alpha 1e-3 is small for s_5 = 0.2, not for s_5 = 0.05."""
    t = table(cell(5, 5000, {"depth 2": 0.005, "nuclear": 1e-8}))
    for s_5, counted in ((0.2, "1 of 1"), (0.05, "0 of 0")):
        large = {"singular_values": [1.0, 0.8, 0.6, 0.4, s_5]}
        config = CONFIG | {"dmf_size": "large", "dmf_large": {},
                           "dmf_experiments": {"c": CONFIG["dmf_experiments"]["c"] | {"large": large}}}  # fmt: skip
        assert claim_recovery(t, config).metric.startswith(counted)
