"""Each figure drawn from small synthetic tables: what a reader relies on (axes labels and scales, the number of
lines, cells or panels, the legend entries) follows from the tables it was given."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection

from implicitreg.figures import (
    f1_staircase,
    f2_sequential,
    f3_transitions,
    f4_vanishing,
    f5_rrr_path,
    f6_phase,
    f7_beyond,
    f8_generalization,
    f9_depth,
    f10_dmf,
    style,
)

STEPS = np.array([0, 1, 2, 4, 8, 16, 32, 64, 128, 256])


@pytest.fixture(autouse=True)
def figure_style():
    style.setup_style()
    yield
    plt.close("all")


def runs_table(**grid) -> pd.DataFrame:
    """One run per combination of ``grid``'s values (``run_id`` r0, r1, ...), with eta 0.1 and delta 4 unless given."""
    keys = list(grid)
    rows = [dict(zip(keys, values)) for values in pd.MultiIndex.from_product(list(grid.values()))]
    df = pd.DataFrame(rows)
    for key, value in (("eta", 0.1), ("delta", 4.0), ("dataset", "whitened"), ("model", "two_layer")):
        if key not in df:
            df[key] = value
    return df.assign(run_id=[f"r{i}" for i in range(len(df))])


def components_table(run_ids, n_components: int) -> pd.DataFrame:
    """Component ``i`` of each run rising to its target 1/i along a logistic curve centred at step 10 i."""
    rows = [
        (r, i, int(k), (1 / i) / (1 + np.exp(-(k - 10 * i) / 3)), 1 / i)
        for r in run_ids
        for i in range(1, n_components + 1)
        for k in STEPS
    ]
    return pd.DataFrame(rows, columns=["run_id", "component", "step", "value", "target"])


def legend_texts(legend) -> list[str]:
    return [t.get_text() for t in legend.get_texts()]


def test_f1_two_panels_one_curve_and_dots_per_delta():
    runs = runs_table(model=["linear", "two_layer"], delta=[2.0, 4.0])
    fig = f1_staircase.figure_f1(runs, components_table(runs["run_id"], 2), np.array([3.0, 1.0]), 6.0)
    left, right = fig.axes
    assert left.get_ylabel() == r"trace norm $\|W(\delta t)\|_*$"
    assert left.get_xlabel() == right.get_xlabel() == r"rescaled time $t = \eta k / \delta$"
    assert left.get_xlim() == (0.0, 6.0)
    assert len(left.get_lines()) == 4  # per delta: the closed form and the GD dots
    assert len(right.get_lines()) == 4 + 2  # and the step times 1/(2 sigma_i)
    assert legend_texts(right.get_legend()) == [r"$\delta = 2$", r"$\delta = 4$", "closed form (flow)", "discrete GD"]


def transitions_table(runs, components=(1, 2)) -> pd.DataFrame:
    rows = [(r, i, 10.0 * i, 11.0 * i, 0.1, 2.0 / i, 1.0) for r in runs["run_id"] for i in components]
    return pd.DataFrame(
        rows, columns=["run_id", "component", "k_predicted", "k_measured", "rel_error", "sigma", "lambda"]
    )


def test_f2_one_row_per_dataset_models_side_by_side():
    runs = runs_table(dataset=["whitened", "coloured"], model=["linear", "two_layer"])
    comps = components_table(runs["run_id"], 3)
    fig = f2_sequential.figure_f2(runs, comps, transitions_table(runs))
    axes = np.array(fig.axes).reshape(2, 2)
    assert [ax.get_title() for ax in axes[0]] == ["linear model", "two-layer network"]
    assert [ax.get_ylabel().split("\n")[0] for ax in axes[:, 0]] == ["whitened data", "coloured data"]
    assert all(ax.get_xscale() == "log" and ax.get_xlabel() == "iteration $k$" for ax in axes.ravel())
    assert all(len(ax.get_lines()) == 3 + 2 for ax in axes.ravel())  # three components, two predicted transitions
    assert legend_texts(axes[0, 1].get_legend()) == [
        r"$i=1$: $\sigma=2$, $\lambda=1$",
        r"$i=2$: $\sigma=1$, $\lambda=1$",
    ]


def test_f3_log_log_one_marker_series_per_model_and_dataset():
    runs = runs_table(model=["linear", "two_layer"], dataset=["whitened", "coloured"])
    fig = f3_transitions.figure_f3(runs, transitions_table(runs), 0.1, 0.02)
    left, right = fig.axes
    assert (left.get_xscale(), left.get_yscale(), right.get_xscale(), right.get_yscale()) == ("log",) * 4
    assert (left.get_xlabel(), left.get_ylabel()) == (r"predicted $k_i$ (iteration)", r"measured $k_i$ (iteration)")
    assert (right.get_xlabel(), right.get_ylabel()) == (r"$\eta \sigma_i$", "relative error")
    assert len(left.get_lines()) == 4 + 1  # four (model, dataset) series and the identity line
    assert len(right.get_lines()) == 4 + 2  # and the step-size limit and the tolerance
    assert legend_texts(right.get_legend()) == ["linear model", "two-layer network", "whitened data", "coloured data"]


