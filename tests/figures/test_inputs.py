"""What a figure reads: its experiments' run tables (as a claim does), its datasets, its module, its report
subcategory and the data sentence of its caption, on a small config."""

import importlib

import pytest

from implicitreg.figures import inputs
from implicitreg.io import contract

DATASET = {"kind": "exact", "d": 2, "p": 2, "lam": [1.0, 1.0], "sigma": [3.0, 1.0]}
CONFIG = {
    "datasets": {"w": DATASET, "c": {**DATASET, "lam": [1.0, 0.5]}, "r": {**DATASET, "epsilon": 0.1}},
    "experiments": {
        "trans": {"datasets": ["w", "c"]},
        "rand": {"datasets": ["w"]},
        "ali": {"datasets": ["w"]},
        "rot": {"datasets": ["r"]},
    },
    "dmf_experiments": {"dmf": {"n": 10, "rank": [1, 2], "singular_values": [5.0, 2.0], "observed": 1.0}},
    "analyses": {
        "transitions": {"experiment": "trans"},
        "random_init": {"experiment": "rand", "aligned": "ali"},
        "rotation": {"experiment": "rot"},
        "dmf": {"experiment": "dmf"},
    },
    "claims": {"dmf_small_init": 0.01},
    "dmf_size": "default",
}
F3, F7, F10 = (contract.FIGURES[f] for f in ("F3", "F7", "F10"))


def test_a_figure_reads_the_run_tables_of_its_experiments_only():
    assert inputs.inputs(F3, CONFIG) == {
        "runs": ["results/tables/experiments/trans/runs.csv"],
        "transitions": ["results/tables/experiments/trans/transition_times.csv"],
        "datasets": ["results/datasets/w.npz", "results/datasets/c.npz"],
    }


def test_runs_of_limits_the_run_tables_to_some_analyses():
    """F7 draws the rotation table, not the rotation experiment's runs: its run tables are random_init's."""
    assert inputs.experiments_read(F7, CONFIG) == ["rand", "ali"]
    got = inputs.inputs(F7, CONFIG)
    assert got["runs"] == [contract.experiment_table("runs", e) for e in ("rand", "ali")]
    assert got["rotation"] == contract.path("rotation") and got["datasets"] == ["results/datasets/w.npz"]


def test_a_dmf_figure_reads_no_run_table_and_no_dataset():
    got = inputs.inputs(F10, CONFIG)
    assert got == {t: contract.path(t) for t in F10.tables} | {"datasets": []}
    assert inputs.draw_config(F10, CONFIG)["analyses"] == {"dmf": {"experiment": "dmf"}}


def test_data_sentence_names_every_dataset_and_dmf_target_once():
    assert inputs.data_sentence(F3, CONFIG) == (
        "\n\n**Data** (from the config): w (d = 2, p = 2): lam = (1, 1), sigma = (3, 1); "
        "c (d = 2, p = 2): lam = (1, 0.5), sigma = (3, 1)."
    )
    f7 = inputs.data_sentence(F7, CONFIG)
    assert f7.count("w (d = 2") == 1 and "Sigma_xy rotated by epsilon = 0.1" in f7
    assert inputs.data_sentence(F10, CONFIG).endswith(
        "dmf: 10 x 10 targets of rank R = 1, 2 with singular values (5, 2)[:R]."
    )


def test_the_completion_data_sentence_gives_the_grid_at_the_runs_size():
    """F12's caption names the counts, seeds, depths with their scales and the solver, of the size that ran."""
    completion = {"n": 10, "rank": [1], "singular_values": [1.0], "observed_entries": [20, 40], "seeds": [0, 1],
                  "nuclear_solver": "clarabel", "nuclear_tol": 1e-8,
                  "settings": [{"depth": 2, "alpha": [1e-6]}, {"depth": 3, "alpha": [1e-3]}],
                  "large": {"observed_entries": [60], "nuclear_solver": "scs"}}  # fmt: skip
    config = CONFIG | {"dmf_experiments": {"completion": completion}, "analyses": {"completion": {
        "experiment": "completion"}}}  # fmt: skip
    F12 = contract.FIGURES["F12"]
    assert inputs.data_sentence(F12, config).endswith(
        "completion: 10 x 10 targets of rank R = 1 with singular values (1)[:R], 20, 40 observed entries (uniform "
        "without replacement), seeds 0, 1; depths N = 2 (alpha 1e-06), 3 (alpha 0.001); minimum nuclear norm by "
        "clarabel at tolerance 1e-08."
    )
    large = inputs.data_sentence(F12, config | {"dmf_size": "large", "dmf_large": {"n": 100, "seeds": [0]}})
    assert "100 x 100 targets" in large and "60 observed entries" in large and "by scs at" in large
    assert "seeds 0;" in large


@pytest.mark.parametrize("fig", sorted(contract.FIGURES))
def test_every_figure_has_its_drawing_module(fig):
    assert callable(importlib.import_module(inputs.module(contract.FIGURES[fig])).draw)


def test_g19_figures_come_before_c22_in_the_report():
    dmf = "2. Deep matrix factorization (C22, A19)"
    assert inputs.paper(F3) == "1. Linear networks (G19)" < inputs.paper(F10) == dmf
