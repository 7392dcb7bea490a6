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

from implicitreg.claims import (
    completion,
    depth,
    factorization,
    generalization,
    path,
    population,
    rotation,
    sequential,
    step_size,
)
from implicitreg.claims.rows import COLUMNS, Measurement, row
from implicitreg.io import contract


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
          "aligned two-layer runs on exactly commuting datasets with eta sigma_1 <= 1/2 under the paper's vanishing "
          "initialization made concrete as in claim 3: every component starts at most start_fraction_max of its "
          "target (e^-delta lam_i / sigma_i), and consecutive predicted transitions (THEORY.md section 4) are at "
          "least order_min_predicted_gap iterations apart",
          "F2, transition_times.csv", None, ("runs", "transitions"), sequential.claim_order),
    Claim("2b", "G19", "boundary",
          "At finite initialization the order is that of the start-corrected half-crossings "
          "k_i^c = (delta + ln(sigma_i/lam_i - e^-delta)) / (2 ln(1 + eta sigma_i)), not of sigma_i",
          "every aligned two-layer run on a commuting dataset with eta sigma_1 <= 1/2 whose starts are all below half "
          "their targets and whose k_i^c are at least order_min_predicted_gap iterations apart",
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
          "every run of the population analysis (two-layer, small random initializations) at the two largest delta of "
          "its grid, the vanishing-initialization end (at least 2,000 runs)",
          "F11, sequential_order.csv", "population", ("sequential_order",), population.claim_population_order),
    Claim("10b", "G19", "boundary",
          "At finite initialization the order is a matter of probability: some runs at the smallest delta are out of "
          "order, and the fraction in order grows with delta within statistical resolution",
          "every (eta, delta) cell of the population analysis: per eta, the out-of-order fraction's 95% lower bound at "
          "the smallest delta is above 0, and for every delta_1 < delta_2 the upper bound at delta_2 is not below the "
          "lower bound at delta_1",
          "F11, sequential_order.csv", "population", ("sequential_order",), population.claim_population_boundary),
    Claim("11", "G19", "paper",
          "With covariances rotated by epsilon the aligned theory still predicts the dynamics, and the deviation from "
          "the aligned path grows linearly with the normalized commutator",
          "the rotation analysis's runs with 0 < epsilon <= rotation_epsilon_max, each model; a transition counts as "
          "moved only when it moves by more than rotation_transition_rel_shift and by more than "
          "rotation_transition_abs_shift iterations (transition iterations are integers: a tolerance below one "
          "iteration is below the measurement's resolution)",
          "F7b, rotation_deviation.csv", "rotation", ("runs", "transitions", "rotation"), rotation.claim_rotation),
    Claim("11b", "G19", "boundary", "The aligned prediction fails beyond some epsilon",
          "every epsilon of the rotation analysis, each model: the order changes or a transition moves by more than "
          "the tolerance of claim 11",
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
    Claim("16", "C22", "paper",
          "Where the observed entries determine the target, DMF of depth >= 2 passes exactly R stages and ends "
          "within 1e-2 relative error of M",
          "the completion analysis's problems that the minimum nuclear-norm completion recovers within "
          "completion_recovered (1e-3) relative error, runs of depth >= 2 under small initialization, alpha <= "
          "dmf_small_init x s_R",
          "F12, T5", "completion", ("completion_runs",), completion.claim_recovery),
    Claim("17", "A19", "paper",
          "Depth sharpens the low-rank bias: where the nuclear norm fails above the degrees of freedom, depth 3 "
          "ends with a lower median error than depth 2 and than the nuclear norm",
          "every (R, observed entries) cell with more observed entries than R (2n - R) and a median nuclear-norm "
          "error above completion_failed (0.1); at least three such cells; plain gradient descent (A19 used RMSProp)",
          "F12, T5", "completion", ("completion_runs",), completion.claim_depth_beats_nuclear),
    Claim("17b", "A19", "boundary",
          "Below the degrees of freedom R (2n - R) no method recovers the target",
          "every (R, observed entries) cell with fewer observed entries than R (2n - R): median error above "
          "completion_failed (0.1) for every depth and the nuclear norm; at least three such cells",
          "F12, T5", "completion", ("completion_runs",), completion.claim_below_dof),
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
    return contract.analysis_experiments(config["analyses"][claim.analysis])
