"""Claims 14 and 15 (C22): stages and curvature of deep matrix factorization (THEORY.md section 8)."""

from __future__ import annotations

import numpy as np

from implicitreg.claims.rows import of_experiment, row


def claim_stages(tables: dict, config: dict) -> dict:
    """Claim 14: every run of ``experiment`` passes exactly R stages, one new singular value per stage."""
    experiment = config["analyses"]["dmf"]["experiment"]
    sel = of_experiment(tables["dmf_runs"], config, "dmf")
    measured = sel["one_per_stage"].mean() if len(sel) else np.nan
    bad = sel.loc[~sel["one_per_stage"].astype(bool), "run_id"].tolist()
    metric = (f"fraction of {len(sel)} runs ({experiment}: R x depth x alpha x seed) with exactly R stages, stage r "
              f"bringing singular value r" + (f"; failing: {', '.join(bad)}" if bad else ""))  # fmt: skip
    statement = "GD on a deep matrix factorization of a rank-R target passes R stages, one new singular value each"
    return row(14, "C22", statement, metric, measured, 1.0, 0.0, bool(measured >= 1.0), "F10, T4")


def claim_curvature(tables: dict, config: dict) -> dict:
    """Claim 15: resolved plateaus before the last: ``lambda_min < 0``; end: ``-lambda_min/lambda_max <= end_tol``."""
    curv, end_tol = tables["dmf_curvature"], config["claims"]["dmf_end_curvature"]
    resolution = config["claims"]["dmf_curvature_resolution"]
    c = curv[curv["run_id"].isin(of_experiment(tables["dmf_runs"], config, "dmf")["run_id"])]
    sad = c[c["kind"] == "saddle_plateau"]
    res = sad[sad["resolved"]]
    n_neg = int((res["lambda_min"] < 0).sum())
    end = c[c["kind"] == "end"]
    measured = float((-end["lambda_min"] / end["lambda_max"]).max()) if len(end) else np.nan
    ok = len(res) > 0 and n_neg == len(res) and measured <= end_tol
    metric = (f"max over {len(end)} runs of -lambda_min / lambda_max at the end point; {n_neg} of {len(res)} resolved "
              f"plateaus before the last have lambda_min < 0 ({len(sad) - len(res)} below the resolution "
              f"|lambda_min| <= {resolution:g} lambda_max, not asserted); most negative plateau "
              f"lambda_min / lambda_max = {(sad['lambda_min'] / sad['lambda_max']).min():.3g}")  # fmt: skip
    statement = "Every plateau before the last is a saddle (lambda_min < 0); the end point has no negative curvature"
    return row(15, "C22", statement, metric, measured, 0.0, end_tol, ok, "F10, dmf_curvature.csv")
