"""Claims 9-12 (beyond the assumptions), each measured from the tables, with its tolerance."""

import sys

import pandas as pd

from implicitreg import claims, claims_beyond, fileio

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
tol, figs = sm.params.tolerances, sm.params.figures
runs = pd.read_csv(sm.input.runs)
n_components = {name: sum(s > 0 for s in spec["sigma"]) for name, spec in sm.params.datasets.items()}
rows = [
    claims_beyond.claim_phase(pd.read_csv(sm.input.phase), tol["phase_min_agreement"]),
    claims_beyond.claim_random_order(
        pd.read_csv(sm.input.transitions),
        runs,
        figs["F7"]["experiment"],
        n_components,
        tol["random_order_min_fraction"],
    ),
    claims_beyond.claim_rotation(
        pd.read_csv(sm.input.rotation), tol["rotation_zero_max_deviation"], tol["rotation_smallest_max_deviation"]
    ),
    claims_beyond.claim_generalization(pd.read_csv(sm.input.t3), tol["generalization_rel_gap"]),
]
fileio.save_csv(sm.output[0], pd.DataFrame(rows, columns=claims.COLUMNS))
