"""Claims 10 and 10b (EXPERIMENTS.md): sequential learning over the population of small random initializations of
F11, measured from ``sequential_order.csv`` (one row per ``(dataset, eta, delta)`` cell; THEORY.md sections 4, 10)."""

from __future__ import annotations

import pandas as pd

from implicitreg.claims.rows import Measurement, counted, equals, g, proportion


def vanishing_end(cells: pd.DataFrame) -> pd.DataFrame:
    """The cells at the two largest ``delta`` of the grid: the vanishing-initialization end."""
    return cells[cells["delta"].isin(sorted(cells["delta"].unique())[-2:])]


def claim_population_order(tables: dict, config: dict) -> Measurement:
    """Claim 10: every run at the two largest ``delta`` learns in ``sigma`` order: ``k / n == 1``, with ``k of n`` and
    the exact 95% interval in ``metric``; NaN (fails) when nothing was counted."""
    cells = vanishing_end(tables["sequential_order"])
    k, n = int(cells["in_order"].sum()), int(cells["runs"].sum())
    metric = (f"{proportion(k, n)} runs at delta = {g(sorted(cells['delta'].unique()))}, eta = "
              f"{g(sorted(cells['eta'].unique()))} learned in sigma order; runs with a component that never crossed: "
              f"{int(cells['uncrossed'].sum())}")  # fmt: skip
    return Measurement(k / n if n else float("nan"), metric, equals(1))


def boundary_checks(cells: pd.DataFrame) -> list[tuple[str, bool]]:
    """The checks of claim 10b, each ``(name, holds)``, per dataset and ``eta``:

    - at the smallest ``delta`` the out-of-order fraction's 95% lower bound is above 0, i.e. the in-order fraction's
      upper bound is below 1 (the Clopper-Pearson interval of ``n - k`` is ``1 -`` that of ``k``);
    - for every ``delta_1 < delta_2`` the upper bound at ``delta_2`` is not below the lower bound at ``delta_1``.
    """
    checks = []
    for (ds, eta), cell in cells.sort_values("delta").groupby(["dataset", "eta"], sort=True):
        low, high, delta = cell["ci_low"].to_numpy(), cell["ci_high"].to_numpy(), cell["delta"].to_numpy()
        checks.append((f"{ds} eta {eta:g}: out of order at delta {delta[0]:g}", bool(high[0] < 1)))
        checks += [(f"{ds} eta {eta:g}: delta {delta[i]:g} -> {delta[j]:g}", bool(high[j] >= low[i]))
                   for i in range(len(delta)) for j in range(i + 1, len(delta))]  # fmt: skip
    return checks


def claim_population_boundary(tables: dict, config: dict) -> Measurement:
    """Claim 10b: the fraction of ``boundary_checks`` that hold is 1; ``metric`` names the ones that fail and counts the
    runs of the whole grid with a component that never crossed (an out-of-order run must not be one for want of
    iterations)."""
    cells = tables["sequential_order"]
    checks = boundary_checks(cells)
    value, text = counted([ok for _, ok in checks])
    failed = [name for name, ok in checks if not ok]
    metric = f"{text} checks hold" + (f"; failed: {'; '.join(failed[:5])}" if failed else "")
    metric += f" (and {len(failed) - 5} more)" if len(failed) > 5 else ""
    uncrossed, runs = int(cells["uncrossed"].sum()), int(cells["runs"].sum())
    metric += f"; runs with a component that never crossed: {uncrossed} of {runs}"
    return Measurement(value, metric, equals(1))
