"""From the config's ``experiments:`` and ``dmf_experiments:`` entries to run specs (no Snakemake here).

An experiment is a grid ``datasets x depth x eta x delta x seeds`` with one ``init``
(``aligned`` | ``random``), ``width`` (default ``min(d, p)``), ``max_steps`` and ``tol``. Runs of
the same dataset and depth share a shape and are simulated as one batch. Instead of ``eta`` an
experiment may give ``eta_sigma1``, the products ``eta sigma_1`` (THEORY.md section 5): then
``eta = eta_sigma1 / sigma_1`` with ``sigma_1 = max(sigma)`` of each dataset. An optional ``n_log``
overrides the config-wide number of logged iterations (``n_log > max_steps`` logs every iteration).
``method: per_mode`` (aligned runs on exactly commuting datasets only) replaces the full-matrix
simulation by the exact per-mode recursion (``implicitreg.linear.permode``); the default is ``full``.

A DMF experiment is a grid ``rank x (depth, alpha) x seeds`` (``expand_dmf_runs``, THEORY.md section 8).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from implicitreg.data.spectra import members
from implicitreg.io.dispatch import choose

MODELS = {1: "linear", 2: "two_layer"}


def model_name(depth: int) -> str:
    """``linear`` for depth 1, ``two_layer`` for depth 2, ``deep`` beyond."""
    return MODELS.get(depth, "deep")


@dataclass(frozen=True, slots=True)
class RunSpec:
    """One run of an experiment, named by ``run_id`` in the run store (slots: a sweep holds a million of them)."""

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


def spec_fields(run) -> dict:
    """A run spec's fields as a dict (``RunSpec(**spec_fields(run)) == run``), fast (``dataclasses.asdict`` copies
    recursively)."""
    return {name: getattr(run, name) for name in run.__dataclass_fields__}


def spec_values(run) -> tuple:
    """A run spec's field values in order (``type(run)(*spec_values(run)) == run``): a simulation job's parameters
    hold one per run of its shard, so they stay small for a sweep of a million runs."""
    return tuple(getattr(run, name) for name in run.__dataclass_fields__)


def default_width(dataset_spec: dict) -> int:
    return min(dataset_spec["d"], dataset_spec["p"])


def step_sizes(exp: dict, dataset_spec: dict) -> list[float]:
    """``exp["eta"]``, or ``eta = eta_sigma1 / sigma_1`` with ``sigma_1 = max(sigma)`` of the dataset."""
    if "eta" in exp:
        return [float(eta) for eta in exp["eta"]]
    sigma_1 = max(dataset_spec["sigma"])
    return [float(v) / sigma_1 for v in exp["eta_sigma1"]]


def expand_runs(name: str, exp: dict, dataset_specs: dict) -> list[RunSpec]:
    """All runs of experiment ``name``, in a fixed order; a dataset with ``draws`` gives the runs of each of its
    members (``spectra.members``: ``teacher.0``, ``teacher.1``, ...), one after the other."""
    runs = []
    for ds, depth in itertools.product(exp["datasets"], exp["depth"]):
        etas = step_sizes(exp, dataset_specs[ds])
        width = exp.get("width", default_width(dataset_specs[ds]))
        for member in members(ds, dataset_specs[ds]):
            for eta, delta, seed in itertools.product(etas, exp["delta"], exp["seeds"]):
                runs.append(RunSpec(name, member, depth, width, eta, float(delta), exp["init"], seed))
    return runs


@dataclass(frozen=True)
class DMFRun:
    """One DMF run, named by ``run_id`` in the DMF run store."""

    experiment: str
    n: int
    rank: int
    depth: int
    alpha: float
    eta: float
    observed: float
    seed: int
    max_steps: int
    observed_entries: int = 0  # > 0: exactly this many entries observed (``observed`` is then their fraction)

    @property
    def task(self) -> str:
        return "reconstruction" if self.observed >= 1.0 else "completion"

    @property
    def run_id(self) -> str:
        m = f"-m{self.observed_entries}" if self.observed_entries else ""
        return f"{self.experiment}-n{self.n}-N{self.depth}-R{self.rank}{m}-alpha{self.alpha:g}-s{self.seed}"


SIZES = {  # config key dmf_size: the experiment as given, or with the large-setting overrides applied
    "default": lambda exp, large: exp,
    "large": lambda exp, large: exp | large | exp.get("large", {}),  # dmf_large, then the experiment's own large keys
}


def resolve(exp: dict, size: str, large: dict) -> dict:
    """The DMF experiment at ``size`` (``SIZES``; an unknown size is an error)."""
    return choose(SIZES, "dmf_size", size)(exp, large)


def experiment_runs(config: dict) -> dict[str, list[RunSpec]]:
    """The runs of every GD experiment of ``config`` (``expand_runs``), by name in config order."""
    return {name: expand_runs(name, exp, config["datasets"]) for name, exp in config["experiments"].items()}


def dmf_experiment_runs(config: dict) -> dict[str, list[DMFRun]]:
    """The runs of every DMF experiment of ``config`` at its ``dmf_size`` (``expand_dmf_runs``), by name."""
    large = config.get("dmf_large", {})
    return {
        name: expand_dmf_runs(name, resolve(exp, config["dmf_size"], large))
        for name, exp in config.get("dmf_experiments", {}).items()
    }


def expand_dmf_runs(name: str, exp: dict) -> list[DMFRun]:
    """All runs of DMF experiment ``name``, in a fixed order (depth, rank, observed entries, alpha, seed).

    ``observed_entries`` (counts) makes a completion grid; without it every run observes the fraction ``observed``.
    A setting's step size is ``eta``, or ``eta = eta_observed |Omega| / n^2`` (``dmf_step_size``).
    """
    runs, n = [], exp["n"]
    counts = exp.get("observed_entries", [0])
    for setting in exp["settings"]:
        for rank, m, alpha, seed in itertools.product(exp["rank"], counts, setting["alpha"], exp["seeds"]):
            observed = m / n**2 if m else float(exp["observed"])
            runs.append(DMFRun(name, n, rank, setting["depth"], float(alpha), dmf_step_size(setting, observed),
                               observed, seed, setting["max_steps"], m))  # fmt: skip
    return runs


def dmf_step_size(setting: dict, observed: float) -> float:
    """A DMF setting's step size at observed fraction ``observed = |Omega| / n^2``: ``eta``, or from
    ``eta_observed``, the step on the observed entries (the loss is ``n^2 / 2`` times their mean squared error, so
    the step acting on them is ``eta n^2 / |Omega|``; THEORY.md section 9): ``eta = eta_observed |Omega| / n^2``."""
    return float(setting["eta"]) if "eta" in setting else float(setting["eta_observed"]) * observed


def check_run_files(paths, runs) -> None:
    """Raise ``ValueError`` unless file ``paths[i]`` is named by ``runs[i].run_id`` for every run, one file each."""
    if len(paths) != len(runs):
        raise ValueError(f"{len(runs)} runs but {len(paths)} output files")
    for path, run in zip(paths, runs):
        if Path(path).name != f"{run.run_id}.npz":
            raise ValueError(f"output {path} does not match its run {run.run_id}")


def describe_dmf(name: str, exp: dict) -> str:
    """A DMF experiment's targets in numbers, for captions."""
    ranks = ", ".join(str(r) for r in exp["rank"])
    s = ", ".join(f"{v:g}" for v in exp["singular_values"])
    if "observed_entries" in exp:
        counts = ", ".join(str(m) for m in exp["observed_entries"])
        scales = {st["depth"]: ", ".join(f"{a:g}" for a in st["alpha"]) for st in exp["settings"]}
        depths = ", ".join(f"{depth} (alpha {alpha})" for depth, alpha in scales.items())
        observed = (f", {counts} observed entries (uniform without replacement), seeds "
                    f"{', '.join(str(k) for k in exp['seeds'])}; depths N = {depths}; minimum nuclear norm by "
                    f"{exp['nuclear_solver']} at tolerance {exp['nuclear_tol']:g}")  # fmt: skip
    else:
        observed = "" if exp["observed"] >= 1 else f", {exp['observed']:.0%} of the entries observed"
    return f"{name}: {exp['n']} x {exp['n']} targets of rank R = {ranks} with singular values ({s})[:R]{observed}"
