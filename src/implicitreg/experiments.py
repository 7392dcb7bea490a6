"""From a config ``experiments:`` entry to simulated runs (no Snakemake here).

An experiment is a grid ``datasets x depth x eta x delta x seeds`` with one ``init``
(``aligned`` | ``random``), ``width`` (default ``min(d, p)``), ``max_steps`` and ``tol``. Runs of
the same dataset and depth share a shape and are simulated as one batch. Instead of ``eta`` an
experiment may give ``eta_sigma1``, the products ``eta sigma_1`` (THEORY.md section 5): then
``eta = eta_sigma1 / sigma_1`` with ``sigma_1 = max(sigma)`` of each dataset. An optional ``n_log``
overrides the config-wide number of logged iterations (``n_log > max_steps`` logs every iteration).
``method: per_mode`` (aligned runs on exactly commuting datasets only) replaces the full-matrix
simulation by the exact per-mode recursion (``implicitreg.permode``); the default is ``full``.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass

import numpy as np

from . import dynamics, permode, seeds
from .spectra import Dataset

MODELS = {1: "linear", 2: "two_layer"}


def model_name(depth: int) -> str:
    """``linear`` for depth 1, ``two_layer`` for depth 2, ``deep`` beyond."""
    return MODELS.get(depth, "deep")


@dataclass(frozen=True)
class RunSpec:
    """One run of an experiment; ``run_id`` names its file ``results/runs/{run_id}.npz``."""

    experiment: str
    dataset: str
    depth: int
    width: int
    eta: float
    delta: float
    init: str
    seed: int

    @property
    def model(self) -> str:
        return model_name(self.depth)

    @property
    def run_id(self) -> str:
        return (
            f"{self.experiment}-{self.dataset}-L{self.depth}-w{self.width}-eta{self.eta:g}"
            f"-delta{self.delta:g}-{self.init}-s{self.seed}"
        )


def default_width(dataset_spec: dict) -> int:
    return min(dataset_spec["d"], dataset_spec["p"])


def step_sizes(exp: dict, dataset_spec: dict) -> list[float]:
    """``exp["eta"]``, or ``eta = eta_sigma1 / sigma_1`` with ``sigma_1 = max(sigma)`` of the dataset."""
    if "eta" in exp:
        return [float(eta) for eta in exp["eta"]]
    sigma_1 = max(dataset_spec["sigma"])
    return [float(v) / sigma_1 for v in exp["eta_sigma1"]]


def expand_runs(name: str, exp: dict, dataset_specs: dict) -> list[RunSpec]:
    """All runs of experiment ``name``, in a fixed order."""
    runs = []
    for ds, depth in itertools.product(exp["datasets"], exp["depth"]):
        etas = step_sizes(exp, dataset_specs[ds])
        for eta, delta, seed in itertools.product(etas, exp["delta"], exp.get("seeds", [0])):
            width = exp.get("width", default_width(dataset_specs[ds]))
            runs.append(RunSpec(name, ds, depth, width, eta, float(delta), exp.get("init", "aligned"), seed))
    return runs


def initial_factors(run: RunSpec, data: Dataset, seed: int) -> list[np.ndarray]:
    """Aligned factors, or random ones drawn from the stream named by the run id."""
    d, p = data.U.shape[0], data.V.shape[0]
    if run.init == "aligned":
        return dynamics.aligned_init(data.U, data.V, run.depth, run.width, run.delta)
    return dynamics.random_init(d, p, run.depth, run.width, run.delta, seeds.rng(seed, run.run_id))


def simulate_runs(runs: list[RunSpec], datasets: dict[str, Dataset], exp: dict, seed: int, n_log: int) -> dict:
    """Simulate ``runs`` batch by batch; returns ``{run_id: arrays}`` in the results-contract layout.

    ``n_log`` is the config-wide number of logged iterations; the experiment's own ``n_log`` wins.
    """
    out = {}
    for (ds, _, _), group in itertools.groupby(runs, key=lambda r: (r.dataset, r.depth, r.width)):
        group = list(group)
        data = datasets[ds]
        inits = [initial_factors(r, data, seed) for r in group]
        factors0 = [np.stack(fs) for fs in zip(*inits)]
        trajs = simulate_group(group, data, factors0, exp, exp.get("n_log", n_log))
        for r, w0, tr in zip(group, inits, trajs):
            arrays = {f"W0_{j}": f for j, f in enumerate(w0)} | {f"Wfinal_{j}": f for j, f in enumerate(tr.factors)}
            meta = asdict(r) | {"run_id": r.run_id, "model": r.model, "status": tr.status, "n_steps": tr.n_steps}
            meta["method"] = exp.get("method", "full")
            arrays |= {k: np.asarray(v) for k, v in meta.items()}
            arrays |= {"steps": tr.steps, "W": tr.W, "loss": tr.loss, "k_cross": tr.k_cross}
            out[r.run_id] = arrays
    return out


def simulate_group(group: list[RunSpec], data: Dataset, factors0: list[np.ndarray], exp: dict, n_log: int):
    """Trajectories of runs of one shape: the batched full-matrix simulator, or the per-mode recursion."""
    m = data.sigma.size
    if exp.get("method", "full") == "per_mode":
        return [
            permode.simulate_aligned(
                data.lam,
                data.sigma,
                data.U,
                data.V,
                r.depth,
                r.width,
                r.eta,
                r.delta,
                max_steps=exp["max_steps"],
                tol=exp.get("tol", 1e-10),
                n_log=n_log,
            )
            for r in group
        ]
    return dynamics.simulate(
        data.Sigma_x,
        data.Sigma_xy,
        factors0,
        [r.eta for r in group],
        max_steps=exp["max_steps"],
        tol=exp.get("tol", 1e-10),
        n_log=n_log,
        U=data.U,
        V=data.V,
        targets=data.sigma / data.lam[:m],
    )
