"""F12 (C22, A19): matrix completion by deep matrix factorization against the minimum nuclear-norm completion
(THEORY.md section 9; EXPERIMENTS.md F12): error and effective rank of the end point against the number of
observed entries, and the singular values of one completion per depth with its stages."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.gridspec import GridSpec

from implicitreg.figures.style import FULL, MARKERS, palette
from implicitreg.tables.completion import NUCLEAR


def method_styles(methods) -> dict:
    """Colour and marker of each method: the depths in palette order, the nuclear norm in black."""
    depths = [m for m in methods if m != NUCLEAR]
    styles = {m: (c, MARKERS[i % len(MARKERS)]) for i, (m, c) in enumerate(zip(depths, palette(len(depths))))}
    return styles | {NUCLEAR: ("k", "s")}


def example_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """Panel (c): per depth the run at the largest rank and the largest observed count, first seed."""
    dmf = runs[runs["method"] != NUCLEAR]
    R, m = dmf["rank"].max(), dmf.loc[dmf["rank"] == dmf["rank"].max(), "observed_entries"].max()
    sel = dmf[(dmf["rank"] == R) & (dmf["observed_entries"] == m)]
    return sel[sel["seed"] == sel["seed"].min()].sort_values("depth")


def figure_f12(runs: pd.DataFrame, traj: pd.DataFrame, stages: pd.DataFrame, failed: float):
    """(a) median relative error (markers: every seed) and (b) median effective rank against the observed count,
    one column per rank R, lines per method, ``R (2n - R)`` dashed vertical, ``failed`` and ``R`` dotted horizontal;
    (c) singular values of ``W`` against iteration for one problem per depth, detected stages shaded."""
    ranks = sorted(runs["rank"].unique())
    styles = method_styles(sorted(runs["method"].unique(), key=lambda m: (m == NUCLEAR, m)))
    examples = example_runs(runs)
    n_ex = max(len(examples), 1)
    fig = plt.figure(figsize=(FULL, 8.2), layout="constrained")
    gs = GridSpec(3, len(ranks) * n_ex, figure=fig, height_ratios=[1.2, 1, 1])
    width = n_ex
    for i, R in enumerate(ranks):
        sub = runs[runs["rank"] == R]
        dof = int(sub["dof"].iloc[0])
        med = sub.groupby(["method", "observed_entries"])[["error", "erank"]].median().reset_index()
        first = fig.axes[:2] if i else [None, None]  # one y-axis per row
        ax_e = fig.add_subplot(gs[0, i * width : (i + 1) * width], sharey=first[0])
        ax_r = fig.add_subplot(gs[1, i * width : (i + 1) * width], sharex=ax_e, sharey=first[1])
        for name, (color, marker) in styles.items():
            m, s = med[med["method"] == name], sub[sub["method"] == name]
            ax_e.plot(m["observed_entries"], m["error"], color=color, marker=marker, ms=4, lw=1.2, label=name)
            ax_e.plot(s["observed_entries"], s["error"], color=color, marker=marker, ms=2, ls="none", alpha=0.4)
            ax_r.plot(m["observed_entries"], m["erank"], color=color, marker=marker, ms=4, lw=1.2)
        for ax in (ax_e, ax_r):
            ax.axvline(dof, color="0.3", ls="--", lw=0.8)
        ax_e.axhline(failed, color="0.5", ls=":", lw=0.8)
        ax_e.text(dof, 0.62, f"$R(2n-R) = {dof}$ ", transform=ax_e.get_xaxis_transform(), fontsize=7, rotation=90,
                  ha="right", va="center")  # fmt: skip
        ax_r.axhline(R, color="0.5", ls=":", lw=0.8)
        ax_e.set(yscale="log", title=f"target rank $R = {R}$")
        ax_r.set(yscale="log", xlabel="observed entries $|\\Omega|$")
        if i == 0:
            ax_e.set_ylabel("(a) $\\|W - M\\|_F / \\|M\\|_F$")
            ax_r.set_ylabel("(b) effective rank")
    fig.axes[0].legend(fontsize=7, loc="lower left", title="end-point medians", title_fontsize=7)
    row = gs[2, :].subgridspec(1, n_ex)
    k_max = max(traj.loc[traj["run_id"].isin(examples["run_id"]), "step"].max(), 10)  # one iteration axis for all
    for j, ex in enumerate(examples.itertuples()):
        ax = fig.add_subplot(row[0, j], sharey=ax if j else None)
        t = traj[traj["run_id"] == ex.run_id]
        for _, s in stages[stages["run_id"] == ex.run_id].iterrows():
            ax.axvspan(max(s["k_start"], 1), s["k_end"], color="0.85", lw=0)
        for r, col in enumerate([c for c in t.columns if c.startswith("sv_")], start=1):
            ax.plot(np.maximum(t["step"], 1), t[col], color=styles[ex.method][0], lw=1.0,
                    ls="-" if r <= ex.rank else ":")  # fmt: skip
        ax.set(xscale="log", yscale="log", xlabel="iteration $k$", ylim=(1e-4, 2), xlim=(1, k_max))
        ax.set_title(f"{ex.method}\n{int(ex.n_stages)} stages, error {ex.error:.2g}", fontsize=7)
        if j == 0:
            ax.set_ylabel(f"(c) $\\sigma_r(W)$, $R = {ex.rank}$,\n$|\\Omega| = {ex.observed_entries}$")
    return fig


def draw(tables: dict, datasets: dict, config: dict):
    """F12 from the completion analysis's tables."""
    return figure_f12(tables["completion_runs"], tables["completion_trajectories"], tables["completion_stages"],
                      config["claims"]["completion_failed"])  # fmt: skip
