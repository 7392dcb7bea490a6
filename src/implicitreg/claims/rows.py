"""One row of ``results/tables/claims.csv``, its pass rule, and the selections that several claims share.

A row's ``criterion`` is its pass rule written as an expression of ``measured`` (``measured <= 1e-10``,
``measured == 1``, ``-1.1 <= measured <= -0.9``, ``measured > 0``), and ``passed`` is exactly that expression
evaluated on ``measured`` (``holds``): a reader can check every verdict from its row alone. NaN passes nothing.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from implicitreg.io.contract import TABLES
from implicitreg.tables.intervals import clopper_pearson
from implicitreg.tables.sequential_order import in_sigma_order_by_run

COLUMNS = list(TABLES["claims"].columns)
_OPS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt, "==": operator.eq}
_NUM = r"(-?[0-9.]+(?:e[-+]?[0-9]+)?)"
_ONE = re.compile(rf"^measured (<=|<|>=|>|==) {_NUM}$")
_TWO = re.compile(rf"^{_NUM} <= measured <= {_NUM}$")


@dataclass(frozen=True)
class Criterion:
    """A pass rule on ``measured``: its text (``text``), the value it aims at and the tolerance around it."""

    text: str
    expected: float
    tolerance: float


def at_most(bound: float, expected: float = 0.0) -> Criterion:
    return Criterion(f"measured <= {bound:g}", expected, bound)


def equals(value: float) -> Criterion:
    return Criterion(f"measured == {value:g}", value, 0.0)


def at_least(bound: float) -> Criterion:
    return Criterion(f"measured >= {bound:g}", bound, 0.0)


def above(bound: float) -> Criterion:
    return Criterion(f"measured > {bound:g}", bound, 0.0)


def within(center: float, tolerance: float) -> Criterion:
    return Criterion(f"{center - tolerance:g} <= measured <= {center + tolerance:g}", center, tolerance)


def holds(criterion: str, measured: float) -> bool:
    """``criterion`` (one of the forms above) evaluated on ``measured``; ``ValueError`` for any other text."""
    if m := _ONE.match(criterion):
        return bool(_OPS[m.group(1)](measured, float(m.group(2))))
    if m := _TWO.match(criterion):
        return bool(float(m.group(1)) <= measured <= float(m.group(2)))
    raise ValueError(f"not a criterion: {criterion!r}")


@dataclass(frozen=True)
class Measurement:
    """What a claim function returns: the number its criterion tests, what was counted, and the criterion."""

    measured: float
    metric: str
    criterion: Criterion


def row(claim, m: Measurement) -> dict:
    """The claims.csv row of registry entry ``claim`` with measurement ``m``; ``passed`` evaluates the criterion."""
    measured = float(m.measured)
    values = {"claim_id": claim.claim_id, "source": claim.source, "kind": claim.kind, "statement": claim.statement,
              "scope": claim.scope, "metric": m.metric, "measured": measured, "criterion": m.criterion.text,
              "expected": m.criterion.expected, "tolerance": m.criterion.tolerance,
              "passed": holds(m.criterion.text, measured), "evidence": claim.evidence}  # fmt: skip
    return {c: values[c] for c in COLUMNS}


def fraction(ok) -> float:
    """Mean of booleans; NaN for none (nothing counted passes nothing)."""
    return float(np.mean(ok)) if len(ok) else np.nan


def proportion(k: int, n: int) -> str:
    """``k of n`` with its exact (Clopper-Pearson) 95% interval (``tables.intervals.clopper_pearson``, THEORY.md
    section 10). Every claim measured as a fraction states its evidence this way."""
    k, n = int(k), int(n)
    if n == 0:
        return "0 of 0 (nothing counted)"
    low, high = clopper_pearson(k, n)
    return f"{k} of {n} (95% CI [{low:.3g}, {high:.3g}])"


def counted(ok) -> tuple[float, str]:
    """The fraction of the booleans ``ok`` that hold (NaN for none) and its ``proportion`` text."""
    ok = np.asarray(ok, dtype=bool)
    return fraction(ok), proportion(ok.sum(), ok.size)


def with_runs(df: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """``df`` joined with the run table on ``run_id``."""
    return df.merge(runs, on="run_id", how="inner")


def of_experiment(runs: pd.DataFrame, config: dict, analysis: str, key: str = "experiment") -> pd.DataFrame:
    """The runs of the experiment that ``analyses.{analysis}.{key}`` names."""
    return runs[runs["experiment"] == config["analyses"][analysis][key]]


def in_sigma_order(group: pd.DataFrame, m: int) -> bool:
    """All ``m`` components crossed, at strictly increasing ``k`` as ``sigma`` decreases (one run's transitions)."""
    return bool(in_sigma_order_by_run(group, m).all()) if len(group) else m == 0


def eta_sigma1(runs: pd.DataFrame, datasets: dict) -> pd.Series:
    """``eta sigma_1`` of each run, ``sigma_1 = max(sigma)`` of its dataset (THEORY.md section 5)."""
    sigma_1 = {name: max(spec["sigma"]) for name, spec in datasets.items()}
    return runs["eta"] * runs["dataset"].map(sigma_1)


def commuting(datasets: dict) -> set[str]:
    """Datasets whose covariances commute exactly (THEORY.md section 2): not sampled, not rotated."""
    return {name for name, spec in datasets.items() if spec["kind"] != "sampled" and not spec.get("epsilon")}


def start_fraction(transitions: pd.DataFrame) -> pd.Series:
    """``e^{-delta} lam_i / sigma_i``: the aligned start of component ``i`` as a fraction of its target
    (rows of ``transitions`` joined with ``delta`` from the run table)."""
    return np.exp(-transitions["delta"]) * transitions["lambda"] / transitions["sigma"]


def g(values) -> str:
    """Numbers as a short comma-separated list."""
    return ", ".join(f"{v:.3g}" for v in values)
