"""Configuration options of the beyond-the-assumptions stage are checked, naming the key."""

import copy
from pathlib import Path

import jsonschema
import pytest
import yaml

from implicitreg.config import check
from implicitreg.config.check import ConfigError, validate

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = check.load_schema()
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())


def edited(edit):
    config = copy.deepcopy(CONFIG)
    edit(config)
    return config


@pytest.mark.parametrize(
    "edit,key",
    [
        (lambda c: c["experiments"]["phase"].update(eta=[0.1]), "experiments.phase.eta"),
        (lambda c: c["experiments"]["phase"].pop("eta_sigma1"), "experiments.phase.eta"),
        (lambda c: c["datasets"]["coloured"].update(epsilon=0.1), "datasets.coloured.epsilon"),
        (lambda c: c["datasets"]["teacher"].update(sigma=[0.0] * 20), "datasets.teacher.sigma"),
        (lambda c: c["analyses"]["rotation"].update(experiment="nope"), "analyses.rotation.experiment"),
        (lambda c: c["analyses"]["random_init"].update(aligned="nope"), "analyses.random_init.aligned"),
        (
            lambda c: c["analyses"]["generalization"].update(ridge_alpha=[10.0, 1.0, 5]),
            "analyses.generalization.ridge_alpha",
        ),
        (lambda c: c["analyses"]["dmf"].update(experiment="staircase"), "analyses.dmf.experiment"),
        (
            lambda c: c["analyses"]["transitions"].update(experiment="dmf_reconstruction"),
            "analyses.transitions.experiment",
        ),
    ],
)
def test_check_config_names_the_key(edit, key):
    config = edited(edit)
    jsonschema.validate(config, SCHEMA)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        validate(config)


@pytest.mark.parametrize(
    "edit",
    [
        lambda c: c["datasets"]["rot_eps0_1"].update(epsilon=-0.1),
        lambda c: c["datasets"]["teacher"]["sigma"].__setitem__(0, -1.0),
        lambda c: c["experiments"]["phase"].update(eta_sigma1=[0.0]),
        lambda c: c["experiments"]["phase"].update(n_log=1),
        lambda c: c["analyses"]["generalization"].update(ridge_alpha=[1.0, 2.0]),
        lambda c: c["analyses"]["staircase"].update(t_max=1.0, tmax=1.0),
        lambda c: c["analyses"].update(F11={"experiment": "staircase"}),
        lambda c: c["analyses"]["vanishing"].pop("n_grid"),
        lambda c: c["claims"].update(phase_min_agreement=1.5),
    ],
)
def test_schema_rejects(edit):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(edited(edit), SCHEMA)
