"""F10 (C22): deep matrix factorization: loss and singular values of the product against iteration, with the
minimum Hessian eigenvalue at each plateau and at the end (THEORY.md section 8)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from implicitreg.figures.style import FULL, palette


def sci(x: float) -> str:
    """``3 \\times 10^{-4}`` style label for a positive number."""
    e = int(np.floor(np.log10(x) + 1e-9))
    m = x / 10.0**e
    return f"10^{{{e}}}" if abs(m - 1) < 1e-9 else f"{m:g} \\times 10^{{{e}}}"


def figure_f10(runs: pd.DataFrame, traj: pd.DataFrame, stages: pd.DataFrame, curv: pd.DataFrame, outside=None):
    """Per depth (columns): (a) loss for R = 1..5, (b) singular values for the largest R with detected stages
    shaded, (c) ``lambda_min / lambda_max`` at each plateau midpoint and at the end, every run; ``outside`` (a
    boolean per run) marks the runs outside the small-initialization premise, whose (alpha, R) each column names."""
    depths = sorted(runs["depth"].unique())
    ranks = sorted(runs["rank"].unique())
    R_max = max(ranks)
    rcolors = dict(zip(ranks, palette(len(ranks))))
    fig, axes = plt.subplots(3, len(depths), figsize=(FULL, 6.8), squeeze=False)
    for j, N in enumerate(depths):
        sel = runs[(runs["depth"] == N) & (runs["seed"] == runs["seed"].min())]
        alpha = sel["alpha"].min()
        sel = sel[sel["alpha"] == alpha]
        ax = axes[0, j]
        for R in ranks:
            rid = sel.loc[sel["rank"] == R, "run_id"].iloc[0]
            t = traj[traj["run_id"] == rid]
            ax.plot(np.maximum(t["step"], 1), t["loss"], color=rcolors[R], lw=1.2, label=f"$R = {R}$")
        ax.set(xscale="log", yscale="log", xlabel="iteration $k$")
        ax.set_title(rf"depth $N = {N}$, $\alpha = {sci(alpha)}$", fontsize=9)
        ax = axes[1, j]
        rid = sel.loc[sel["rank"] == R_max, "run_id"].iloc[0]
        t = traj[traj["run_id"] == rid]
        for _, s in stages[stages["run_id"] == rid].iterrows():
            ax.axvspan(max(s["k_start"], 1), s["k_end"], color="0.85", lw=0)
        svs = [c for c in t.columns if c.startswith("sv_")]
        for r, col in enumerate(svs, start=1):
            color = rcolors[r] if r in rcolors else "0.4"
            ax.plot(np.maximum(t["step"], 1), t[col], color=color, lw=1.2, ls="-" if r <= R_max else ":")
        ax.set(xscale="log", yscale="log", xlabel="iteration $k$")
        ax = axes[2, j]
        c = curv[curv["run_id"].isin(runs.loc[runs["depth"] == N, "run_id"])].merge(runs, on="run_id")
        for R, g in c.groupby("rank"):
            x = g["point"].str.removeprefix("plateau_").replace("end", str(R_max + 1)).astype(float)
            x = x + 0.07 * (R - (R_max + 1) / 2)
            ratio = g["lambda_min"] / g["lambda_max"]
            ax.plot(x[g["resolved"]], ratio[g["resolved"]], "o", color=rcolors[R], ms=3, mfc="none", mew=0.8)
            ax.plot(x[~g["resolved"]], ratio[~g["resolved"]], "x", color=rcolors[R], ms=3, mew=0.8)
        ax.set_yscale("symlog", linthresh=1e-4)
        ax.axhline(0, color="0.5", lw=0.6)
        ticks = list(range(R_max + 2))
        ax.set_xticks(ticks, [str(i) for i in ticks[:-1]] + ["end"])
        ax.set(xlabel="plateau (values learned)", ylim=(-1.5, 1e-3))
        if outside is not None:
            out = runs[outside & (runs["depth"] == N)].drop_duplicates(["alpha", "rank"])
            text = ", ".join(f"$\\alpha = {sci(a)}$, $R = {r}$" for a, r in zip(out["alpha"], out["rank"]))
            ax.set_title("outside premise: " + (text or "none"), fontsize=7)
    axes[0, 0].set_ylabel("(a) loss " + r"$\frac{1}{2}\|W - M\|_F^2$")
    axes[1, 0].set_ylabel(f"(b) $\\sigma_r(W)$, $R = {R_max}$")
    axes[2, 0].set_ylabel("(c) " + r"$\lambda_{\min} / \lambda_{\max}$ of the Hessian")
    axes[0, -1].legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7, title="target rank")
    handles = [Patch(color="0.85", label="detected stage"),
               Line2D([], [], color="0.4", ls=":", label=f"$r = {R_max + 1}$ (not in $M$)")]  # fmt: skip
    axes[1, -1].legend(handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7)
    handles = [Line2D([], [], color="k", marker="o", mfc="none", ls="none", label="resolved"),
               Line2D([], [], color="k", marker="x", ls="none", label="below resolution")]  # fmt: skip
    axes[2, -1].legend(handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7)
    fig.tight_layout()
    return fig


def draw(tables: dict, datasets: dict, config: dict):
    """F10 from the DMF tables of the dmf analysis's experiment; runs with ``alpha > dmf_small_init x s_R`` are
    outside claim 14's small-initialization premise."""
    experiment = config["analyses"]["dmf"]["experiment"]
    runs = tables["dmf_runs"]
    runs = runs[runs["experiment"] == experiment]
    s = config["dmf_experiments"][experiment]["singular_values"]
    outside = runs["alpha"] > config["claims"]["dmf_small_init"] * runs["rank"].map(lambda r: s[r - 1])
    return figure_f10(runs, tables["dmf_trajectories"], tables["dmf_stages"], tables["dmf_curvature"], outside)
