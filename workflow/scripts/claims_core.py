"""Claims 1-4 and 6 (the foundation), each measured from the tables, with its tolerance."""

import sys

import pandas as pd

from implicitreg import claims, fileio

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
tol, figs = sm.params.tolerances, sm.params.figures
runs = pd.read_csv(sm.input.runs)
components = pd.read_parquet(sm.input.components)
transitions = pd.read_csv(sm.input.transitions)
permode = pd.read_csv(sm.input.permode)
n_components = {name: len(spec["sigma"]) for name, spec in sm.params.datasets.items()}
rows = [
    claims.claim_permode(permode, tol["permode_max_rel_deviation"]),
    claims.claim_order(transitions, runs, n_components),
    claims.claim_transition_error(
        transitions, runs, figs["F3"]["experiment"], tol["transition_eta_sigma_max"], tol["transition_median_rel_error"]
    ),
    claims.claim_linear_delta(
        transitions, runs, figs["F3"]["experiment"], tol["linear_spread_iterations"], tol["linear_spread_fraction"]
    ),
    claims.claim_staircase(components, transitions, runs, figs["F1"]["experiment"], tol["staircase_integer_distance"]),
]
fileio.save_csv(sm.output[0], pd.DataFrame(rows, columns=claims.COLUMNS))
