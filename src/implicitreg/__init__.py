"""Implicit regularization of discrete gradient dynamics in linear networks.

The science library of the reproduction: controlled-spectrum datasets (``spectra``),
discrete gradient descent on linear, two-layer and deep linear networks (``dynamics``),
the per-mode theory (``theory``), reduced-rank regression (``rrr``), trajectory metrics
(``metrics``), the papers' claims (``claims``) and the figure style (``plotting``).
Conventions and formulas follow ``THEORY.md``; nothing here knows about Snakemake.
"""

__version__ = "0.1.0"
