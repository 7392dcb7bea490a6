"""F5: relative distance of the two-layer GD path to every RRR solution W_j and top-k-by-sigma map P_j against
iteration (THEORY.md section 6)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import NullFormatter

from implicitreg.data.spectra import orders_agree
from implicitreg.figures.style import FULL, palette

FLOOR = 1e-10  # F5 distances are drawn no lower than this (log axis)


def figure_f5(path: pd.DataFrame, t2: pd.DataFrame, transitions: pd.DataFrame, agree: list[str], tol: float):
    """Relative distance from ``W(k)`` to each RRR solution ``W_j`` (solid) and top-j-by-sigma map ``P_j`` (dashed,
    where it differs from ``W_j``) against iteration; one panel per dataset, agreeing orders first.

    The x axis starts at a third of the first transition: before it the path sits at ``W(0) ~= 0``.
    """
    datasets = sorted(path["dataset"].unique(), key=lambda ds: (ds not in agree, ds))
    fig, axes = plt.subplots(1, len(datasets), figsize=(FULL, 2.9), sharey=True, squeeze=False)
    for ax, ds in zip(axes[0], datasets):
        p = path[path["dataset"] == ds]
        t = t2[t2["dataset"] == ds].set_index("rank")
        ranks = sorted(p["rank"].unique())
        colors = dict(zip(ranks, palette(len(ranks))))
        for j in ranks:
            for solution, ls in (("rrr", "-"), ("top_sigma", "--")):
                if solution == "top_sigma" and t.loc[j, "top_sigma_equals_rrr"]:
                    continue
                s = p[(p["rank"] == j) & (p["solution"] == solution)]
                ax.plot(np.maximum(s["step"], 1), np.maximum(s["distance"], FLOOR), color=colors[j], ls=ls, lw=1.2)
            if pd.notna(t.loc[j, "plateau_step"]):
                ax.plot(t.loc[j, "plateau_step"], max(t.loc[j, "plateau_to_top_sigma"], FLOOR), "v", color=colors[j],
                        ms=4, mec="k", mew=0.4)  # fmt: skip
        crossings = transitions.loc[transitions["run_id"] == p["run_id"].iloc[0], "k_measured"]
        for k in crossings:
            ax.axvline(max(k, 1), color="0.85", lw=0.7, zorder=0)
        ax.axhline(tol, color="0.4", ls=":", lw=0.9)
        ax.set(xscale="log", yscale="log", xlabel="iteration $k$")
        lo, hi = max(crossings.min() / 3, 1), p["step"].max() * 1.3
        ticks = [v for v in (10 ** np.arange(0, 8)[:, None] * np.array([1, 2, 5])).ravel() if lo <= v <= hi]
        ax.set_xlim(lo, hi)
        ax.set_xticks(ticks, [f"{v:g}" for v in ticks])
        ax.xaxis.set_minor_formatter(NullFormatter())
        kind = "orders of $\\sigma_i$ and $\\sigma_i/\\sqrt{\\lambda_i}$ " + ("agree" if ds in agree else "differ")
        ax.set_title(f"{ds} data: {kind}", fontsize=8)
        ax.legend(handles=[Line2D([], [], color=colors[j], label=f"$j = {j}$") for j in ranks], loc="lower left",
                  fontsize=7, title="rank", title_fontsize=7)  # fmt: skip
    axes[0, 0].set_ylabel(r"$\|W(k) - C_j\|_F \,/\, \|C_j\|_F$")
    handles = [
        Line2D([], [], color="k", label=r"$C_j = W_j$ (RRR, rank $j$)"),
        Line2D([], [], color="k", ls="--", label=r"$C_j = P_j$ (top $j$ by $\sigma_i$)"),
        Line2D([], [], color="k", marker="v", ls="none", ms=4, label="plateau $j$"),
        Line2D([], [], color="0.4", ls=":", label=f"tolerance {tol:g}"),
        Line2D([], [], color="0.85", label="transitions"),
    ]
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.08), ncol=len(handles), fontsize=7)
    fig.tight_layout()
    return fig


def draw(tables: dict, datasets: dict, config: dict):
    """F5 from the path distances and T2, one panel per dataset (orders agreeing first)."""
    agree = [ds for ds, d in datasets.items() if orders_agree(d["lam"], d["sigma"])]
    return figure_f5(
        tables["rrr_path"], tables["T2"], tables["transitions"], agree, config["claims"]["rrr_path_distance"]
    )
