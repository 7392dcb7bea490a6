"""F4 (vanishing-initialization limit) and F5 (the path against reduced-rank regression), drawn from tables."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.ticker import NullFormatter

from . import vanishing
from .plotting import FULL, palette

FLOOR = 1e-10  # F5 distances are drawn no lower than this (log axis)


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


def figure_f5(path: pd.DataFrame, t2: pd.DataFrame, transitions: pd.DataFrame, agree: list[str], tol: float):
    """Relative distance from ``W(k)`` to each RRR solution ``W_j`` (solid) and top-j-by-sigma map ``P_j`` (dashed,
    where it differs from ``W_j``) against iteration; one panel per dataset, agreeing orders first.

    The x axis starts at a third of the first transition: before it the path sits at ``W(0) ~= 0``.
    """
    datasets = sorted(path["dataset"].unique(), key=lambda ds: (ds not in agree, ds))
    fig, axes = plt.subplots(1, len(datasets), figsize=(FULL, 2.9), sharey=True, squeeze=False)
    for ax, ds in zip(axes[0], datasets):
        p = path[path["dataset"] == ds]
        t = t2[t2["dataset"] == ds].set_index("rank")
        ranks = sorted(p["rank"].unique())
        colors = dict(zip(ranks, palette(len(ranks))))
        for j in ranks:
            for solution, ls in (("rrr", "-"), ("top_sigma", "--")):
                if solution == "top_sigma" and t.loc[j, "top_sigma_equals_rrr"]:
                    continue
                s = p[(p["rank"] == j) & (p["solution"] == solution)]
                ax.plot(np.maximum(s["step"], 1), np.maximum(s["distance"], FLOOR), color=colors[j], ls=ls, lw=1.2)
            if pd.notna(t.loc[j, "plateau_step"]):
                ax.plot(t.loc[j, "plateau_step"], max(t.loc[j, "plateau_to_top_sigma"], FLOOR), "v", color=colors[j],
                        ms=4, mec="k", mew=0.4)  # fmt: skip
        crossings = transitions.loc[transitions["run_id"] == p["run_id"].iloc[0], "k_measured"]
        for k in crossings:
            ax.axvline(max(k, 1), color="0.85", lw=0.7, zorder=0)
        ax.axhline(tol, color="0.4", ls=":", lw=0.9)
        ax.set(xscale="log", yscale="log", xlabel="iteration $k$")
        lo, hi = max(crossings.min() / 3, 1), p["step"].max() * 1.3
        ticks = [v for v in (10 ** np.arange(0, 8)[:, None] * np.array([1, 2, 5])).ravel() if lo <= v <= hi]
        ax.set_xlim(lo, hi)
        ax.set_xticks(ticks, [f"{v:g}" for v in ticks])
        ax.xaxis.set_minor_formatter(NullFormatter())
        kind = "orders of $\\sigma_i$ and $\\sigma_i/\\sqrt{\\lambda_i}$ " + ("agree" if ds in agree else "differ")
        ax.set_title(f"{ds} data: {kind}", fontsize=8)
        ax.legend(handles=[Line2D([], [], color=colors[j], label=f"$j = {j}$") for j in ranks], loc="lower left",
                  fontsize=7, title="rank", title_fontsize=7)  # fmt: skip
    axes[0, 0].set_ylabel(r"$\|W(k) - C_j\|_F \,/\, \|C_j\|_F$")
    handles = [
        Line2D([], [], color="k", label=r"$C_j = W_j$ (RRR, rank $j$)"),
        Line2D([], [], color="k", ls="--", label=r"$C_j = P_j$ (top $j$ by $\sigma_i$)"),
        Line2D([], [], color="k", marker="v", ls="none", ms=4, label="plateau $j$"),
        Line2D([], [], color="0.4", ls=":", label=f"tolerance {tol:g}"),
        Line2D([], [], color="0.85", label="transitions"),
    ]
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.08), ncol=len(handles), fontsize=7)
    fig.tight_layout()
    return fig
