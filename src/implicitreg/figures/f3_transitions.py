"""F3: measured against predicted transition iterations over the eta x delta x spectra grid (log-log, identity
line), THEORY.md section 4."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from implicitreg.figures.style import FULL, MODEL_LABEL, palette


def figure_f3(runs: pd.DataFrame, transitions: pd.DataFrame, eta_sigma_max: float, tol: float):
    """(a) Measured against predicted transition iterations, log-log; (b) relative error against ``eta sigma_i``."""
    t = transitions.merge(runs, on="run_id")
    t = t.assign(eta_sigma=t["eta"] * t["sigma"], model_label=t["model"].map(MODEL_LABEL))
    fig, axes = plt.subplots(1, 2, figsize=(FULL, 2.8))
    models = list(dict.fromkeys(t["model_label"]))
    datasets = list(dict.fromkeys(t["dataset"]))
    colors = dict(zip(models, palette(len(models))))
    markers = dict(zip(datasets, "osD^v"))
    for (model, ds), g in t.groupby(["model_label", "dataset"], sort=False):
        kw = dict(color=colors[model], marker=markers[ds], ls="none", ms=3.5, mfc="none", mew=0.8)
        axes[0].plot(g["k_predicted"], np.maximum(g["k_measured"], 0.5), **kw)
        axes[1].plot(g["eta_sigma"], np.maximum(g["rel_error"], 1e-5), **kw)
    lo, hi = t["k_predicted"].min() / 2, t["k_predicted"].max() * 2
    axes[0].plot([lo, hi], [lo, hi], color="0.5", lw=0.8, zorder=0)
    axes[0].set(xscale="log", yscale="log", xlabel=r"predicted $k_i$ (iteration)", ylabel=r"measured $k_i$ (iteration)")
    axes[0].set_title("(a) transition iterations", fontsize=9)
    axes[1].axvline(eta_sigma_max, color="0.5", ls=":", lw=0.8)
    axes[1].axhline(tol, color="0.5", ls="--", lw=0.8)
    axes[1].set(xscale="log", yscale="log", xlabel=r"$\eta \sigma_i$", ylabel="relative error")
    axes[1].set_title("(b) error of the prediction (floor $10^{-5}$)", fontsize=9)
    handles = [Line2D([], [], color=colors[m], lw=2, label=m) for m in models]
    handles += [
        Line2D([], [], color="k", marker=markers[d], ls="none", mfc="none", label=f"{d} data") for d in datasets
    ]
    axes[1].legend(handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7)
    fig.tight_layout()
    return fig


def draw(tables: dict, datasets: dict, config: dict):
    """F3 from the run and transition tables, with claim 3's step-size filter and tolerance."""
    tol = config["claims"]
    return figure_f3(
        tables["runs"], tables["transitions"], tol["transition_eta_sigma_max"], tol["transition_median_rel_error"]
    )
