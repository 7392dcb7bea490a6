"""Claim 11: covariances rotated away from a shared basis by epsilon (F7b)."""

from __future__ import annotations

import numpy as np

from implicitreg.claims.rows import row


def claim_rotation(tables: dict, config: dict) -> dict:
    """Claim 11: the two-layer deviation from the aligned prediction vanishes as ``epsilon -> 0``.

    Holds when the deviation at ``epsilon = 0`` is at most ``zero_tol`` (machine precision), increases
    strictly with ``epsilon``, and is at most ``small_tol`` at the smallest ``epsilon > 0`` (measured).
    """
    rotation = tables["rotation"]
    zero_tol = config["claims"]["rotation_zero_max_deviation"]
    small_tol = config["claims"]["rotation_smallest_max_deviation"]
    r = rotation[rotation["model"] == "two_layer"].sort_values("epsilon")
    zero = r.loc[r["epsilon"] == 0, "deviation"]
    pos = r[r["epsilon"] > 0]
    if zero.empty or pos.empty:
        return row(11, "G19", "Deviation from the aligned prediction vanishes as epsilon -> 0",
                   "needs epsilon = 0 and epsilon > 0 runs", np.nan, 0.0, small_tol, False, "F7b")  # fmt: skip
    monotone = bool(np.all(np.diff(r["deviation"].to_numpy()) > 0))
    measured = pos["deviation"].iloc[0]
    metric = (
        f"two-layer max_k ||W(k) - U diag(w(k)) V^T||_F / ||U diag(w(k)) V^T||_F at the smallest epsilon = "
        f"{pos['epsilon'].iloc[0]:g} (also: {zero.iloc[0]:.2g} at epsilon = 0 against {zero_tol:g}; "
        f"strictly increasing over epsilon = {', '.join(f'{e:g}' for e in r['epsilon'])}: {monotone})"
    )
    passed = zero.iloc[0] <= zero_tol and monotone and measured <= small_tol
    return row(11, "G19", "With covariances rotated by epsilon, the deviation from the aligned prediction "
               "vanishes as epsilon -> 0", metric, measured, 0.0, small_tol, passed,
               "F7b, rotation_deviation.csv")  # fmt: skip
