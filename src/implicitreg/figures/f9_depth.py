"""F9: two-, three- and four-layer networks on the same data; transitions against THEORY.md section 4."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from implicitreg.figures.style import FULL, MARKERS, palette


def figure_f9(runs: pd.DataFrame, components: pd.DataFrame, table: pd.DataFrame):
    """(a-c) component ``w_i / target_i`` against iteration for each depth at the middle ``delta``, predicted
    transitions marked; (d) transition iteration against ``delta`` with the section 4 laws; (e) stage width."""
    depths = sorted(runs["depth"].unique())
    deltas = sorted(runs["delta"].unique())
    delta_mid = deltas[len(deltas) // 2]
    comps = sorted(table["component"].unique())
    colors = dict(zip(comps, palette(len(comps))))
    fig = plt.figure(figsize=(FULL, 5.0))
    grid = fig.add_gridspec(2, len(depths) * 2)
    top = [fig.add_subplot(grid[0, 2 * i : 2 * i + 2]) for i in range(len(depths))]
    for ax, L in zip(top, depths):
        run = runs[(runs["depth"] == L) & (runs["delta"] == delta_mid)].iloc[0]
        c = components[components["run_id"] == run["run_id"]]
        t = table[table["run_id"] == run["run_id"]].set_index("component")
        for comp in comps:
            cc = c[c["component"] == comp]
            ax.plot(np.maximum(cc["step"], 1), cc["value"] / cc["target"], color=colors[comp], lw=1.3)
            if comp in t.index:
                ax.axvline(t.loc[comp, "k_predicted"], color=colors[comp], ls=":", lw=0.9)
                ax.axvline(t.loc[comp, "k_flow"], color=colors[comp], ls="--", lw=0.8)
        ax.set(xscale="log", xlabel="iteration $k$", ylim=(-0.05, 1.1))
        ax.set_title(f"({'abc'[depths.index(L)]}) depth $L = {L}$, $\\delta = {delta_mid:g}$", fontsize=9)
    top[0].set_ylabel(r"$w_i(k) \,/\, (\sigma_i / \lambda_i)$")
    handles = [Line2D([], [], color=colors[c], lw=1.5, label=rf"$i = {c}$, $\sigma_i = {s:g}$")
               for c, s in table.groupby("component")["sigma"].first().items()]  # fmt: skip
    handles += [Line2D([], [], color="k", ls=":", lw=0.9, label="section 4 law"),
                Line2D([], [], color="k", ls="--", lw=0.8, label="exact flow half-crossing")]  # fmt: skip
    top[-1].legend(handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7)

    ax_k = fig.add_subplot(grid[1, 0:3])
    ax_w = fig.add_subplot(grid[1, 3:6])
    dcolors = dict(zip(depths, palette(len(depths) + 3)[3:]))
    for (L, comp), g in table.groupby(["depth", "component"]):
        g = g.sort_values("delta")
        kw = dict(color=dcolors[L], marker=MARKERS[comps.index(comp)], mfc="none", ms=4, ls="none")
        ax_k.plot(g["delta"], g["k_measured"], **kw)
        ax_k.plot(g["delta"], g["k_predicted"], color=dcolors[L], ls=":", lw=0.9)
        ax_k.plot(g["delta"], g["k_flow"], color=dcolors[L], ls="--", lw=0.8)
        ax_w.plot(L + 0.08 * (comps.index(comp) - 1) + 0.02 * (g["delta"] - g["delta"].mean()), g["stage_width"], **kw)
    ax_k.set(yscale="log", xlabel=r"initialization scale $\delta$ ($W(0) = e^{-\delta}$)",
             ylabel="transition iteration $k_i$")  # fmt: skip
    ax_k.set_title("(d) transitions: measured (markers), laws (lines)", fontsize=9)
    ax_w.set(xticks=depths, xlabel="depth $L$", ylabel=r"stage width $\ln(k_{90} / k_{10})$", ylim=(0, None))
    ax_w.set_title(r"(e) stage width, every $\delta$", fontsize=9)
    handles = [Line2D([], [], color=dcolors[L], lw=1.5, label=f"$L = {L}$") for L in depths]
    handles += [Line2D([], [], color="k", marker=MARKERS[i], mfc="none", ls="none", label=f"$i = {c}$")
                for i, c in enumerate(comps)]  # fmt: skip
    ax_w.legend(handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7)
    fig.tight_layout()
    return fig


def draw(tables: dict, datasets: dict, config: dict):
    """F9 from the depth analysis's runs, components and transition table."""
    return figure_f9(tables["runs"], tables["components"], tables["depth_transitions"])
