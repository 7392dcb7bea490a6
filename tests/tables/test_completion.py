"""T5 and the nuclear-norm rows of the completion table, on constructed rows."""

import numpy as np
import pandas as pd

from implicitreg.tables.completion import COLUMNS, nuclear_rows, table_t5


def test_t5_medians_and_stage_ranges():
    runs = pd.DataFrame({"problem_id": ["p0", "p1", "p2"] * 2, "method": ["depth 2"] * 3 + ["nuclear"] * 3,
                         "rank": 2, "observed_entries": 90, "dof": 76, "error": [0.1, 0.3, 0.2, 1.0, 2.0, 4.0],
                         "erank": [2.0, 3.0, 5.0, 1.0, 1.0, 1.0],
                         "n_stages": [1.0, 2.0, 2.0, np.nan, np.nan, np.nan]})  # fmt: skip
    t5 = table_t5(runs).set_index("method")
    assert t5.loc["depth 2", "error_median"] == 0.2 and t5.loc["nuclear", "error_median"] == 2.0
    assert t5.loc["depth 2", "erank_median"] == 3.0 and t5.loc["depth 2", "runs"] == 3
    assert t5.loc["depth 2", "stages"] == "1-2" and pd.isna(t5.loc["nuclear", "stages"])


def test_nuclear_rows_take_the_run_table_columns():
    nuc = pd.DataFrame({"problem_id": ["c-n20-R3-m90-s0"], "experiment": "c", "n": 20, "rank": 3,
                        "observed_entries": 90, "seed": 0, "status": "optimal", "max_violation": 1e-12, "error": 0.5,
                        "error_unobserved": 0.6, "erank": 4.0, "nuclear_norm": 1.5})  # fmt: skip
    rows = nuclear_rows(nuc)
    assert list(rows.columns) == COLUMNS
    assert rows.loc[0, "method"] == "nuclear" and rows.loc[0, "dof"] == 3 * (40 - 3)
    assert pd.isna(rows.loc[0, "depth"]) and pd.isna(rows.loc[0, "run_id"])
