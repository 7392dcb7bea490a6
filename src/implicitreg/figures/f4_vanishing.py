"""F4: the vanishing-initialization limit: two-layer components in rescaled time ``t = eta k / delta`` for growing
``delta``, converging to the staircase, and the distance to the limit against ``delta``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D

from implicitreg.figures.style import FULL
from implicitreg.tables import staircase_distance as vanishing


def figure_f4(runs: pd.DataFrame, components: pd.DataFrame, distances: pd.DataFrame, sigma, lam, t_max: float):
    """(top) ``w_i(delta t / eta) / (sigma_i/lam_i)`` against rescaled time, one panel per component, one colour per
    ``delta``, the discrete staircase limit dashed; (bottom) distance to the limit against ``delta``, log-log."""
    runs = runs[runs["model"] == "two_layer"].sort_values("delta")
    deltas = runs["delta"].to_numpy()
    colors = dict(zip(deltas, sns.color_palette("viridis", len(deltas))))
    m = len(sigma)
    eta = runs["eta"].iloc[0]
    tau = vanishing.staircase_times(sigma, eta)
    fig = plt.figure(figsize=(FULL, 4.6))
    grid = fig.add_gridspec(2, m, height_ratios=[1, 1.15], hspace=0.65, wspace=0.22)
    t = np.linspace(0.0, t_max, 2000)
    top = [fig.add_subplot(grid[0, i]) for i in range(m)]
    for i, ax in enumerate(top):
        for run in runs.itertuples():
            c = components[(components["run_id"] == run.run_id) & (components["component"] == i + 1)]
            tk = c["step"].to_numpy() * eta / run.delta
            keep = tk <= t_max
            ax.plot(tk[keep], (c["value"] / c["target"]).to_numpy()[keep], color=colors[run.delta], lw=1.1)
        ax.plot(t, (t >= tau[i]).astype(float), color="k", ls="--", lw=0.9)
        ax.set_title(rf"$i={i + 1}$: $\sigma_i={sigma[i]:g}$, $\lambda_i={lam[i]:g}$", fontsize=8)
        ax.set_xlim(0, t_max)
        ax.set_ylim(-0.05, 1.1)
        ax.set_xlabel(r"$t = \eta k / \delta$", fontsize=8)
        if i > 0:
            ax.tick_params(labelleft=False)
    top[0].set_ylabel(r"$w_i(k) \,/\, (\sigma_i/\lambda_i)$")
    handles = [Line2D([], [], color=colors[d], label=rf"$\delta = {d:g}$") for d in deltas]
    handles.append(Line2D([], [], color="k", ls="--", label=r"limit: step at $\tau_i = \eta / (2\ln(1+\eta\sigma_i))$"))
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.02), ncol=len(handles), fontsize=7,
               handlelength=1.5, columnspacing=1.0)  # fmt: skip
    ax = fig.add_subplot(grid[1, : max(1, m // 2)])
    d = distances.sort_values("delta")
    ax.plot(
        d["delta"], d["distance"], "o-", color="k", ms=4, lw=1.1, zorder=3, label=r"to the discrete limit ($\tau_i$)"
    )
    ax.plot(d["delta"], d["distance_flow"], "s--", color="0.55", ms=3.5, mfc="none", lw=0.9,
            label=r"to the flow staircase ($1/(2\sigma_i)$)")  # fmt: skip
    ref = d["distance"].iloc[-1] * d["delta"].iloc[-1] / d["delta"]
    ax.plot(d["delta"], ref, ":", color="0.4", lw=0.9, label=r"$\propto 1/\delta$")
    ax.set(xscale="log", yscale="log", xlabel=r"initialization scale $\delta$ ($W(0) = e^{-\delta}$)",
           ylabel="distance to the limit")  # fmt: skip
    ax.set_xticks(d["delta"], [f"{v:g}" for v in d["delta"]])
    ax.minorticks_off()
    window = rf"$t \in [0, {t_max:g}]$"
    ax.set_title(r"(b) mean $|w_i/(\sigma_i/\lambda_i) - 1[t \geq \tau_i]|$ over " + window, fontsize=8)
    ax.legend(loc="center left", bbox_to_anchor=(1.03, 0.5), fontsize=7)
    top[0].annotate("(a)", xy=(-0.35, 1.12), xycoords="axes fraction", fontsize=9, fontweight="bold")
    return fig


def draw(tables: dict, datasets: dict, config: dict):
    """F4 from the run, component and staircase-distance tables and the dataset's spectrum."""
    data = next(iter(datasets.values()))
    m = data["sigma"].size
    return figure_f4(tables["runs"], tables["components"], tables["staircase_limit"], data["sigma"], data["lam"][:m],
                     config["analyses"]["vanishing"]["t_max"])  # fmt: skip
