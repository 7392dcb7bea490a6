"""Fixtures of the io tests."""

import numpy as np
import pandas as pd
import pytest

from implicitreg.io import files as fileio


@pytest.fixture
def written(tmp_path, monkeypatch):
    """A working directory with two outputs written through ``fileio`` (so with write-time records)."""
    monkeypatch.chdir(tmp_path)
    fileio.save_csv("results/tables/a.csv", pd.DataFrame({"x": [1, 2]}))
    fileio.save_npz("results/runs/r.npz", W=np.eye(2))
    return {
        "results/tables/a.csv": {"rule": "table", "wildcards": {}, "params": {}},
        "results/runs/r.npz": {"rule": "simulate_x", "wildcards": {}, "params": {}},
    }
