"""F8: test risk along the two-layer and linear GD paths against iteration, beside RRR at every rank and the
ridge path (THEORY.md section 7)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from implicitreg.figures.style import FULL, palette


def figure_f8(risk: pd.DataFrame, t3: pd.DataFrame):
    """Test risk (a) along the GD paths against iteration, (b) of RRR against rank, (c) of ridge against
    alpha; median over datasets (lines) and their range (band), the teacher's risk (noise floor) dotted, the best
    RRR rank dashed and the best reduced-rank ridge dash-dotted (means over datasets).
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
    rr = t3.loc[t3["dataset"] == "mean", "rr_ridge"].item()
    axes[2].axhline(rr, color="0.3", ls="-.", lw=0.8)
    handles = [Line2D([], [], color=colors[m], lw=1.4, label=f"{labels[m]}: median") for m in colors]
    handles += [Patch(color="0.5", alpha=0.25, lw=0, label=f"range over the {n} datasets"),
                Line2D([], [], color=colors["rrr"], ls="--", lw=0.8, label="best RRR rank (mean)"),
                Line2D([], [], color="0.3", ls="-.", lw=0.8, label="best reduced-rank ridge (mean)"),
                Line2D([], [], color="0.3", ls=":", lw=0.9, label="teacher (noise floor)")]  # fmt: skip
    axes[2].legend(handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7)
    fig.tight_layout()
    return fig


def draw(tables: dict, datasets: dict, config: dict):
    """F8 from the test-risk table and T3."""
    return figure_f8(tables["test_risk"], tables["T3"])
