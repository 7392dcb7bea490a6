"""Claims 5, 7 and 8: the vanishing-initialization limit and the GD path against reduced-rank regression.

- claim 5 from the staircase-distance table (``tables.staircase_distance.distance_table``);
- claims 7 and 8 from table T2 (``tables.rrr_distances.t2_rows``), split by whether the orders of ``sigma_i``
  and ``sigma_i/sqrt(lam_i)`` agree (THEORY.md section 6).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from implicitreg.claims.rows import Measurement, at_most, counted, equals, g, within
from implicitreg.data.spectra import orders_agree


def _datasets(t2: pd.DataFrame, config: dict, agree: bool) -> list[str]:
    specs = config["datasets"]
    return [ds for ds in sorted(t2["dataset"].unique()) if orders_agree(specs[ds]["lam"], specs[ds]["sigma"]) == agree]


def claim_vanishing(tables: dict, config: dict) -> Measurement:
    """Claim 5: the distance ``D`` to the staircase falls like ``1/delta``: the least-squares slope of ``ln D`` on
    ``ln delta`` over the three largest ``delta`` of each dataset (the worst dataset) is -1 within the tolerance."""
    distances = tables["staircase_limit"]
    slopes = []
    for _, d in distances.sort_values(["dataset", "delta"]).groupby("dataset", sort=True):
        d = d.tail(3)
        if len(d) == 3:
            slopes.append(np.polyfit(np.log(d["delta"]), np.log(d["distance"]), 1)[0])
    measured = max(slopes, key=lambda s: abs(s + 1.0)) if slopes else np.nan
    d = distances.sort_values("delta")
    metric = (f"slope of ln D on ln delta over the three largest delta, {len(slopes)} dataset(s); D = mean "
              f"|w_i/target_i - 1[t >= tau_i]| over the rescaled-time grid: D = {g(d['distance'])} at delta = "
              f"{g(d['delta'])}")  # fmt: skip
    return Measurement(measured, metric, within(-1.0, config["claims"]["staircase_slope_tolerance"]))


def claim_rrr_agree(tables: dict, config: dict) -> Measurement:
    """Claim 7: on datasets whose orders of ``sigma_i`` and ``sigma_i/sqrt(lam_i)`` agree, the largest over
    ``W_1..W_m`` of the path's minimum relative Frobenius distance to ``W_j``."""
    t2 = tables["T2"]
    agree = _datasets(t2, config, True)
    t = t2[t2["dataset"].isin(agree)]
    measured = t["rrr_min_distance"].max() if len(t) else np.nan
    metric = (f"max over {len(t)} RRR solutions W_j ({', '.join(agree)}) of min_k ||W(k) - W_j||_F / ||W_j||_F "
              "along the two-layer GD path")  # fmt: skip
    return Measurement(measured, metric, at_most(config["claims"]["rrr_path_distance"]))


def plateau_verdicts(t2: pd.DataFrame, tol: float) -> pd.Series:
    """Per T2 row (plateau ``j``): within ``tol`` of ``P_j`` and, where ``P_j != W_j``, nearer ``P_j`` than ``W_j``
    with the whole path staying farther than ``tol`` from ``W_j``."""
    equal = t2["top_sigma_equals_rrr"].astype(bool)
    at_top = t2["plateau_to_top_sigma"] <= tol
    nearest = equal | (t2["plateau_to_top_sigma"] <= t2["plateau_to_rrr"])
    far = equal | (t2["rrr_min_distance"] > tol)
    return at_top & nearest & far


def claim_rrr_mismatch(tables: dict, config: dict) -> Measurement:
    """Claim 8: on datasets whose orders differ, the fraction of plateaus ``j = 1..m`` that are the top-j-by-sigma
    maps ``P_j`` and not RRR's ``W_j`` (``plateau_verdicts``)."""
    t2, tol = tables["T2"], config["claims"]["rrr_path_distance"]
    mismatch = _datasets(t2, config, False)
    t = t2[t2["dataset"].isin(mismatch)]
    ok = plateau_verdicts(t, tol)
    differ = t[~t["top_sigma_equals_rrr"].astype(bool)]
    measured, text = counted(ok)
    metric = (
        f"plateaus ({', '.join(mismatch)}) within {tol:g} of P_j and nearer it than W_j, with the path never within "
        f"{tol:g} of a differing W_j: {text} (max plateau distance to P_j "
        f"{t['plateau_to_top_sigma'].max():.3g}; min path distance to the {len(differ)} differing W_j "
        f"{differ['rrr_min_distance'].min():.3g})"
    )
    return Measurement(measured, metric, equals(1))
