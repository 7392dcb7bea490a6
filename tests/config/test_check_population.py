"""The population analysis (F11, claims 10, 10b): its size in the default config, and the iteration budget rule."""

import copy
import math
from pathlib import Path

import pytest
import yaml

from implicitreg.config.check import ConfigError, validate

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())


def population(config):
    return config["experiments"][config["analyses"]["population"]["experiment"]]


def test_default_population_has_the_size_experiments_md_asks():
    exp = population(validate(copy.deepcopy(CONFIG)))
    assert exp["depth"] == [2] and exp["init"] == "random" and exp["log"] == "components"
    assert min(exp["eta"]) == 0.01 and max(exp["eta"]) == 0.1
    assert min(exp["delta"]) == 2 and max(exp["delta"]) == 12
    cells = len(exp["datasets"]) * len(exp["eta"]) * len(exp["delta"])
    assert len(exp["seeds"]) >= 100 and cells * len(exp["seeds"]) >= 10_000
    assert len(exp["datasets"]) * len(exp["eta"]) * 2 * len(exp["seeds"]) >= 2_000  # claim 10: two largest delta


def latest_k(config) -> float:
    """The latest transition of the grid, from THEORY.md section 4 written out here: slowest at the smallest eta, the
    largest delta, over the components."""
    exp = population(config)
    ds = config["datasets"][exp["datasets"][0]]
    eta, delta = min(exp["eta"]), max(exp["delta"])
    return max((delta + math.log(s / lam)) / (2 * math.log(1 + eta * s)) for s, lam in zip(ds["sigma"], ds["lam"]))


@pytest.mark.parametrize("factor", [1.0, 3.0])
def test_a_budget_below_the_factor_times_the_latest_transition_is_refused(factor):
    config = copy.deepcopy(CONFIG)
    config["analyses"]["population"]["budget_factor"] = factor
    need = factor * latest_k(config)
    population(config)["max_steps"] = math.ceil(need)
    validate(copy.deepcopy(config))
    population(config)["max_steps"] = math.floor(need)
    with pytest.raises(ConfigError, match=r"experiments\.population\.max_steps.*budget_factor"):
        validate(config)


@pytest.mark.parametrize(
    "edit",
    [
        lambda e: e.update(init="aligned"),
        lambda e: e.update(depth=[1, 2]),
        lambda e: e.update(delta=[12]),
        lambda e: e.update(datasets=["coloured", "whitened"]),
    ],
)
def test_the_population_needs_two_layer_random_runs_on_one_dataset(edit):
    config = copy.deepcopy(CONFIG)
    edit(population(config))
    with pytest.raises(ConfigError, match=r"experiments\.population'"):
        validate(config)


def test_a_budget_factor_below_one_is_refused():
    config = copy.deepcopy(CONFIG)
    config["analyses"]["population"]["budget_factor"] = 0.5
    with pytest.raises(ConfigError, match=r"analyses\.population\.budget_factor"):
        validate(config)
