"""F6: the step-size phase diagram over ``eta sigma_1`` and ``delta`` with the boundaries of THEORY.md section 5."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from implicitreg.figures.style import FULL, palette
from implicitreg.linear.stability import MONOTONE_BOUND, STABLE_BOUND

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
    whole-network stability bound dotted and the band from it to 1 shaded (where it lies below 1), claim 9's cells
    off their predicted regime crossed, cells that left the aligned subspace ringed;
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
        counted = (p["eta_sigma1"] < p["network_bound"]) | (p["eta_sigma1"] >= STABLE_BOUND)  # claim 9's cells
        bad = p[counted & ~p["agrees"]]
        ax.scatter(bad["eta_sigma1"], bad["delta"].map({d: i for i, d in enumerate(deltas)}), marker="x",
                   color="k", s=40, lw=1.2, zorder=3)  # fmt: skip
        left = p[p["aligned_deviation"] > LEFT_ALIGNED]
        ax.scatter(left["eta_sigma1"], left["delta"].map({d: i for i, d in enumerate(deltas)}), marker="o",
                   facecolors="none", edgecolors="k", s=90, lw=0.8, zorder=3)  # fmt: skip
        _boundaries(ax, label=True)
        bound = p["network_bound"].iloc[0]
        if bound < STABLE_BOUND * 0.999:  # the whole network is unstable before the per-mode boundary 1 (claim 9b)
            ax.axvspan(bound, STABLE_BOUND, color="0.9", lw=0, zorder=0)
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
    handles.append(Line2D([], [], color="k", marker="x", ls="none", label="off the predicted regime (claim 9)"))
    handles.append(Line2D([], [], color="k", marker="o", mfc="none", ls="none", label="left the aligned subspace"))
    handles.append(Patch(color="0.9", label="network bound to 1 (claim 9b)"))
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


def draw(tables: dict, datasets: dict, config: dict):
    """F6 from the phase cells, with example trajectories at the middle ``delta``."""
    phase = tables["phase"]
    deltas = sorted(phase["delta"].unique())
    return figure_f6(phase, tables["components"], config["analyses"]["phase"]["examples"], deltas[len(deltas) // 2])
