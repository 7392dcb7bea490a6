"""F7: (a) small random initialization against aligned at the same scale; (b) deviation from the aligned
prediction against the normalized commutator of covariances rotated by epsilon."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import NullFormatter

from implicitreg.figures.style import FULL, palette


def figure_f7(runs, components, transitions, rotation, aligned_experiment: str, random_experiment: str):
    """(a) ``w_i / target`` against iteration: aligned (thick) and random initializations (thin), same scale;
    (b) deviation from the aligned prediction against the normalized commutator, per model."""
    fig, axes = plt.subplots(1, 2, figsize=(FULL, 2.8), gridspec_kw={"width_ratios": [1.25, 1.0]})
    ax = axes[0]
    aligned = runs[(runs["experiment"] == aligned_experiment) & (runs["model"] == "two_layer")]
    random = runs[(runs["experiment"] == random_experiment) & (runs["model"] == "two_layer")]
    comps = components[components["run_id"].isin(pd.concat([aligned, random])["run_id"])]
    tr = transitions[transitions["run_id"].isin(aligned["run_id"])].set_index("component")
    order = sorted(comps["component"].unique())
    colors = dict(zip(order, palette(len(order))))
    for rid in random["run_id"]:
        for comp, cc in comps[comps["run_id"] == rid].groupby("component"):
            ax.plot(np.maximum(cc["step"], 1), cc["value"] / cc["target"], color=colors[comp], lw=0.6, alpha=0.7)
    for rid in aligned["run_id"]:
        for comp, cc in comps[comps["run_id"] == rid].groupby("component"):
            ax.plot(np.maximum(cc["step"], 1), cc["value"] / cc["target"], color=colors[comp], lw=2.2, ls="--")
    ax.set_xscale("log")
    ax.set_xlabel("iteration $k$")
    ax.set_ylabel(r"$w_i(k) \,/\, (\sigma_i / \lambda_i)$")
    run = aligned.iloc[0]
    ax.set_title(rf"(a) {len(random)} random inits vs aligned, $\eta = {run['eta']:g}$, $\delta = {run['delta']:g}$",
                 fontsize=9)  # fmt: skip
    handles = [Line2D([], [], color=colors[c], lw=1.5, label=rf"$\sigma_{c} = {tr.loc[c, 'sigma']:g}$")
               for c in order if c in tr.index]  # fmt: skip
    handles += [Line2D([], [], color="k", lw=2.2, ls="--", label="aligned"),
                Line2D([], [], color="k", lw=0.6, label="random")]  # fmt: skip
    ax.legend(handles=handles, loc="upper left", fontsize=7)

    ax = axes[1]
    models = list(dict.fromkeys(rotation["model"]))
    mcolors = dict(zip(models, palette(len(models) + 4)[4:]))
    for model, g in rotation.groupby("model", sort=False):
        pos = g[g["epsilon"] > 0]
        ax.plot(pos["commutator"], pos["deviation"], "o-", color=mcolors[model], ms=4, lw=1.0,
                label=model.replace("_", "-"))  # fmt: skip
        if model == models[-1]:
            for r in pos.itertuples():
                ax.annotate(rf"$\epsilon={r.epsilon:g}$", (r.commutator, r.deviation), xytext=(4, -9),
                            textcoords="offset points", fontsize=6)  # fmt: skip
    zero = rotation[rotation["epsilon"] == 0]
    text = ", ".join(f"{m.replace('_', '-')} {d:.1g}" for m, d in zip(zero["model"], zero["deviation"]))
    ax.text(0.97, 0.04, r"$\epsilon = 0$ (commutator 0):" + "\n" + text, transform=ax.transAxes, ha="right",
            fontsize=6.5)  # fmt: skip
    xlabel = r"$\|\Sigma_x M - M\Sigma_x\| / (\|\Sigma_x\|\|M\|)$, $M = \Sigma_{xy}\Sigma_{xy}^\top$"
    ax.set(xscale="log", yscale="log", xlabel=xlabel, ylabel="max relative deviation\nfrom the aligned prediction")
    pos = rotation[rotation["epsilon"] > 0]["commutator"]
    ax.set_xlim(pos.min() / 1.6, pos.max() * 1.6)
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_title(r"(b) covariances rotated by $\epsilon$", fontsize=9)
    ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    return fig


def draw(tables: dict, datasets: dict, config: dict):
    """F7 from the random-initialization runs with their aligned reference, and the rotation table."""
    spec = config["analyses"]["random_init"]
    return figure_f7(tables["runs"], tables["components"], tables["transitions"], tables["rotation"], spec["aligned"],
                     spec["experiment"])  # fmt: skip
