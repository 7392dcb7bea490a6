"""Figures beyond the paper's assumptions (EXPERIMENTS.md F6-F8), drawn from the results tables."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import NullFormatter

from .phase import MONOTONE_BOUND, STABLE_BOUND
from .plotting import FULL, palette

LEFT_ALIGNED = 1e-8  # deviation from the per-mode recursion above this: the run left the aligned subspace
REGIME_COLORS = dict(zip(("monotone", "oscillating", "failed"), palette(3))) | {"diverged": "0.3"}
REGIME_LABELS = {
    "monotone": "monotone",
    "oscillating": "converges, overshoots",
    "failed": "does not converge",
    "diverged": "diverged",
}


def _boundaries(ax, label: bool) -> None:
    for x, text in ((MONOTONE_BOUND, "1/2"), (STABLE_BOUND, "1")):
        ax.axvline(x, color="0.3", ls="--", lw=0.9, zorder=1)
        if label:
            ax.annotate(text, (x, 1.0), xycoords=("data", "axes fraction"), xytext=(2, 2),
                        textcoords="offset points", fontsize=7, ha="left", va="bottom")  # fmt: skip


def _example_runs(phase, examples, delta):
    ds = phase["dataset"].iloc[0]
    sel = phase[(phase["dataset"] == ds) & (phase["delta"] == delta)]
    picks = [sel.iloc[int(np.argmin(np.abs(sel["eta_sigma1"].to_numpy() - v)))] for v in examples]
    return ds, picks


def figure_f6(phase: pd.DataFrame, components: pd.DataFrame, examples, delta_example: float):
    """(top) Observed regime of every (eta sigma_1, delta) cell per dataset, per-mode boundaries dashed,
    whole-network stability bound dotted (where it differs), cells that left the aligned subspace ringed;
    (bottom) component 1 over the first iterations for a few ``eta sigma_1`` (``delta = delta_example``)."""
    datasets = list(dict.fromkeys(phase["dataset"]))
    deltas = sorted(phase["delta"].unique())
    fig = plt.figure(figsize=(FULL, 4.6))
    grid = fig.add_gridspec(2, len(datasets), height_ratios=[1.0, 1.1], hspace=0.55, wspace=0.08)
    for j, ds in enumerate(datasets):
        ax = fig.add_subplot(grid[0, j])
        p = phase[phase["dataset"] == ds]
        y = p["delta"].map({d: i for i, d in enumerate(deltas)})
        ax.scatter(p["eta_sigma1"], y, c=[REGIME_COLORS[o] for o in p["observed"]], marker="s", s=34, zorder=2)
        bad = p[~p["agrees"]]
        ax.scatter(bad["eta_sigma1"], bad["delta"].map({d: i for i, d in enumerate(deltas)}), marker="x",
                   color="k", s=40, lw=1.2, zorder=3)  # fmt: skip
        left = p[p["aligned_deviation"] > LEFT_ALIGNED]
        ax.scatter(left["eta_sigma1"], left["delta"].map({d: i for i, d in enumerate(deltas)}), marker="o",
                   facecolors="none", edgecolors="k", s=90, lw=0.8, zorder=3)  # fmt: skip
        _boundaries(ax, label=True)
        bound = p["network_bound"].iloc[0]
        if bound < MONOTONE_BOUND * 0.999 or bound > MONOTONE_BOUND * 1.001 and bound < STABLE_BOUND * 0.999:
            ax.axvline(bound, color="0.3", ls=":", lw=1.2, zorder=1)
            ax.annotate(f"network bound {bound:.3g}", (bound, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(-2, 2), textcoords="offset points", fontsize=7, ha="right", va="bottom")  # fmt: skip
        ax.set_xscale("log")
        ax.set_xlim(p["eta_sigma1"].min() / 1.15, p["eta_sigma1"].max() * 1.15)
        ax.set_ylim(-0.6, len(deltas) - 0.4)
        ax.set_yticks(range(len(deltas)), [f"{d:g}" for d in deltas] if j == 0 else [])
        if j == 0:
            ax.set_ylabel(r"$\delta$ (init. $e^{-\delta}$)")
        ax.set_xlabel(r"$\eta \sigma_1$")
        ax.set_title(f"{ds} data", fontsize=9, pad=14)
    handles = [Patch(color=REGIME_COLORS[r], label=REGIME_LABELS[r]) for r in REGIME_COLORS]
    handles.append(Line2D([], [], color="k", marker="x", ls="none", label="disagrees with 1/2, 1"))
    handles.append(Line2D([], [], color="k", marker="o", mfc="none", ls="none", label="left the aligned subspace"))
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.04), ncol=3, fontsize=7)

    ax = fig.add_subplot(grid[1, :])
    ds, picks = _example_runs(phase, examples, delta_example)
    k_end = 0
    for pick in picks:
        color = REGIME_COLORS[pick["observed"]]
        c = components[(components["run_id"] == pick["run_id"]) & (components["component"] == 1)]
        x = (c["value"] / c["target"]).to_numpy()
        k_end = max(k_end, int(np.argmax(x >= 0.5)) * 4)
        label = rf"$\eta\sigma_1 = {pick['eta_sigma1']:.3g}$: {REGIME_LABELS[pick['observed']]}"
        ax.plot(c["step"], x, color=color, lw=1.2, marker="o", ms=2, label=label)
    ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
    ax.set_xlim(0, k_end)
    ax.set_ylim(0, 1.6)
    ax.set_xlabel("iteration $k$")
    ax.set_ylabel(r"$w_1(k) \,/\, (\sigma_1/\lambda_1)$")
    ax.set_title(rf"component 1, {ds} data, $\delta = {delta_example:g}$", fontsize=9)
    ax.legend(loc="lower right", fontsize=7)
    return fig


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


def figure_f8(risk: pd.DataFrame, t3: pd.DataFrame):
    """Test risk (a) along the GD paths against iteration, (b) of RRR against rank, (c) of ridge against
    alpha; median over datasets (lines) and their range (band), the teacher's risk (noise floor) dotted.
    Paths are drawn at the iterations logged for every dataset (the log grid they share)."""
    colors = dict(zip(("two_layer", "linear", "rrr", "ridge"), palette(4)))
    labels = {"two_layer": "two-layer GD", "linear": "linear GD", "rrr": "RRR", "ridge": "ridge"}
    fig, axes = plt.subplots(1, 3, figsize=(FULL, 2.6), sharey=True, gridspec_kw={"width_ratios": [1.5, 1, 1]})
    panels = [(axes[0], ["two_layer", "linear"], "iteration $k$", "log"), (axes[1], ["rrr"], "rank $k$", "linear"),
              (axes[2], ["ridge"], r"ridge $\alpha$", "log")]  # fmt: skip
    n = risk["dataset"].nunique()
    for ax, methods, xlabel, xscale in panels:
        for method in methods:
            r = risk[risk["method"] == method]
            common = r.groupby("param")["dataset"].transform("nunique") == n  # logged for every dataset
            g = r[common].groupby("param")["test_risk"]
            x = g.median().index.to_numpy()
            x = np.maximum(x, 1) if method in ("two_layer", "linear") else x
            ax.fill_between(x, g.min(), g.max(), color=colors[method], alpha=0.25, lw=0)
            ax.plot(x, g.median(), color=colors[method], lw=1.4, label=labels[method])
        ax.axhline(t3.loc[t3["dataset"] == "mean", "teacher"].item(), color="0.3", ls=":", lw=0.9)
        ax.axhline(t3.loc[t3["dataset"] == "mean", "rrr"].item(), color=colors["rrr"], ls="--", lw=0.8)
        ax.set_xscale(xscale)
        ax.set_xlabel(xlabel)
    axes[0].set_ylabel(r"test risk $\frac{1}{2n_{test}}\|Y_{test} - X_{test}W\|_F^2$")
    axes[0].set_title(f"(a) GD paths, {n} datasets", fontsize=9)
    axes[1].set_title("(b) RRR", fontsize=9)
    axes[2].set_title("(c) ridge", fontsize=9)
    handles = [Line2D([], [], color=colors[m], lw=1.4, label=labels[m]) for m in colors]
    handles += [Line2D([], [], color=colors["rrr"], ls="--", lw=0.8, label="best RRR (mean)"),
                Line2D([], [], color="0.3", ls=":", lw=0.9, label="teacher (noise floor)")]  # fmt: skip
    axes[2].legend(handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7)
    fig.tight_layout()
    return fig