def test_f4_one_panel_per_component_and_the_distance_log_log():
    runs = runs_table(delta=[2.0, 4.0, 8.0])
    distances = pd.DataFrame({"delta": [2.0, 4.0, 8.0], "distance": [0.4, 0.2, 0.1], "distance_flow": [0.5, 0.3, 0.2]})
    fig = f4_vanishing.figure_f4(runs, components_table(runs["run_id"], 2), distances, [2.0, 1.0], [1.0, 1.0], 3.0)
    *top, bottom = fig.axes
    assert len(top) == 2 and all(len(ax.get_lines()) == 3 + 1 for ax in top)  # one per delta and the limit
    assert [ax.get_title() for ax in top] == [
        r"$i=1$: $\sigma_i=2$, $\lambda_i=1$",
        r"$i=2$: $\sigma_i=1$, $\lambda_i=1$",
    ]
    assert (bottom.get_xscale(), bottom.get_yscale(), bottom.get_ylabel()) == ("log", "log", "distance to the limit")
    assert len(bottom.get_lines()) == 3
    assert legend_texts(fig.legends[0])[:3] == [r"$\delta = 2$", r"$\delta = 4$", r"$\delta = 8$"]


def test_f5_one_panel_per_dataset_agreeing_first():
    rows = [
        (ds, f"r_{ds}", j, sol, int(k), 1.0 / (k + 1))
        for ds in ("b_data", "a_data")
        for j in (1, 2)
        for sol in ("rrr", "top_sigma")
        for k in STEPS
    ]
    path = pd.DataFrame(rows, columns=["dataset", "run_id", "rank", "solution", "step", "distance"])
    t2 = pd.DataFrame(
        [(ds, j, j == 1, 20.0 * j, 0.01) for ds in ("b_data", "a_data") for j in (1, 2)],
        columns=["dataset", "rank", "top_sigma_equals_rrr", "plateau_step", "plateau_to_top_sigma"],
    )
    transitions = pd.DataFrame({"run_id": ["r_b_data", "r_a_data"], "k_measured": [10.0, 12.0]})
    fig = f5_rrr_path.figure_f5(path, t2, transitions, ["b_data"], 0.05)
    assert [ax.get_title().split(" data")[0] for ax in fig.axes] == ["b_data", "a_data"]
    assert "agree" in fig.axes[0].get_title() and "differ" in fig.axes[1].get_title()
    for ax in fig.axes:
        assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
        # W_1, W_2, P_2 (P_1 equals W_1), two plateau markers, one transition, the tolerance
        assert len(ax.get_lines()) == 3 + 2 + 1 + 1
        assert legend_texts(ax.get_legend()) == ["$j = 1$", "$j = 2$"]
    assert len(legend_texts(fig.legends[0])) == 5


def test_f6_one_cell_per_eta_and_delta_and_the_example_trajectories():
    cells = runs_table(dataset=["whitened", "coloured"], delta=[2.0, 8.0], eta_sigma1=[0.3, 0.7, 1.2])
    observed = {0.3: "monotone", 0.7: "oscillating", 1.2: "failed"}
    phase = cells.assign(
        observed=cells["eta_sigma1"].map(observed), network_bound=0.9, agrees=True, aligned_deviation=0.0
    )
    fig = f6_phase.figure_f6(phase, components_table(phase["run_id"], 1), [0.3, 0.7, 1.2], 8.0)
    *grids, examples = fig.axes
    assert [ax.get_title() for ax in grids] == ["whitened data", "coloured data"]
    for ax in grids:
        squares = [c for c in ax.collections if isinstance(c, PathCollection)][0]
        assert len(squares.get_offsets()) == 2 * 3  # one cell per (delta, eta sigma_1)
        assert ax.get_xscale() == "log" and ax.get_xlabel() == r"$\eta \sigma_1$"
    assert len(examples.get_lines()) == 3 + 1  # the three examples and the target
    assert legend_texts(examples.get_legend()) == [
        r"$\eta\sigma_1 = 0.3$: monotone",
        r"$\eta\sigma_1 = 0.7$: converges, overshoots",
        r"$\eta\sigma_1 = 1.2$: does not converge",
    ]
    assert legend_texts(fig.legends[0])[:4] == ["monotone", "converges, overshoots", "does not converge", "diverged"]


def test_f7_random_against_aligned_and_the_rotation_log_log():
    runs = pd.concat(
        [runs_table(seed=[1, 2, 3]).assign(experiment="random"), runs_table(seed=[0]).assign(experiment="aligned")],
        ignore_index=True,
    )
    runs["run_id"] = [f"r{i}" for i in range(len(runs))]
    rotation = pd.DataFrame(
        [(m, e, e / 10, e / 20) for m in ("linear", "two_layer") for e in (0.0, 0.1, 0.2)],
        columns=["model", "epsilon", "commutator", "deviation"],
    )
    aligned = runs[runs["experiment"] == "aligned"]
    fig = f7_beyond.figure_f7(
        runs, components_table(runs["run_id"], 2), transitions_table(aligned), rotation, "aligned", "random"
    )
    left, right = fig.axes
    assert left.get_title().startswith("(a) 3 random inits vs aligned") and left.get_xscale() == "log"
    assert len(left.get_lines()) == 4 * 2  # four runs, two components each
    assert legend_texts(left.get_legend()) == [r"$\sigma_1 = 2$", r"$\sigma_2 = 1$", "aligned", "random"]
    assert (right.get_xscale(), right.get_yscale()) == ("log", "log")
    assert len(right.get_lines()) == 2 and legend_texts(right.get_legend()) == ["linear", "two-layer"]


