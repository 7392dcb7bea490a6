"""Bad configurations are refused through Snakemake, before any job runs, naming the key and what is allowed."""

import pytest
import yaml
from conftest import ROOT, TINY, mutated, run_snakemake

from implicitreg.config.check import ConfigError, check_schema, validate

BASE = yaml.safe_load(TINY.read_text())


# (what is wrong, path, value, key named in the message, words saying what is allowed)
BAD = [
    ("unknown top-level key", ("bogus",), 1, "bogus", "unknown key (allowed here: analyses, claims, datasets"),
    ("unknown dataset key", ("datasets", "coloured", "noize"), 0.1, "datasets.coloured.noize", "allowed here"),
    ("wrong type", ("seed",), "abc", "seed", "must be of type integer"),
    ("sweep not a list", ("experiments", "staircase", "depth"), 2, "experiments.staircase.depth", "of type array"),
    ("zero step size", ("experiments", "staircase", "eta"), [0.0], "experiments.staircase.eta[0]", "must be > 0"),
    ("non-positive input scale", ("datasets", "autoencoder", "lam"), [1.0, 0.0, 0.25], "datasets.autoencoder.lam[1]",
     "must be > 0"),
    ("negative singular value", ("datasets", "coloured", "sigma"), [1.0, -0.5], "datasets.coloured.sigma[1]",
     "must be >= 0"),
    ("width below 1", ("experiments", "staircase", "width"), 0, "experiments.staircase.width", "must be >= 1"),
    ("width above the dimensions", ("experiments", "sequential", "width"), 9, "experiments.sequential.width",
     "between 1 and max(d, p) = 3"),
    ("spectrum of the wrong length", ("datasets", "coloured", "lam"), [2.0, 0.5], "datasets.coloured.lam",
     "exactly d = 3"),
    ("empty sweep", ("experiments", "transitions", "delta"), [], "experiments.transitions.delta", "at least 1 value"),
    ("unknown dataset", ("experiments", "staircase", "datasets"), ["nope"], "experiments.staircase.datasets",
     "unknown dataset 'nope'"),
    ("missing key", ("experiments", "staircase", "max_steps"), KeyError, "experiments.staircase.max_steps",
     "is required"),
]  # fmt: skip
# The same checks without Snakemake, for more cases at no cost.
MORE = [
    ("negative step size", ("experiments", "transitions", "eta"), [0.02, -0.05], "experiments.transitions.eta[1]",
     "must be > 0, got -0.05"),
    ("too many singular values", ("datasets", "autoencoder", "sigma"), [1.0, 0.5, 0.25, 0.1],
     "datasets.autoencoder.sigma", "exactly min(d, p) = 3"),
    ("unknown kind", ("datasets", "coloured", "kind"), "gaussian", "datasets.coloured.kind", "must be one of"),
    ("non-positive time range", ("analyses", "staircase", "t_max"), -1.0, "analyses.staircase.t_max", "must be > 0"),
    ("too few logged steps", ("n_log",), 1, "n_log", "must be >= 2"),
    ("no datasets", ("datasets",), {}, "datasets", "at least 1 entry"),
]  # fmt: skip


@pytest.mark.parametrize("what,path,value,key,allowed", BAD, ids=[b[0] for b in BAD])
def test_bad_config_is_refused_before_any_job(tmp_path, what, path, value, key, allowed):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(mutated(BASE, path, value)))
    workdir = tmp_path / "work"
    workdir.mkdir()
    proc = run_snakemake(workdir, "--cores", "1", config=bad)
    assert proc.returncode != 0
    assert f"config key '{key}'" in proc.stderr, proc.stderr[-2000:]
    assert allowed in proc.stderr, proc.stderr[-2000:]
    assert [p.name for p in workdir.iterdir()] in ([], [".snakemake"])
    assert not [p for p in (workdir / ".snakemake").rglob("*") if p.is_file() and "log" not in p.parts]


@pytest.mark.parametrize("what,path,value,key,allowed", MORE, ids=[b[0] for b in MORE])
def test_bad_config_message(what, path, value, key, allowed):
    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
    config = mutated(BASE, path, value)
    with pytest.raises(ConfigError) as err:
        check_schema(config, schema)
        validate(config)
    assert f"config key '{key}'" in str(err.value) and allowed in str(err.value), str(err.value)


def test_every_violation_is_listed():
    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
    config = mutated(BASE, ("seed",), -1)
    config["experiments"]["staircase"]["eta"] = []
    with pytest.raises(ConfigError) as err:
        check_schema(config, schema)
    assert str(err.value).splitlines() == [
        "config key 'experiments.staircase.eta': must list at least 1 value(s), got [] (an empty sweep runs nothing)",
        "config key 'seed': must be >= 0, got -1",
    ]
