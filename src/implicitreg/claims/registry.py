"""Every claim of EXPERIMENTS.md ("Claims"), one entry each: what is claimed and by whom, under which premise, from
which tables, and the function that measures it. ``evaluate`` makes ``results/tables/claims.csv``.

``kind`` is ``paper`` (a statement of G19 or C22), ``derived`` (THEORY.md's derivation) or ``boundary`` (where a
statement stops holding: passes when the boundary is where the theory puts it). ``scope`` is the premise in words,
stated here before any result is seen; premises are the papers' own or THEORY.md's. A claim is evaluated when its
analysis is configured (claims 1, 2 and 2b count every run); tolerances come from the config's ``claims:`` block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from implicitreg.claims import depth, factorization, generalization, path, rotation, sequential, step_size
from implicitreg.claims.rows import COLUMNS, Measurement, row


@dataclass(frozen=True)
class Claim:
    """Claim ``claim_id`` of ``source``: ``statement`` under premise ``scope``, measured by ``measure(tables, config)``
    from ``tables`` when ``analysis`` is configured; ``evidence`` names the figure or table that shows it."""

    claim_id: str
    source: str
    kind: str
    statement: str
    scope: str
    evidence: str
    analysis: str | None
    tables: tuple[str, ...]
    measure: Callable[[dict, dict], Measurement]


CLAIMS: tuple[Claim, ...] = (
    Claim("1", "G19", "paper", "Full-matrix GD equals the per-mode recursion under the commuting assumption",
          "aligned full-matrix runs on exactly commuting datasets below the whole-network stability bound "
          "eta max_{i,k} lam_i (t_i + t_k) < 2 (THEORY.md section 5)",
          "permode_deviation.csv", None, ("runs", "permode"), sequential.claim_permode),
    Claim("2", "G19", "paper", "Two-layer components are learned in decreasing order of sigma_i",
          "aligned two-layer runs on exactly commuting datasets with eta sigma_1 <= 1/2 whose consecutive predicted "
          "transitions (THEORY.md section 4) are at least order_min_predicted_gap iterations apart: the small "
          "initialization of the premise",
          "F2, transition_times.csv", None, ("runs", "transitions"), sequential.claim_order),
    Claim("2b", "G19", "boundary",
          "At finite initialization the order is set by delta + ln(sigma_i/lam_i), not by sigma_i alone",
          "every out-of-order run among the aligned two-layer runs on commuting datasets with eta sigma_1 <= 1/2",
          "F3, F4, transition_times.csv", None, ("runs", "transitions"), sequential.claim_order_boundary),
    Claim("3", "G19", "derived",
          "Measured transition iterations match k_i = (delta + ln(sigma_i/lam_i)) / (2 ln(1 + eta sigma_i))",
          "two-layer transitions of the transitions analysis with eta sigma_i <= transition_eta_sigma_max whose start "
          "e^-delta lam_i/sigma_i is at most start_fraction_max of the target (the formula neglects the start)",
          "F3, T1", "transitions", ("runs", "transitions"), sequential.claim_transition_error),
    Claim("3b", "G19", "boundary", "The prediction's error grows as the start approaches the target",
          "every two-layer transition of the transitions analysis, small delta included",
          "F3, T1", "transitions", ("runs", "transitions"), sequential.claim_transition_boundary),
    Claim("4", "G19", "paper",
          "Linear-model transition iterations are bounded in delta while two-layer ones grow like "
          "delta / (2 ln(1 + eta sigma_i))",
          "per (dataset, eta, component) of the transitions analysis, the delta whose start is at most "
          "start_fraction_max of the target",
          "F3, transition_times.csv", "transitions", ("runs", "transitions"), sequential.claim_linear_delta),
    Claim("5", "G19", "paper",
          "Rescaled two-layer trajectories converge to the staircase at the rate 1/delta as delta grows",
          "the two-layer runs of the vanishing analysis, the three largest delta",
          "F4, staircase_limit.csv", "vanishing", ("staircase_limit",), path.claim_vanishing),
    Claim("6", "G19", "paper",
          "The two-layer autoencoder trace norm takes integer values between transitions (delta large)",
          "the largest-delta two-layer run of the staircase analysis, the middle third of each interval between "
          "predicted transitions",
          "F1", "staircase", ("runs", "components", "transitions"), sequential.claim_staircase),
    Claim("7", "G19", "paper",
          "When the orders of sigma_i and sigma_i/sqrt(lam_i) agree, the GD path visits every RRR solution",
          "the rrr_path analysis's datasets whose orders agree",
          "F5, T2", "rrr_path", ("T2",), path.claim_rrr_agree),
    Claim("8", "beyond", "boundary",
          "When the orders differ, the GD plateaus are the top-k-by-sigma maps, not the RRR solutions",
          "the rrr_path analysis's datasets whose orders differ",
          "F5, T2", "rrr_path", ("T2",), path.claim_rrr_mismatch),
    Claim("9", "G19", "derived",
          "Below the whole-network bound a run is monotone iff eta sigma_1 <= 1/2 and oscillates otherwise, staying "
          "on the aligned path; at eta sigma_1 >= 1 no run converges",
          "the phase analysis's cells with eta sigma_1 below the whole-network bound 2 sigma_1 / max_{i,k} "
          "lam_i (t_i + t_k) (THEORY.md section 5) or at least 1",
          "F6, phase_diagram.csv", "phase", ("phase",), step_size.claim_phase),
    Claim("9b", "G19", "boundary",
          "Between the whole-network bound and 1 the per-mode boundaries no longer describe the network: runs leave "
          "the aligned path",
          "the phase analysis's cells with the whole-network bound <= eta sigma_1 < 1",
          "F6, phase_diagram.csv", "phase", ("phase",), step_size.claim_phase_boundary),
    Claim("10", "G19", "paper", "Sequential learning survives a small random initialization (order by sigma preserved)",
          "the random-initialization two-layer runs of the random_init analysis",
          "F7a, transition_times.csv", "random_init", ("runs", "transitions"), sequential.claim_random_order),
    Claim("11", "G19", "paper",
          "With covariances rotated by epsilon the aligned theory still predicts the dynamics, and the deviation from "
          "the aligned path grows linearly with the normalized commutator",
          "the rotation analysis's runs with 0 < epsilon <= rotation_epsilon_max, each model",
          "F7b, rotation_deviation.csv", "rotation", ("runs", "transitions", "rotation"), rotation.claim_rotation),
    Claim("11b", "G19", "boundary", "The aligned prediction fails beyond some epsilon",
          "every epsilon of the rotation analysis, each model",
          "F7b, rotation_deviation.csv", "rotation", ("runs", "transitions", "rotation"),
          rotation.claim_rotation_boundary),
    Claim("12", "beyond", "derived",
          "On a low-rank teacher the best early-stopped two-layer test risk is no worse than a few percent above the "
          "best RRR rank and below the best early-stopped linear model",
          "every teacher (dataset draw, its own seed for sample, noise and test set) of the generalization analysis, "
          "at least 100 for the 95% lower bound to reach 0.9; reduced-rank ridge (best rank and penalty) beside",
          "F8, T3, best_test_risk.csv", "generalization", ("best_risk",), generalization.claim_generalization),
    Claim("13", "beyond", "derived",
          "Transition iterations of depth L >= 3 grow like e^{delta (1 - 2/L)} (polynomial law, THEORY.md section 4)",
          "the depth analysis's runs of depth >= 3",
          "F9, depth_transitions.csv", "depth", ("depth_transitions",), depth.claim_polynomial_law),
    Claim("14", "C22", "paper",
          "GD on a deep matrix factorization of a rank-R target passes R stages, one new singular value each",
          "the dmf analysis's runs under small initialization, alpha <= dmf_small_init x s_R (s_R the smallest "
          "target singular value)",
          "F10, T4", "dmf", ("dmf_runs",), factorization.claim_stages),
    Claim("14b", "C22", "boundary",
          "The singular values are learned in order whatever alpha; at larger alpha consecutive stages merge",
          "every run of the dmf analysis",
          "F10, T4", "dmf", ("dmf_runs", "dmf_trajectories"), factorization.claim_stages_boundary),
    Claim("15", "C22", "paper",
          "Every plateau before the last is a saddle (lambda_min < 0); the end point has no negative curvature",
          "every run of the dmf analysis; plateaus whose |lambda_min| is below the resolution are not asserted",
          "F10, dmf_curvature.csv", "dmf", ("dmf_runs", "dmf_trajectories", "dmf_curvature"),
          factorization.claim_curvature),
)  # fmt: skip


def active(config: dict) -> list[Claim]:
    """The claims whose analysis is configured."""
    return [c for c in CLAIMS if c.analysis is None or c.analysis in config["analyses"]]


def tables_read(config: dict) -> list[str]:
    """The tables the active claims read, in order of first use."""
    return list(dict.fromkeys(t for c in active(config) for t in c.tables))


def evaluate(tables: dict[str, pd.DataFrame], config: dict, ids=None) -> pd.DataFrame:
    """``claims.csv``: one row per active claim (or per claim of ``ids``), in registry order."""
    claims = [c for c in active(config) if ids is None or c.claim_id in ids]
    return pd.DataFrame([row(c, c.measure(tables, config)) for c in claims], columns=COLUMNS)


def experiments_read(claim: Claim, config: dict) -> list[str] | None:
    """The experiments whose runs claim ``claim`` reads (``None``: every run, for claims of no analysis)."""
    if claim.analysis is None:
        return None
    spec = config["analyses"][claim.analysis]
    return [spec[k] for k in ("experiment", "aligned") if k in spec]
