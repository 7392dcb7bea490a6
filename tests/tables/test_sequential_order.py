"""sequential_order.csv: runs in sigma order per cell, uncrossed runs, the exact interval, the latest transitions."""

import math

import numpy as np
import pandas as pd
import pytest

from implicitreg.claims.rows import in_sigma_order
from implicitreg.io.contract import TABLES
from implicitreg.tables.intervals import clopper_pearson
from implicitreg.tables.sequential_order import in_sigma_order_by_run, sequential_order

DATASETS = {"col": {"lam": [2.0, 0.5, 1.0], "sigma": [1.0, 0.5, 0.0]}}  # two components with sigma_i > 0


def runs_and_transitions(crossings: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Runs ``{run_id: (eta, delta, [k of component 1, k of component 2 or None])}`` as the run tables hold them."""
    runs = pd.DataFrame(
        [
            {"run_id": rid, "dataset": "col", "model": "two_layer", "init": "random", "eta": eta, "delta": delta}
            for rid, (eta, delta, _) in crossings.items()
        ]  # fmt: skip
    )
    rows = [{"run_id": rid, "component": i + 1, "sigma": DATASETS["col"]["sigma"][i], "k_measured": k}
            for rid, (_, _, ks) in crossings.items() for i, k in enumerate(ks) if k is not None]  # fmt: skip
    return runs, pd.DataFrame(rows)


def test_cells_count_runs_in_order_and_runs_with_an_uncrossed_component():
    runs, transitions = runs_and_transitions({
        "a": (0.1, 2.0, [10, 30]),    # in order
        "b": (0.1, 2.0, [30, 10]),    # inverted
        "c": (0.1, 2.0, [10, 10]),    # a tie is not in order
        "d": (0.1, 2.0, [10, None]),  # component 2 never crossed
        "e": (0.1, 8.0, [40, 90]),
        "f": (0.1, 8.0, [None, None]),  # nothing crossed: no transition rows at all
        "g": (0.05, 8.0, [70, 150]),
    })  # fmt: skip
    runs = pd.concat([runs, runs.iloc[:1].assign(run_id="lin", model="linear")])  # not counted
    table = sequential_order(runs, transitions, DATASETS)
    assert list(table.columns) == list(TABLES["sequential_order"].columns)
    assert list(zip(table["eta"], table["delta"])) == [(0.05, 8.0), (0.1, 2.0), (0.1, 8.0)]
    assert list(table["runs"]) == [1, 4, 2]
    assert list(table["in_order"]) == [1, 1, 1]
    assert list(table["uncrossed"]) == [0, 1, 1]
    np.testing.assert_allclose(table["fraction"], [1.0, 0.25, 0.5])
    assert list(table["k_measured_last"]) == [150, 30, 90]
    # THEORY.md section 4: k_i = (delta + ln(sigma_i / lam_i)) / (2 ln(1 + eta sigma_i)), the later of the two
    k = [max((d + math.log(s / lam)) / (2 * math.log1p(e * s)) for s, lam in [(1.0, 2.0), (0.5, 0.5)])
         for e, d in [(0.05, 8.0), (0.1, 2.0), (0.1, 8.0)]]  # fmt: skip
    np.testing.assert_allclose(table["k_predicted_last"], k, rtol=1e-12)


@pytest.mark.parametrize("n", [1, 7, 100])
def test_the_interval_has_its_closed_form_at_the_ends(n):
    """Clopper-Pearson at k = n: [(alpha/2)^(1/n), 1]; at k = 0: [0, 1 - (alpha/2)^(1/n)], alpha = 0.05."""
    np.testing.assert_allclose(clopper_pearson(n, n), (0.025 ** (1 / n), 1.0), rtol=1e-9)
    np.testing.assert_allclose(clopper_pearson(0, n), (0.0, 1 - 0.025 ** (1 / n)), rtol=1e-9, atol=1e-15)
    low, high = clopper_pearson(n // 2, n)
    assert 0 <= low < (n // 2) / n <= high <= 1 or n == 1


def test_order_by_run_is_the_order_of_each_run_alone():
    rng = np.random.default_rng(0)
    rows = [{"run_id": f"r{r}", "sigma": s, "k_measured": int(rng.integers(0, 4))}
            for r in range(300) for s in rng.permutation([2.0, 1.0, 0.5])[: rng.integers(1, 4)]]  # fmt: skip
    t = pd.DataFrame(rows)
    by_run = in_sigma_order_by_run(t, 3)
    for rid, group in t.groupby("run_id"):
        k = group.sort_values("sigma", ascending=False)["k_measured"].to_numpy()
        assert by_run[rid] == (len(k) == 3 and bool(np.all(np.diff(k) > 0))) == in_sigma_order(group, 3)
    assert 0 < by_run.sum() < len(by_run)
