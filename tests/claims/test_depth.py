"""Claim 13 on constructed depth-transition tables: the polynomial law passes, the logarithmic one fails."""

import numpy as np
import pandas as pd
import pytest

from implicitreg.claims.depth import claim_polynomial_law
from implicitreg.claims.rows import holds

CONFIG = {"claims": {"depth_slope_rel_error": 0.1}}


def test_claim_polynomial_law_passes_and_fails_on_constructed_tables():
    rows = []
    for L in (3, 4):
        for delta in (8.0, 11.0, 14.0):
            for comp, sigma in ((1, 2.0), (2, 1.0)):
                k = np.exp(delta * (1 - 2 / L)) / ((L - 2) * sigma * 0.01)
                rows.append({"run_id": f"L{L}-d{delta}", "dataset": "x", "depth": L, "eta": 0.01, "delta": delta,
                             "component": comp, "sigma": sigma, "lambda": 1.0, "k_measured": k, "k_predicted": k,
                             "k_flow": k, "rel_error_flow": 0.0, "stage_width": 0.1})  # fmt: skip
    table = pd.DataFrame(rows)
    good = claim_polynomial_law({"depth_transitions": table}, CONFIG)
    assert holds(good.criterion.text, good.measured) and good.measured == pytest.approx(0.0, abs=1e-9)
    log_law = table.assign(k_measured=table["delta"] * 100.0)  # logarithmic growth: slope far from 1 - 2/L
    bad = claim_polynomial_law({"depth_transitions": log_law}, CONFIG)
    assert not holds(bad.criterion.text, bad.measured) and bad.measured > 0.5
