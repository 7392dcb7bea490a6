"""Bad configurations are refused with the offending key named."""

from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import mutated
from snakemake.utils import update_config

from implicitreg.config.check import ConfigError, validate

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())


def test_shipped_configs_are_valid():
    for path in [ROOT / "config.yaml", *sorted((ROOT / "tests/configs").glob("*.yaml"))]:
        config = yaml.safe_load(path.read_text())
        jsonschema.validate(config, SCHEMA)
        validate(config)


@pytest.mark.parametrize("overlay", sorted((ROOT / "tests/configs/overlays").glob("*.yaml")), ids=lambda p: p.name)
def test_overlay_configs_are_valid_over_the_tiny_config(overlay):
    """An overlay is given after the tiny config (``--configfile tests/configs/tiny.yaml <overlay>``): Snakemake
    merges it key by key, and the result must pass the schema and the cross-field check."""
    config = yaml.safe_load((ROOT / "tests/configs/tiny.yaml").read_text())
    update_config(config, yaml.safe_load(overlay.read_text()))
    jsonschema.validate(config, SCHEMA)
    validate(config)


@pytest.mark.parametrize(
    "path,value",
    [
        (("datasets", "whitened", "bogus"), 1),
        (("experiments", "staircase", "eta"), [0.0]),
        (("experiments", "staircase", "eta"), []),
        (("experiments", "staircase", "depth"), [0]),
        (("experiments", "staircase", "width"), 0),
        (("datasets", "whitened", "lam"), [1.0, -1.0, 1.0, 1.0, 1.0]),
        (("datasets", "whitened", "kind"), "gaussian"),
        (("seed",), "abc"),
        (("datasets", "teacher", "draws"), 0),
        (("experiments", "staircase", "max_steps"), KeyError),
    ],
)
def test_schema_rejects(path, value):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(mutated(CONFIG, path, value), SCHEMA)


@pytest.mark.parametrize(
    "path,value,key",
    [
        (("datasets", "whitened", "lam"), [1.0, 1.0], "datasets.whitened.lam"),
        (("datasets", "whitened", "sigma"), [1.0], "datasets.whitened.sigma"),
        (("datasets", "whitened", "n"), 2, "datasets.whitened.n"),
        (("experiments", "staircase", "datasets"), ["nope"], "experiments.staircase.datasets"),
        (("experiments", "staircase", "width"), 99, "experiments.staircase.width"),
        (("analyses", "staircase", "experiment"), "nope", "analyses.staircase.experiment"),
        (("datasets", "autoencoder", "draws"), 3, "datasets.autoencoder.draws"),  # identity population: no draw
    ],
)
def test_cross_field_checks_name_the_key(path, value, key):
    config = mutated(CONFIG, path, value)
    jsonschema.validate(config, SCHEMA)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        validate(config)
