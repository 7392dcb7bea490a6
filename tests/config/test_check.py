"""Bad configurations are refused with the offending key named."""

import copy
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import mutated
from snakemake.utils import update_config

from implicitreg.config import check
from implicitreg.config.check import ConfigError, validate

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = check.load_schema()
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


N2 = CONFIG["dmf_experiments"]["completion"]["n"] ** 2  # the default completion problem's entries


def completion_config(**changes):
    config = copy.deepcopy(CONFIG)
    config["dmf_experiments"]["completion"].update(changes)
    return config


@pytest.mark.parametrize(
    ("changes", "key", "message"),
    [
        ({"observed_entries": [50, 50]}, "dmf_experiments.completion.observed_entries", "must not repeat"),
        ({"observed_entries": [50, N2 + 1]}, "dmf_experiments.completion.observed_entries", f"at most n\\^2 = {N2}"),
        ({"nuclear_tol": None}, "dmf_experiments.completion.nuclear_tol", "tolerance"),
        ({"nuclear_solver": None}, "dmf_experiments.completion.nuclear_solver", "solver"),
        ({"nuclear_solver": "mosek"}, "dmf_experiments.completion.nuclear_solver", "mosek"),
        ({"plateau": None}, "dmf_experiments.completion.plateau", "plateau rule"),
    ],
)
def test_completion_grid_problems_name_their_key(changes, key, message):
    config = completion_config(**changes)
    for name in [k for k, v in changes.items() if v is None]:
        del config["dmf_experiments"]["completion"][name]
    with pytest.raises(ConfigError, match=f"{key}.*{message}"):
        validate(config)


@pytest.mark.parametrize(
    ("setting", "message"),
    [({"eta": 0.1, "eta_observed": 0.5}, "exactly one of eta and eta_observed"), ({}, "exactly one of eta")],
)
def test_a_dmf_setting_needs_exactly_one_step_size(setting, message):
    config = completion_config()
    st = config["dmf_experiments"]["completion"]["settings"][0]
    for key in ("eta", "eta_observed"):
        st.pop(key, None)
    st.update(setting)
    with pytest.raises(ConfigError, match=f"dmf_experiments.completion.settings\\[0\\].*{message}"):
        validate(config)


def test_eta_observed_needs_a_completion_grid():
    config = copy.deepcopy(CONFIG)
    st = config["dmf_experiments"]["dmf_reconstruction"]["settings"][0]
    st["eta_observed"] = st.pop("eta")
    with pytest.raises(ConfigError, match="dmf_reconstruction.settings\\[0\\].eta_observed.*completion grid"):
        validate(config)


def test_completion_analysis_needs_a_completion_grid():
    config = copy.deepcopy(CONFIG)
    config["analyses"]["completion"]["experiment"] = "dmf_reconstruction"
    with pytest.raises(ConfigError, match="dmf_experiments.dmf_reconstruction.*observed_entries"):
        validate(config)


def test_large_setting_applies_the_experiments_own_overrides():
    from implicitreg.config.grid import expand_dmf_runs, resolve

    exp = resolve(CONFIG["dmf_experiments"]["completion"], "large", CONFIG["dmf_large"])
    runs = expand_dmf_runs("completion", exp)
    assert {r.n for r in runs} == {100} and {r.rank for r in runs} == {5}
    assert {r.observed_entries for r in runs} == {2000, 5000} and {r.depth for r in runs} == {2, 3, 4}
    assert (exp["nuclear_solver"], CONFIG["dmf_experiments"]["completion"]["nuclear_solver"]) == ("scs", "clarabel")
    spec = CONFIG["dmf_experiments"]["completion"]
    default = expand_dmf_runs("completion", spec)
    counts = spec["observed_entries"]
    assert len(default) == len(spec["settings"]) * len(spec["rank"]) * len(counts) * len(spec["seeds"])
    assert {r.observed for r in default} == {m / spec["n"] ** 2 for m in counts}


def test_missing_baseline_packages_are_named_before_any_job(monkeypatch):
    from implicitreg.config import check

    assert check.missing_packages() == []
    assert check.missing_packages(lambda name: None) == ["cvxpy", "clarabel", "scs"]
    monkeypatch.setattr(check, "BASELINE_PACKAGES", ("cvxpy", "no_such_solver_package"))
    with pytest.raises(ConfigError, match="analyses.completion.*no_such_solver_package installed"):
        validate(copy.deepcopy(CONFIG))
