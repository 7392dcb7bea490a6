"""F8: test risk along the two-layer and linear GD paths against iteration, beside RRR at every rank and the
ridge path, over a population of teachers (THEORY.md sections 7 and 10)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from implicitreg.figures.style import FULL, palette


def figure_f8(risk: pd.DataFrame, t3: pd.DataFrame):
    """Test risk (a) along the GD paths against iteration, (b) of RRR against rank, (c) of ridge against
    alpha: median over teachers (lines) and the band between their 5% and 95% quantiles; the medians over teachers
    of the teacher's own risk (noise floor, dotted), of the best RRR risk (dashed) and of the best reduced-rank
    ridge risk (dash-dotted), from T3. Paths are drawn at the iterations logged for every teacher."""
    colors = dict(zip(("two_layer", "linear", "rrr", "ridge"), palette(4)))
    labels = {"two_layer": "two-layer GD", "linear": "linear GD", "rrr": "RRR", "ridge": "ridge"}
    median = t3.set_index("method")["median"]
    fig, axes = plt.subplots(1, 3, figsize=(FULL, 2.6), sharey=True, gridspec_kw={"width_ratios": [1.5, 1, 1]})
    panels = [(axes[0], ["two_layer", "linear"], "iteration $k$", "log"), (axes[1], ["rrr"], "rank $k$", "linear"),
              (axes[2], ["ridge"], r"ridge $\alpha$", "log")]  # fmt: skip
    n = risk["dataset"].nunique()
    for ax, methods, xlabel, xscale in panels:
        for method in methods:
            r = risk[risk["method"] == method]
            common = r.groupby("param")["dataset"].transform("nunique") == n  # logged for every teacher
            g = r[common].groupby("param")["test_risk"]
            x = g.median().index.to_numpy()
            x = np.maximum(x, 1) if method in ("two_layer", "linear") else x
            ax.fill_between(x, g.quantile(0.05), g.quantile(0.95), color=colors[method], alpha=0.25, lw=0)
            ax.plot(x, g.median(), color=colors[method], lw=1.4, label=labels[method])
        ax.axhline(median["teacher"], color="0.3", ls=":", lw=0.9)
        ax.axhline(median["rrr"], color=colors["rrr"], ls="--", lw=0.8)
        ax.set_xscale(xscale)
        ax.set_xlabel(xlabel)
    axes[0].set_ylabel(r"test risk $\frac{1}{2n_{test}}\|Y_{test} - X_{test}W\|_F^2$")
    axes[0].set_title(f"(a) GD paths, {n} teachers", fontsize=9)
    axes[1].set_title("(b) RRR", fontsize=9)
    axes[2].set_title("(c) ridge", fontsize=9)
    axes[2].axhline(median["rr_ridge"], color="0.3", ls="-.", lw=0.8)
    handles = [Line2D([], [], color=colors[m], lw=1.4, label=f"{labels[m]}: median") for m in colors]
    handles += [Patch(color="0.5", alpha=0.25, lw=0, label=f"5% to 95% of the {n} teachers"),
                Line2D([], [], color=colors["rrr"], ls="--", lw=0.8, label="best RRR rank (median)"),
                Line2D([], [], color="0.3", ls="-.", lw=0.8, label="best reduced-rank ridge (median)"),
                Line2D([], [], color="0.3", ls=":", lw=0.9, label="teacher (noise floor, median)")]  # fmt: skip
    axes[2].legend(handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7)
    fig.tight_layout()
    return fig


def draw(tables: dict, datasets: dict, config: dict):
    """F8 from the test-risk table and T3."""
    return figure_f8(tables["test_risk"], tables["T3"])