def test_f8_paths_rrr_and_ridge_with_the_reference_lines():
    risk = pd.DataFrame(
        [
            (ds, m, p, 1.0 + p / 100)
            for ds in ("s1", "s2")
            for m in ("two_layer", "linear", "rrr", "ridge")
            for p in (1, 2, 3)
        ],
        columns=["dataset", "method", "param", "test_risk"],
    )
    t3 = pd.DataFrame({"method": ["teacher", "rrr", "rr_ridge"], "median": [0.5, 1.0, 0.9]})
    fig = f8_generalization.figure_f8(risk, t3)
    paths, rrr, ridge = fig.axes
    assert [ax.get_xscale() for ax in fig.axes] == ["log", "linear", "log"]
    assert paths.get_title() == "(a) GD paths, 2 teachers"
    assert [len(ax.get_lines()) for ax in fig.axes] == [2 + 2, 1 + 2, 1 + 3]  # medians, teacher, best RRR (ridge)
    assert legend_texts(ridge.get_legend())[:4] == [
        "two-layer GD: median",
        "linear GD: median",
        "RRR: median",
        "ridge: median",
    ]
    assert legend_texts(ridge.get_legend())[4] == "5% to 95% of the 2 teachers"
    assert [line.get_ydata()[0] for line in paths.get_lines()[2:]] == [0.5, 1.0]  # teacher and best RRR, from T3


def test_f9_one_panel_per_depth_and_the_transition_laws():
    runs = runs_table(depth=[2, 3], delta=[2.0, 4.0, 6.0])
    rows = [
        (r.run_id, r.depth, i, r.delta, 10.0 * i, 9.0 * i, 11.0 * i, 1.5, 2.0 / i)
        for r in runs.itertuples()
        for i in (1, 2)
    ]
    table = pd.DataFrame(
        rows,
        columns=[
            "run_id",
            "depth",
            "component",
            "delta",
            "k_measured",
            "k_predicted",
            "k_flow",
            "stage_width",
            "sigma",
        ],
    )
    fig = f9_depth.figure_f9(runs, components_table(runs["run_id"], 2), table)
    *top, transitions, widths = fig.axes
    assert [ax.get_title() for ax in top] == [r"(a) depth $L = 2$, $\delta = 4$", r"(b) depth $L = 3$, $\delta = 4$"]
    assert all(len(ax.get_lines()) == 2 * 3 for ax in top)  # per component: the curve, the law, the flow
    assert transitions.get_yscale() == "log" and len(transitions.get_lines()) == 2 * 2 * 3
    assert widths.get_xlabel() == "depth $L$" and len(widths.get_lines()) == 2 * 2
    assert legend_texts(widths.get_legend()) == ["$L = 2$", "$L = 3$", "$i = 1$", "$i = 2$"]


def test_f10_one_column_per_depth_one_loss_curve_per_rank():
    runs = runs_table(depth=[2, 3], rank=[1, 2], seed=[0], alpha=[1e-3])
    traj = pd.DataFrame(
        [(r, int(k), 1.0 / (k + 1), 1.0, 0.5, 0.01) for r in runs["run_id"] for k in STEPS],
        columns=["run_id", "step", "loss", "sv_1", "sv_2", "sv_3"],
    )
    stages = pd.DataFrame({"run_id": runs["run_id"], "k_start": 2, "k_end": 8})
    curv = pd.DataFrame(
        [(r, p, -1e-5, 1.0, True) for r in runs["run_id"] for p in ("plateau_1", "end")],
        columns=["run_id", "point", "lambda_min", "lambda_max", "resolved"],
    )
    fig = f10_dmf.figure_f10(runs, traj, stages, curv, outside=pd.Series(False, index=runs.index))
    axes = np.array(fig.axes).reshape(3, 2)
    assert [ax.get_title() for ax in axes[0]] == [
        r"depth $N = 2$, $\alpha = 10^{-3}$",
        r"depth $N = 3$, $\alpha = 10^{-3}$",
    ]
    assert all(len(ax.get_lines()) == 2 for ax in axes[0])  # one loss curve per target rank
    assert all(len(ax.get_lines()) == 3 for ax in axes[1])  # every singular value of the largest rank's run
    assert all((ax.get_xscale(), ax.get_yscale()) == ("log", "log") for ax in axes[:2].ravel())
    assert axes[2, 0].get_yscale() == "symlog" and axes[2, 0].get_title() == "outside premise: none"
    assert legend_texts(axes[0, -1].get_legend()) == ["$R = 1$", "$R = 2$"]
