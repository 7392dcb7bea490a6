"""F1 (G19 Figure 1): trace norm of the end-to-end map against rescaled time ``t = eta k / delta``, linear model
and two-layer autoencoder, closed form (THEORY.md section 4) with discrete-GD points overlaid."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from implicitreg.figures.style import FULL, MODEL_LABEL, palette
from implicitreg.linear import theory


def trace_norm_series(components: pd.DataFrame, run_id: str) -> pd.Series:
    """``||W(k)||_* = sum_i |w_i(k)|`` per logged step (exact for aligned runs: W stays diagonal)."""
    c = components[components["run_id"] == run_id]
    return c.assign(a=c["value"].abs()).groupby("step")["a"].sum()


def figure_f1(runs: pd.DataFrame, components: pd.DataFrame, sigma, t_max: float):
    """G19 Figure 1: trace norm against rescaled time ``t = eta k / delta``; lines closed form, dots GD."""
    deltas = sorted(runs["delta"].unique())
    colors = dict(zip(deltas, palette(len(deltas))))
    fig, axes = plt.subplots(1, 2, figsize=(FULL, 2.6), sharey=True)
    t = np.linspace(0.0, t_max, 1000)
    for ax, model in zip(axes, ["linear", "two_layer"]):
        for delta in deltas:
            ax.plot(t, theory.autoencoder_trace_norm(t, sigma, delta, model), color=colors[delta], lw=1.2)
            run = runs[(runs["model"] == model) & (runs["delta"] == delta)].iloc[0]
            norm = trace_norm_series(components, run["run_id"])
            tk = norm.index.to_numpy() * run["eta"] / delta
            keep = tk <= t_max
            pick = np.unique(np.searchsorted(tk[keep], np.linspace(0, t_max, 40)).clip(0, keep.sum() - 1))
            ax.plot(tk[keep][pick], norm.to_numpy()[keep][pick], "o", ms=2.5, color=colors[delta], mfc="none", mew=0.7)
        ax.set_title(MODEL_LABEL[model] + (" (autoencoder)" if model == "two_layer" else ""))
        ax.set_xlabel(r"rescaled time $t = \eta k / \delta$")
        ax.set_xlim(0, t_max)
    for s in sigma:
        axes[1].axvline(1.0 / (2.0 * s), color="0.6", ls=":", lw=0.8)
    axes[0].set_ylabel(r"trace norm $\|W(\delta t)\|_*$")
    handles = [Line2D([], [], color=colors[d], label=rf"$\delta = {d:g}$") for d in deltas]
    handles += [Line2D([], [], color="k", label="closed form (flow)"),
                Line2D([], [], color="k", marker="o", ls="none", mfc="none", ms=3, label="discrete GD")]  # fmt: skip
    axes[1].legend(handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7)
    return fig


def draw(tables: dict, datasets: dict, config: dict):
    """F1 from the run and component tables and the staircase dataset's ``sigma``."""
    sigma = next(iter(datasets.values()))["sigma"]
    return figure_f1(tables["runs"], tables["components"], sigma, config["analyses"]["staircase"]["t_max"])
