import os
import sys
from pathlib import Path

from snakemake.utils import validate

# The science library lives in src/: importable here and in every job, installed or not.
SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SRC)
os.environ.update(
    PYTHONPATH=os.pathsep.join(filter(None, [SRC, os.getenv("PYTHONPATH")]))
)

from implicitreg.configcheck import check_config
from implicitreg.experiments import expand_runs

# One BLAS thread per job: results do not depend on the core count.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

ENV = "../../environment.yml"  # every rule's software, for --software-deployment-method conda

validate(config, "../schemas/config.schema.yaml")
check_config(config)

DATASETS = sorted(config["datasets"])
RUNS = {
    name: expand_runs(name, exp, config["datasets"])
    for name, exp in config["experiments"].items()
}
TABLE_FILES = {
    "runs": "results/tables/runs.csv",
    "components": "results/tables/components.parquet",
    "transitions": "results/tables/transition_times.csv",
    "permode": "results/tables/permode_deviation.csv",
    "rrr": "results/tables/rrr.csv",
    "T1": "results/tables/T1_transition_errors.csv",
}
TABLES = list(TABLE_FILES.values())
FIGURE_NAMES = {"F1": "staircase", "F2": "sequential", "F3": "transitions"}
FIGURES = [
    f"figures/{fig}_{FIGURE_NAMES[fig]}.{ext}"
    for fig in FIGURE_NAMES
    if fig in config["figures"]
    for ext in ("pdf", "png")
]


def run_files(experiment):
    """The run files an experiment's simulation job writes."""
    return [f"results/runs/{run.run_id}.npz" for run in RUNS[experiment]]


def experiment_datasets(experiment):
    return [
        f"results/datasets/{ds}.npz"
        for ds in config["experiments"][experiment]["datasets"]
    ]


def figure_inputs(wildcards):
    """Tables (and datasets) each figure reads."""
    tables = {
        "F1": ["runs", "components"],
        "F2": ["runs", "components", "transitions"],
        "F3": ["runs", "transitions"],
    }[wildcards.fig]
    files = {t: TABLE_FILES[t] for t in tables}
    experiment = config["figures"][wildcards.fig]["experiment"]
    return files | {"datasets": experiment_datasets(experiment)}


def all_run_files(wildcards=None):
    return [f for name in RUNS for f in run_files(name)]
