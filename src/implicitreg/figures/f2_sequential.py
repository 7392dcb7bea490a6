"""F2: sequential (two-layer) against simultaneous (linear) learning: value/target of each component against
iteration, with the predicted transition iterations (THEORY.md section 4) marked."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from implicitreg.figures.style import FULL, MODEL_LABEL, palette


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


def draw(tables: dict, datasets: dict, config: dict):
    """F2 from the run, component and transition tables of the sequential analysis."""
    return figure_f2(tables["runs"], tables["components"], tables["transitions"])
