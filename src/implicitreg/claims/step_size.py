"""Claim 9: the step-size regimes of THEORY.md section 5 against the F6 cells."""

from __future__ import annotations

import numpy as np

from implicitreg.claims.rows import row
from implicitreg.linear.stability import MONOTONE_BOUND, STABLE_BOUND


def claim_phase(tables: dict, config: dict) -> dict:
    """Claim 9: the fraction of F6 cells whose observed regime matches the side of ``eta sigma_1 = 1/2, 1``."""
    phase, min_agreement = tables["phase"], config["claims"]["phase_min_agreement"]
    measured = phase["agrees"].mean() if len(phase) else np.nan
    bad = phase[~phase["agrees"]]
    cells = "; ".join(f"{r.dataset} eta_sigma1={r.eta_sigma1:.3g} delta={r.delta:g}: {r.observed}"
                      for r in bad.itertuples())  # fmt: skip
    metric = (
        f"fraction of {len(phase)} cells (datasets x eta sigma_1 x delta) whose class from the trajectory "
        f"(monotone / oscillating / failed or diverged) matches eta sigma_1 <= {MONOTONE_BOUND:g} / "
        f"< {STABLE_BOUND:g} / >= {STABLE_BOUND:g}; disagreeing cells: {cells or 'none'}"
    )
    statement = (
        "The step-size boundaries eta sigma_1 = 1/2 (monotone) and 1 (convergence) separate the "
        "observed regimes, whatever delta and lam"
    )
    return row(9, "beyond", statement, metric, measured, 1.0, min_agreement,
               measured >= min_agreement, "F6, phase_diagram.csv")  # fmt: skip
