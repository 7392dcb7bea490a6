"""Claim 11 and boundary 11b: covariances rotated away from a shared basis by ``epsilon`` (F7b, THEORY.md section 7).

The aligned theory predicts the dynamics when, for each model, the transition order is that of ``epsilon = 0`` and no
transition iteration moved from the aligned one: a transition counts as moved only when it moves by more than
``rotation_transition_rel_shift`` (relative) and by more than ``rotation_transition_abs_shift`` iterations
(iterations are integers: a tolerance below one iteration is below the measurement's resolution).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from implicitreg.claims.rows import Measurement, above, counted, equals, g, with_runs


def _shifts(tables: dict, config: dict) -> pd.DataFrame:
    """Per (model, epsilon > 0): whether the transition order is unchanged, the largest relative and absolute shift
    of a transition iteration from the ``epsilon = 0`` run of the same model (inf where a component no longer
    crosses), and whether a transition moved (by more than both tolerances) or the order changed (``fails``)."""
    c = config["claims"]
    rotation = tables["rotation"]
    t = with_runs(tables["transitions"], rotation[["run_id", "model", "epsilon"]])
    rows = []
    for model, tm in t.groupby("model"):
        base = tm[tm["epsilon"] == 0].set_index("component")["k_measured"]
        for eps in sorted(rotation.loc[(rotation["model"] == model) & (rotation["epsilon"] > 0), "epsilon"]):
            k = tm[tm["epsilon"] == eps].set_index("component")["k_measured"].reindex(base.index)
            crossed = k.notna().all() and len(base) > 0
            order = crossed and list(k.sort_values(kind="stable").index) == list(base.sort_values(kind="stable").index)
            moved = (k - base).abs()
            shift = float((moved / base).max()) if crossed else np.inf
            iterations = float(moved.max()) if crossed else np.inf
            beyond = ((moved / base > c["rotation_transition_rel_shift"])
                      & (moved > c["rotation_transition_abs_shift"])).any()  # fmt: skip
            rows.append({"model": model, "epsilon": eps, "order": bool(order), "shift": shift,
                         "iterations": iterations, "fails": not (order and crossed and not beyond)})  # fmt: skip
    return pd.DataFrame(rows, columns=["model", "epsilon", "order", "shift", "iterations", "fails"])


def claim_rotation(tables: dict, config: dict) -> Measurement:
    """Claim 11: fraction of checks that hold over ``0 < epsilon <= rotation_epsilon_max``: per (model, epsilon) the
    order is unchanged and every transition within the relative shift; per model the least-squares slope of
    ``ln deviation`` on ``ln commutator`` is 1 within ``rotation_slope_tolerance`` (linear growth).
    A transition moved only when it moved by more than both shift tolerances (module docstring)."""
    c = config["claims"]
    s = _shifts(tables, config)
    s = s[s["epsilon"] <= c["rotation_epsilon_max"]]
    checks = list(~s["fails"])
    r = tables["rotation"]
    r = r[(r["epsilon"] > 0) & (r["epsilon"] <= c["rotation_epsilon_max"])]
    slopes = {m: np.polyfit(np.log(x["commutator"]), np.log(x["deviation"]), 1)[0]
              for m, x in r.groupby("model") if len(x) >= 2}  # fmt: skip
    checks += [abs(v - 1.0) <= c["rotation_slope_tolerance"] for v in slopes.values()]
    measured, text = counted(checks)
    metric = (f"checks that hold: {text} over epsilon = {g(sorted(s['epsilon'].unique()))}: per (model, epsilon) "
              f"order unchanged and no transition moved by more than {c['rotation_transition_rel_shift']:g} relative "
              f"and {c['rotation_transition_abs_shift']:g} iteration (max shift {s['shift'].max():.3g} relative, "
              f"{s['iterations'].max():.3g} iterations); log-log slope of deviation on commutator within "
              f"{c['rotation_slope_tolerance']:g} of 1 per model ("
              + ", ".join(f"{m} {v:.3g}" for m, v in slopes.items()) + ")")  # fmt: skip
    return Measurement(measured, metric, equals(1))


def claim_rotation_boundary(tables: dict, config: dict) -> Measurement:
    """Boundary 11b: the first ``epsilon`` at which the aligned prediction fails for some model (order changes or a
    transition moves by more than the tolerance of claim 11), or the largest ``epsilon`` tried if it never does."""
    c = config["claims"]
    s = _shifts(tables, config)
    fails = s[s["fails"]]
    r = tables["rotation"]
    if len(fails):
        eps = float(fails["epsilon"].min())
        commutator = r.loc[r["epsilon"] == eps, "commutator"].iloc[0]
        what = f"first fails at epsilon = {eps:g} (normalized commutator {commutator:.3g}): " + "; ".join(
            f"{x.model} order {'kept' if x.order else 'changed'}, shift {x.shift:.3g} ({x.iterations:.3g} iterations)"
            for x in fails[fails["epsilon"] == eps].itertuples()
        )
    else:
        eps = float(s["epsilon"].max()) if len(s) else np.nan
        what = f"never fails on the grid up to epsilon = {eps:g}"
    metric = f"epsilon grid {g(sorted(r['epsilon'].unique()))}: the aligned prediction {what}"
    return Measurement(eps, metric, above(c["rotation_epsilon_max"]))
