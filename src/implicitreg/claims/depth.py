"""Claim 13: transition iterations of depth L >= 3 follow the polynomial law (THEORY.md section 4)."""

from __future__ import annotations

import numpy as np

from implicitreg.claims.rows import Measurement, at_most
from implicitreg.tables.depth_transitions import slopes


def claim_polynomial_law(tables: dict, config: dict) -> Measurement:
    """Claim 13: for ``L >= 3`` the slope of ``ln k`` on ``delta`` is ``1 - 2/L`` within relative ``tol``."""
    table, tol = tables["depth_transitions"], config["claims"]["depth_slope_rel_error"]
    s = slopes(table)
    s = s[s["depth"] >= 3]
    dev = (s["slope"] / s["expected"] - 1.0).abs()
    measured = dev.max() if len(s) else np.nan
    median_flow = table.loc[table["depth"] >= 3, "rel_error_flow"].median()
    metric = (f"max over {len(s)} (depth >= 3, component) of |slope of ln k_measured on delta / (1 - 2/L) - 1| "
              f"over {table['delta'].nunique()} delta; median rel_error against the exact flow half-crossing "
              f"{median_flow:.3g}")  # fmt: skip
    return Measurement(measured, metric, at_most(tol))
