"""test_risk.csv (GD paths, RRR ranks, ridge path, teacher) and T3 (best test risk of each method)."""

import sys
from pathlib import Path

import pandas as pd

from implicitreg import fileio, generalization, spectra

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
alphas = generalization.log_grid(*sm.params.ridge_alpha)
runs = [fileio.load_npz(p) for p in sm.input.runs]
frames = []
for data_path, rrr_path in zip(sm.input.datasets, sm.input.rrr):
    name = Path(data_path).stem
    samples = fileio.load_npz(data_path)
    samples["W_teacher"] = spectra.teacher(samples["U"], samples["V"], samples["lam"], samples["sigma"])
    own = [r for r in runs if r["dataset"].item() == name]
    models = [str(r["model"].item()) for r in own]
    if len(set(models)) != len(models):
        raise ValueError(f"dataset {name}: one run per model expected, got {models}")
    paths = {m: (r["steps"], r["W"]) for m, r in zip(models, own)}
    frames.append(generalization.risk_frame(name, samples, paths, fileio.load_npz(rrr_path)["W"], alphas))
risk = pd.concat(frames, ignore_index=True)
fileio.save_csv(sm.output.test_risk, risk)
fileio.save_csv(sm.output.t3, generalization.t3_table(risk))
