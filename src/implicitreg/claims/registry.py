"""Every claim of EXPERIMENTS.md ("Claims"), one entry each: the analysis it belongs to, the tables it reads and
the function that measures it from them. ``evaluate`` makes ``results/tables/claims.csv``.

A claim is evaluated when its analysis is configured (``analyses:`` in the config; claims 1 and 2 count every
run). Its function returns one row (``implicitreg.claims.rows.row``); tolerances come from the config's
``claims:`` block and are never adjusted to the outcome: a claim that does not hold is recorded as failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from implicitreg.claims import depth, factorization, generalization, path, rotation, sequential, step_size
from implicitreg.claims.rows import COLUMNS


@dataclass(frozen=True)
class Claim:
    """Claim ``claim_id``: measured by ``measure(tables, config)`` from ``tables`` when ``analysis`` is configured."""

    claim_id: int
    analysis: str | None
    tables: tuple[str, ...]
    measure: Callable[[dict, dict], dict]


CLAIMS: tuple[Claim, ...] = (
    Claim(1, None, ("runs", "permode"), sequential.claim_permode),
    Claim(2, None, ("runs", "transitions"), sequential.claim_order),
    Claim(3, "transitions", ("runs", "transitions"), sequential.claim_transition_error),
    Claim(4, "transitions", ("runs", "transitions"), sequential.claim_linear_delta),
    Claim(5, "vanishing", ("staircase_limit",), path.claim_vanishing),
    Claim(6, "staircase", ("runs", "components", "transitions"), sequential.claim_staircase),
    Claim(7, "rrr_path", ("T2",), path.claim_rrr_agree),
    Claim(8, "rrr_path", ("T2",), path.claim_rrr_mismatch),
    Claim(9, "phase", ("phase",), step_size.claim_phase),
    Claim(10, "random_init", ("runs", "transitions"), sequential.claim_random_order),
    Claim(11, "rotation", ("rotation",), rotation.claim_rotation),
    Claim(12, "generalization", ("T3",), generalization.claim_generalization),
    Claim(13, "depth", ("depth_transitions",), depth.claim_polynomial_law),
    Claim(14, "dmf", ("dmf_runs",), factorization.claim_stages),
    Claim(15, "dmf", ("dmf_runs", "dmf_curvature"), factorization.claim_curvature),
)


def active(config: dict) -> list[Claim]:
    """The claims whose analysis is configured."""
    return [c for c in CLAIMS if c.analysis is None or c.analysis in config["analyses"]]


def tables_read(config: dict) -> list[str]:
    """The tables the active claims read, in contract order of first use."""
    return list(dict.fromkeys(t for c in active(config) for t in c.tables))


def evaluate(tables: dict[str, pd.DataFrame], config: dict) -> pd.DataFrame:
    """``claims.csv``: one row per active claim, in claim order."""
    return pd.DataFrame([c.measure(tables, config) for c in active(config)], columns=COLUMNS)
