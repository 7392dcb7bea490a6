"""Implicit regularization of discrete gradient dynamics in linear networks: the science library.

Subpackages follow the data flow, and each imports only from those before it:

- ``io``: files, the results contract (every output path and its columns) and provenance;
- ``config``: the config check and the expansion of experiment grids into run specs;
- ``data``: seeds, controlled-spectrum datasets (THEORY.md section 2), trajectory helpers;
- ``linear``: gradient descent on linear, two-layer and deep linear networks, the per-mode theory,
  stability bounds and reduced-rank regression (sections 1, 3-6);
- ``dmf``: deep matrix factorization (section 8);
- ``tables``: results tables built from run files;
- ``claims``: the claims registry, each claim measured from the tables;
- ``figures``: the figure style and one module per figure, drawn from the tables.

Conventions and formulas follow ``THEORY.md``; nothing here knows about Snakemake.
"""

__version__ = "0.1.0"
