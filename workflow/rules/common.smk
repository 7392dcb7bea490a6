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

import yaml

from implicitreg.configcheck import check_config, check_schema
from implicitreg.experiments import expand_runs

# One BLAS thread per job: results do not depend on the core count.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

ENV = "../../environment.yml"  # every rule's software, for --software-deployment-method conda

# Readable errors naming the key first; then Snakemake's validation, which also fills in defaults.
check_schema(
    config,
    yaml.safe_load(
        (Path(workflow.basedir) / "workflow/schemas/config.schema.yaml").read_text()
    ),
)
validate(config, "../schemas/config.schema.yaml")
check_config(config)

DATASETS = sorted(config["datasets"])
RUNS = {
    name: expand_runs(name, exp, config["datasets"])
    for name, exp in config["experiments"].items()
}
# Registries that each stage's .smk file extends (tables, figures, claim parts); the target and the
# claims table read them once every rule file is included.
TABLE_FILES = {}  # table name -> path
FIGURES = {}  # "F1" -> (file stem, [table names the figure reads])
CLAIM_PARTS = (
    []
)  # results/claims/{part}.csv, concatenated into results/tables/claims.csv


def register_figure(fig, stem, tables):
    """Figure ``fig`` is drawn by workflow/scripts/figure_{fig}.py from ``tables`` into figures/{fig}_{stem}.*"""
    if fig in config["figures"]:
        FIGURES[fig] = (stem, tables)


def figure_files():
    return [
        f"figures/{fig}_{stem}.{ext}"
        for fig, (stem, _) in FIGURES.items()
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
    """The tables a figure reads, and the datasets of its experiment."""
    _, tables = FIGURES[wildcards.fig]
    experiment = config["figures"][wildcards.fig]["experiment"]
    files = {t: TABLE_FILES[t] for t in tables}
    if experiment not in config["experiments"]:  # a DMF experiment: no datasets
        return files
    return files | {"datasets": experiment_datasets(experiment)}


def all_run_files(wildcards=None):
    return [f for name in RUNS for f in run_files(name)]
