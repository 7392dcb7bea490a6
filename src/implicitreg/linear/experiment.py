"""Simulate every run of one experiment (``implicitreg.config.grid.RunSpec``): runs of the same config dataset (its
draws included, each run on its own draw) and shape share one batch of the compiled kernel; ``method: per_mode``
uses the exact per-mode recursion instead."""

from __future__ import annotations

import itertools

import numpy as np

from implicitreg.config.grid import RunSpec, spec_fields
from implicitreg.data import seeds, spectra
from implicitreg.data.spectra import Dataset
from implicitreg.io.dispatch import choose
from implicitreg.linear import metrics, permode
from implicitreg.linear.init import aligned_init, random_init
from implicitreg.linear.simulate import simulate


def _aligned_factors(run: RunSpec, data: Dataset, seed: int) -> list[np.ndarray]:
    """Balanced factors aligned with the shared basis (THEORY.md sections 1-2); no randomness."""
    return aligned_init(data.U, data.V, run.depth, run.width, run.delta)


def _random_factors(run: RunSpec, data: Dataset, seed: int) -> list[np.ndarray]:
    """Small random factors (``linear.init.random_init``), drawn from the stream named by the run id."""
    d, p = data.U.shape[0], data.V.shape[0]
    return random_init(d, p, run.depth, run.width, run.delta, seeds.rng(seed, run.run_id))


INITS = {"aligned": _aligned_factors, "random": _random_factors}  # config key experiments.*.init


def initial_factors(run: RunSpec, data: Dataset, seed: int) -> list[np.ndarray]:
    """The initial factors of ``run`` by its ``init`` (``INITS``; an unknown kind is an error)."""
    return choose(INITS, "init", run.init)(run, data, seed)


# What the run store keeps at each logged step (config key experiments.*.log), stored under that name: W, or only
# the monitored components u_i^T W v_i, as the tables compute them from W.
LOGGED = {
    "W": lambda W, data: W,
    "components": lambda W, data: metrics.components(W, data.U, data.V, data.sigma.size),
}


def simulate_runs(runs: list[RunSpec], datasets: dict[str, Dataset], exp: dict, seed: int, n_log: int) -> dict:
    """Simulate ``runs`` batch by batch; returns ``{run_id: arrays}`` in the results-contract layout.

    ``exp["log"]`` says what is kept at each logged step: ``W``, or only ``components`` ``u_i^T W v_i``.

    ``n_log`` is the config-wide number of logged iterations; the experiment's own ``n_log`` wins.
    """
    out = {}
    for _, group in itertools.groupby(runs, key=lambda r: (spectra.entry(r.dataset), r.depth, r.width)):
        group = list(group)
        inits = [initial_factors(r, datasets[r.dataset], seed) for r in group]
        factors0 = [np.stack(fs) for fs in zip(*inits)]
        trajs = simulate_group(group, datasets, factors0, exp, exp.get("n_log", n_log))
        for r, w0, tr in zip(group, inits, trajs):
            data = datasets[r.dataset]
            arrays = {f"W0_{j}": f for j, f in enumerate(w0)} | {f"Wfinal_{j}": f for j, f in enumerate(tr.factors)}
            meta = spec_fields(r) | {"run_id": r.run_id, "model": r.model, "status": tr.status, "n_steps": tr.n_steps}
            meta["method"] = exp["method"]
            arrays |= {k: np.asarray(v) for k, v in meta.items()}
            arrays |= {"steps": tr.steps, "loss": tr.loss, "k_cross": tr.k_cross}
            arrays[exp["log"]] = choose(LOGGED, "log", exp["log"])(tr.W, data)
            out[r.run_id] = arrays
    return out


def _per_mode(group: list[RunSpec], datasets: dict[str, Dataset], factors0: list[np.ndarray], exp: dict, n_log: int):
    """The exact per-mode recursion of aligned runs (THEORY.md section 3), one run at a time, each on its dataset."""
    return [
        permode.simulate_aligned(
            datasets[r.dataset].lam,
            datasets[r.dataset].sigma,
            datasets[r.dataset].U,
            datasets[r.dataset].V,
            r.depth,
            r.width,
            r.eta,
            r.delta,
            max_steps=exp["max_steps"],
            tol=exp["tol"],
            n_log=n_log,
        )
        for r in group
    ]


def _full(group: list[RunSpec], datasets: dict[str, Dataset], factors0: list[np.ndarray], exp: dict, n_log: int):
    """The batched full-matrix simulator (the compiled kernel), every run of the group at once, each run on its own
    dataset (the draws of one config dataset share a batch: ``data_of``)."""
    index = {name: q for q, name in enumerate(dict.fromkeys(r.dataset for r in group))}
    stacked = [datasets[name] for name in index]
    first = stacked[0]
    m = first.sigma.size
    return simulate(
        np.stack([data.Sigma_x for data in stacked]),
        np.stack([data.Sigma_xy for data in stacked]),
        factors0,
        [r.eta for r in group],
        max_steps=exp["max_steps"],
        tol=exp["tol"],
        n_log=n_log,
        U=np.stack([data.U for data in stacked]),
        V=np.stack([data.V for data in stacked]),
        targets=first.sigma / first.lam[:m],
        data_of=[index[r.dataset] for r in group],
    )


METHODS = {"full": _full, "per_mode": _per_mode}  # config key experiments.*.method


def simulate_group(group: list[RunSpec], datasets: dict[str, Dataset], factors0: list[np.ndarray], exp: dict,
                   n_log: int):  # fmt: skip
    """Trajectories of runs of one shape and one config dataset by the experiment's ``method`` (``METHODS``; an
    unknown method is an error)."""
    return choose(METHODS, "method", exp["method"])(group, datasets, factors0, exp, n_log)
