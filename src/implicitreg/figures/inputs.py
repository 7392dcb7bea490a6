"""What a figure reads and how the pipeline names it: its tables (run tables as its experiments' parts), its
datasets, its drawing module, its report subcategory and the data sentence of its caption.

A figure is an entry of ``io/contract.FIGURES``; ``config`` is the validated config. Like a claim
(``claims.registry.experiments_read``), a figure receives the run tables of its experiments only, so that
``snakemake figures/F3_transitions.png`` builds only what F3 reads.
"""

from __future__ import annotations

from implicitreg.config.check import DMF_ANALYSES
from implicitreg.config.grid import describe_dmf, resolve
from implicitreg.data.spectra import describe as describe_dataset
from implicitreg.io import contract
from implicitreg.io.contract import Figure


def experiments_read(figure: Figure, config: dict) -> list[str]:
    """The GD experiments whose runs ``figure`` reads: those of its analyses ``runs_of`` (default: all), in order."""
    analyses = figure.analyses if figure.runs_of is None else figure.runs_of
    names = [e for a in analyses for e in contract.analysis_experiments(config["analyses"][a])]
    return [e for e in dict.fromkeys(names) if e in config["experiments"]]


def inputs(figure: Figure, config: dict) -> dict[str, str | list[str]]:
    """``{table: file}`` for every table ``figure`` reads, a run table as the list of its experiments' parts
    (``contract.experiment_table``), and ``datasets``: the dataset files of those experiments."""
    experiments = experiments_read(figure, config)
    tables = {
        t: [contract.experiment_table(t, e) for e in experiments] if t in contract.RUN_TABLES else contract.path(t)
        for t in figure.tables
    }
    datasets = [contract.DATASET.format(dataset=d) for e in experiments for d in config["experiments"][e]["datasets"]]
    return tables | {"datasets": list(dict.fromkeys(datasets))}


def draw_config(figure: Figure, config: dict) -> dict:
    """The part of the config a figure's ``draw`` sees: its analyses, the claims' tolerances, the DMF experiments."""
    return {
        "analyses": {a: config["analyses"][a] for a in figure.analyses},
        "claims": config["claims"],
        "dmf_experiments": config.get("dmf_experiments", {}),
    }


def module(figure: Figure) -> str:
    """The module drawing ``figure``: ``implicitreg.figures.{fig}_{stem}`` (lower-case fig)."""
    return f"implicitreg.figures.{figure.fig.lower()}_{figure.stem}"


def paper(figure: Figure) -> str:
    """The report subcategory of ``figure``: G19's figures (sorted by name) before those of deep matrix factorization
    (C22 and A19: the analyses that read a DMF experiment)."""
    dmf = any(a in DMF_ANALYSES for a in figure.analyses)
    return "2. Deep matrix factorization (C22, A19)" if dmf else "1. Linear networks (G19)"


def data_sentence(figure: Figure, config: dict) -> str:
    """The data of ``figure`` in numbers, from the config, appended to its report caption: every dataset of its
    analyses' GD experiments and every DMF experiment's targets at the run's ``dmf_size``, each once."""
    parts = []
    for analysis in figure.analyses:
        for name in contract.analysis_experiments(config["analyses"][analysis]):
            if name in config["experiments"]:
                parts += [describe_dataset(d, config["datasets"][d]) for d in config["experiments"][name]["datasets"]]
            elif name in config.get("dmf_experiments", {}):
                spec = resolve(config["dmf_experiments"][name], config["dmf_size"], config.get("dmf_large", {}))
                parts.append(describe_dmf(name, spec))
    return "\n\n**Data** (from the config): " + "; ".join(dict.fromkeys(parts)) + "."
