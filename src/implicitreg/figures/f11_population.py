"""F11: sequential learning over a population of small random initializations (two-layer), from
``sequential_order.csv``: (a) the fraction of runs learned in ``sigma`` order over ``eta x delta`` with its 0.99
contour; (b) the fraction against ``delta``, one line per ``eta``, with its exact 95% interval as a band and the
aligned start fraction ``e^{-delta} max_i lam_i / sigma_i`` (THEORY.md section 4) on a second axis."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from implicitreg.figures.style import FULL, palette

CONTOUR = 0.99  # EXPERIMENTS.md, F11


def start_fraction(delta, lam, sigma) -> np.ndarray:
    """``e^{-delta} max_i lam_i / sigma_i`` over the components with ``sigma_i > 0``: the largest aligned start as a
    fraction of its target."""
    sigma = np.asarray(sigma, float)
    live = sigma > 0
    return np.exp(-np.asarray(delta, float)) * np.max(np.asarray(lam, float)[: sigma.size][live] / sigma[live])


def figure_f11(cells: pd.DataFrame, lam, sigma):
    """(a) heatmap of ``fraction`` (rows ``delta``, columns ``eta``, evenly spaced) with the ``CONTOUR`` level;
    (b) ``fraction`` against ``delta`` per ``eta`` with the band ``[ci_low, ci_high]``, and the start fraction."""
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(FULL, 3.0), gridspec_kw={"width_ratios": [1.0, 1.15]})
    grid = cells.pivot(index="delta", columns="eta", values="fraction")
    etas, deltas = grid.columns.to_numpy(), grid.index.to_numpy()
    floor = np.floor(10 * grid.to_numpy().min()) / 10
    image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis", vmin=floor, vmax=1.0)
    if grid.to_numpy().min() < CONTOUR < grid.to_numpy().max():
        ax.contour(grid.to_numpy(), levels=[CONTOUR], colors="white", linewidths=1.5)
    ax.set_xticks(range(len(etas)), [f"{e:g}" for e in etas], rotation=60, fontsize=7)
    ax.set_yticks(range(len(deltas)), [f"{d:g}" for d in deltas], fontsize=7)
    ax.set(xlabel=r"step size $\eta$", ylabel=r"initialization scale $\delta$")
    runs = "-".join(str(n) for n in sorted({cells["runs"].min(), cells["runs"].max()}))
    ax.set_title(f"(a) fraction in $\\sigma$ order, {runs} runs per cell\nwhite contour: {CONTOUR:g}", fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.05, pad=0.03)

    colors = dict(zip(etas, palette(len(etas))))
    for eta, cell in cells.sort_values("delta").groupby("eta"):
        bx.fill_between(cell["delta"], cell["ci_low"], cell["ci_high"], color=colors[eta], alpha=0.2, lw=0)
        bx.plot(cell["delta"], cell["fraction"], "o-", color=colors[eta], ms=2.5, lw=1.0, label=rf"$\eta = {eta:g}$")
    bx.set(xlabel=r"$\delta$", ylabel="fraction in $\\sigma$ order (95% CI band)")
    start = bx.twinx()
    start.plot(deltas, start_fraction(deltas, lam, sigma), "k--", lw=1.0)
    start.legend(*bx.get_legend_handles_labels(), loc="lower right", fontsize=6, ncol=2, frameon=True, framealpha=0.9)
    start.set_yscale("log")
    start.set_ylabel(r"start fraction $e^{-\delta} \max_i \lambda_i / \sigma_i$ (dashed)", fontsize=7)
    bx.set_title(r"(b) fraction against $\delta$, one line per $\eta$", fontsize=9)
    fig.tight_layout()
    return fig


def draw(tables: dict, datasets: dict, config: dict):
    """F11 from the population analysis's ``sequential_order`` table and its dataset's spectrum."""
    cells = tables["sequential_order"]
    (name,) = cells["dataset"].unique()
    return figure_f11(cells, datasets[name]["lam"], datasets[name]["sigma"])
