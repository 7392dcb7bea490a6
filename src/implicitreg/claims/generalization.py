"""Claim 12: early-stopped GD on a noisy low-rank teacher against RRR and the linear model (T3)."""

from __future__ import annotations

from implicitreg.claims.rows import row


def claim_generalization(tables: dict, config: dict) -> dict:
    """Claim 12: mean best two-layer test risk within ``gap`` (relative) of the best RRR, and below linear."""
    t3, gap = tables["T3"], config["claims"]["generalization_rel_gap"]
    mean = t3[t3["dataset"] == "mean"].iloc[0]
    n = int((~t3["dataset"].isin(["mean", "std"])).sum())
    measured = abs(mean["two_layer"] - mean["rrr"]) / mean["rrr"]
    metric = (
        f"|R_two_layer - R_rrr| / R_rrr of the best test risks, mean over {n} datasets: two-layer "
        f"{mean['two_layer']:.4g}, RRR {mean['rrr']:.4g}, linear {mean['linear']:.4g}, ridge "
        f"{mean['ridge']:.4g}, least squares {mean['least_squares']:.4g}, teacher {mean['teacher']:.4g}; "
        f"also requires two-layer < linear"
    )
    passed = measured <= gap and mean["two_layer"] < mean["linear"]
    statement = (
        "On a low-rank teacher, the best early-stopped two-layer test risk is within a few percent of "
        "the best RRR rank and below the best early-stopped linear model"
    )
    return row(12, "beyond", statement, metric, measured, 0.0, gap, passed, "F8, T3")
