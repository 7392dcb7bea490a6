"""Claim 12: early-stopped GD on a noisy low-rank teacher against RRR, the linear model and reduced-rank ridge (T3)."""

from __future__ import annotations

import numpy as np

from implicitreg.claims.rows import Measurement, equals, fraction


def claim_generalization(tables: dict, config: dict) -> Measurement:
    """Claim 12: fraction of datasets where the best early-stopped two-layer test risk is at most ``gap`` above the
    best RRR rank (one-sided) and below the best early-stopped linear model."""
    t3, gap = tables["T3"], config["claims"]["generalization_rel_gap"]
    per = t3[~t3["dataset"].isin(["mean", "std"])]
    rel = (per["two_layer"] - per["rrr"]) / per["rrr"]
    ok = (rel <= gap) & (per["two_layer"] < per["linear"])
    mean = t3[t3["dataset"] == "mean"].iloc[0]
    metric = (f"fraction of {len(per)} datasets with (R_two_layer - R_rrr) / R_rrr <= {gap:g} (mean {rel.mean():.3g}, "
              f"max {rel.max():.3g}) and R_two_layer < R_linear; mean best test risks: two-layer "
              f"{mean['two_layer']:.4g}, RRR {mean['rrr']:.4g}, reduced-rank ridge {mean['rr_ridge']:.4g}, linear "
              f"{mean['linear']:.4g}, ridge {mean['ridge']:.4g}, least squares {mean['least_squares']:.4g}, teacher "
              f"{mean['teacher']:.4g}")  # fmt: skip
    return Measurement(fraction(ok) if len(per) else np.nan, metric, equals(1))
