"""Figures drawn from the results tables (EXPERIMENTS.md F1-F3). Each returns a matplotlib figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from . import theory
from .plotting import FULL, palette

MODEL_LABEL = {"linear": "linear model", "two_layer": "two-layer network", "deep": "deep network"}


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


def figure_f2(runs: pd.DataFrame, components: pd.DataFrame, transitions: pd.DataFrame):
    """Component ``value / target`` against iteration; two-layer beside linear, predicted transitions dashed."""
    datasets = list(dict.fromkeys(runs["dataset"]))
    fig, axes = plt.subplots(len(datasets), 2, figsize=(FULL, 2.2 * len(datasets)), sharey=True, squeeze=False)
    for i, ds in enumerate(datasets):
        for j, model in enumerate(["linear", "two_layer"]):
            ax = axes[i, j]
            run = runs[(runs["dataset"] == ds) & (runs["model"] == model)].iloc[0]
            c = components[components["run_id"] == run["run_id"]]
            tr = transitions[transitions["run_id"] == run["run_id"]].set_index("component")
            comps = sorted(c["component"].unique())
            colors = palette(len(comps))
            for comp, color in zip(comps, colors):
                cc = c[c["component"] == comp]
                label = None
                if comp in tr.index:
                    s, lam = tr.loc[comp, "sigma"], tr.loc[comp, "lambda"]
                    label = rf"$i={comp}$: $\sigma={s:g}$, $\lambda={lam:g}$"
                    ax.axvline(tr.loc[comp, "k_predicted"], color=color, ls="--", lw=0.8)
                ax.plot(np.maximum(cc["step"], 1), cc["value"] / cc["target"], color=color, lw=1.3, label=label)
            ax.set_xscale("log")
            if i == 0:
                ax.set_title(MODEL_LABEL[model], fontsize=9)
            ax.set_xlabel("iteration $k$")
            if j == 0:
                ax.set_ylabel(f"{ds} data\n" + r"$w_i(k) \,/\, (\sigma_i / \lambda_i)$")
            else:
                ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7,
                          title="component (dashed: predicted)", title_fontsize=7)  # fmt: skip
    fig.suptitle(rf"$\eta = {runs['eta'].iloc[0]:g}$, $\delta = {runs['delta'].iloc[0]:g}$", fontsize=9)
    fig.tight_layout()
    return fig


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
