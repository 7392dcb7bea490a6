"""Claim 12: early-stopped GD on a noisy low-rank teacher against RRR, the linear model and reduced-rank ridge,
over a population of teachers (best_test_risk.csv, T3; THEORY.md sections 7 and 10)."""

from __future__ import annotations

import numpy as np

from implicitreg.claims.rows import Measurement, at_least, counted
from implicitreg.tables.intervals import clopper_pearson


def claim_generalization(tables: dict, config: dict) -> Measurement:
    """Claim 12: on teacher ``j``, ``(R_two_layer - R_rrr) / R_rrr <= gap`` (one-sided) and
    ``R_two_layer < R_linear`` (best early-stopped test risks, best RRR rank). ``measured`` is the 95%
    Clopper-Pearson lower bound of the fraction of teachers on which it holds, at least ``min_holding``."""
    best, claims = tables["best_risk"], config["claims"]
    gap, min_holding = claims["generalization_rel_gap"], claims["generalization_min_holding"]
    rel = (best["two_layer"] - best["rrr"]) / best["rrr"]
    ok = (rel <= gap) & (best["two_layer"] < best["linear"])
    _, text = counted(ok)
    lower, _ = clopper_pearson(ok.sum(), ok.size)
    median = best[["two_layer", "rrr", "rr_ridge", "linear", "ridge", "least_squares", "teacher"]].median()
    metric = (f"{text} teachers with (R_two_layer - R_rrr) / R_rrr <= {gap:g} and R_two_layer < R_linear; "
              f"relative gap median {np.median(rel):.3g} (max {rel.max():.3g}); median best test risks: two-layer "
              f"{median['two_layer']:.4g}, RRR {median['rrr']:.4g}, reduced-rank ridge {median['rr_ridge']:.4g}, "
              f"linear {median['linear']:.4g}, ridge {median['ridge']:.4g}, least squares "
              f"{median['least_squares']:.4g}, teacher {median['teacher']:.4g}")  # fmt: skip
    return Measurement(lower, metric, at_least(min_holding))
