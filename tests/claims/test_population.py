"""Claims 10 and 10b from sequential_order.csv."""

import pandas as pd

from implicitreg.claims import population
from implicitreg.claims.registry import CLAIMS
from implicitreg.claims.rows import holds
from implicitreg.tables.intervals import clopper_pearson

ETAS, DELTAS = (0.01, 0.1), (2.0, 4.0, 10.0, 12.0)


def cells(in_order: dict, runs: int = 100) -> pd.DataFrame:
    """A sequential_order table with ``in_order[(eta, delta)]`` runs in order of ``runs`` (default: all)."""
    rows = []
    for eta in ETAS:
        for delta in DELTAS:
            k = in_order.get((eta, delta), runs)
            low, high = clopper_pearson(k, runs)
            rows.append({"dataset": "col", "eta": eta, "delta": delta, "runs": runs, "in_order": k,
                         "fraction": k / runs, "ci_low": low, "ci_high": high, "uncrossed": 0})  # fmt: skip
    return pd.DataFrame(rows)


def measure(fn, table):
    m = fn({"sequential_order": table}, {})
    return m, holds(m.criterion.text, m.measured)


def test_claim_10_counts_the_two_largest_delta_only():
    m, passed = measure(population.claim_population_order, cells({(0.01, 2.0): 60, (0.1, 4.0): 90}))
    assert passed and m.measured == 1
    assert m.metric.startswith("400 of 400 (95% CI [0.991, 1])") and "delta = 10, 12" in m.metric


def test_claim_10_fails_on_one_run_out_of_order_at_the_vanishing_end():
    m, passed = measure(population.claim_population_order, cells({(0.1, 12.0): 99}))
    assert not passed and m.measured == 399 / 400 and m.metric.startswith("399 of 400")


def test_claim_10b_holds_when_the_small_delta_end_is_out_of_order_and_the_fraction_grows():
    m, passed = measure(population.claim_population_boundary, cells({(e, 2.0): 60 for e in ETAS}))
    checks = len(ETAS) * (1 + len(DELTAS) * (len(DELTAS) - 1) // 2)
    assert passed and m.metric.startswith(f"{checks} of {checks}")
    assert m.metric.endswith("runs with a component that never crossed: 0 of 800")


def test_claim_10b_fails_when_every_run_at_the_smallest_delta_is_in_order():
    m, passed = measure(population.claim_population_boundary, cells({(0.01, 2.0): 60}))
    assert not passed and "failed: col eta 0.1: out of order at delta 2" in m.metric


def test_claim_10b_fails_when_the_fraction_falls_beyond_its_intervals():
    """100 of 100 at delta 4 (lower bound 0.964) against 80 of 100 at delta 10 (upper bound 0.87)."""
    table = cells({(e, 2.0): 60 for e in ETAS} | {(0.01, 10.0): 80})
    m, passed = measure(population.claim_population_boundary, table)
    assert not passed and "col eta 0.01: delta 4 -> 10" in m.metric
    assert "delta 2 -> 10" not in m.metric  # 60 of 100 at delta 2: below 80 of 100, no violation


def test_registry_reads_the_population_table():
    by_id = {c.claim_id: c for c in CLAIMS}
    for cid in ("10", "10b"):
        assert by_id[cid].analysis == "population" and by_id[cid].tables == ("sequential_order",)
