"""F12 drawn from small synthetic completion tables: one column per rank with the degrees of freedom marked, one
line per method, and the singular values of one problem per depth with its stages shaded."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from implicitreg.figures import f12_completion, style

N = 10
COUNTS = (20, 40, 80)


@pytest.fixture(autouse=True)
def figure_style():
    style.setup_style()
    yield
    plt.close("all")


def tables():
    runs, traj, stages = [], [], []
    for R in (1, 2):
        for m in COUNTS:
            for seed in (0, 1):
                for method in ("depth 2", "depth 3", "nuclear"):
                    depth = None if method == "nuclear" else int(method[-1])
                    rid = None if depth is None else f"c-N{depth}-R{R}-m{m}-s{seed}"
                    error = 10.0 ** -(m / 20) * (depth or 1)
                    runs.append({"problem_id": f"p-R{R}-m{m}-s{seed}", "method": method, "depth": depth, "rank": R,
                                 "observed_entries": m, "dof": R * (2 * N - R), "seed": seed, "error": error,
                                 "erank": R + 1.0 / m, "n_stages": R if depth else np.nan, "run_id": rid})  # fmt: skip
                    if rid is not None:
                        steps = np.array([0, 10, 100, 1000])
                        traj.append(pd.DataFrame({"run_id": rid, "step": steps, "sv_1": [1e-3, 0.5, 1.0, 1.0],
                                                  "sv_2": [1e-3, 1e-3, 0.4, 0.5], "sv_3": 1e-3}))  # fmt: skip
                        stages += [{"run_id": rid, "stage": s, "k_start": 5 * 10**s, "k_end": 8 * 10**s}
                                   for s in range(1, R + 1)]  # fmt: skip
    return pd.DataFrame(runs), pd.concat(traj, ignore_index=True), pd.DataFrame(stages)


def test_f12_one_column_per_rank_lines_per_method_and_the_examples():
    runs, traj, stages = tables()
    fig = f12_completion.figure_f12(runs, traj, stages, failed=0.1)
    error_1, rank_1, error_2, rank_2, *examples = fig.axes
    assert [ax.get_title() for ax in (error_1, error_2)] == ["target rank $R = 1$", "target rank $R = 2$"]
    assert all(ax.get_yscale() == "log" for ax in (error_1, rank_1, error_2, rank_2))
    assert rank_1.get_xlabel() == "observed entries $|\\Omega|$"
    legend = error_1.get_legend()
    assert legend.get_title().get_text() == "end-point medians"
    assert [t.get_text() for t in legend.get_texts()] == ["depth 2", "depth 3", "nuclear"]
    # per method a median line and the seeds' markers, then R (2n - R) dashed and the failure level dotted
    assert len(error_2.get_lines()) == 3 * 2 + 2
    dof = [line for line in error_2.get_lines() if line.get_linestyle() == "--"]
    assert [line.get_xdata()[0] for line in dof] == [2 * (2 * N - 2)]
    median = error_2.get_lines()[0]  # depth 2: the median over the two seeds at each count
    assert list(median.get_xdata()) == list(COUNTS)
    # one example per depth, at the largest rank and count: its singular values and its R stages shaded
    assert [ax.get_title() for ax in examples] == ["depth 2\n2 stages, error 0.0002", "depth 3\n2 stages, error 0.0003"]
    assert all(len(ax.patches) == 2 and len(ax.get_lines()) == 3 for ax in examples)
    assert [ax.get_xscale() for ax in examples] == ["log", "log"]
