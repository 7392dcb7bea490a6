"""Bad configurations are refused through Snakemake before any job runs, each naming what is wrong, and nothing under
``results/`` or ``figures/`` changes.

Every file of ``tests/configs/bad/`` is one bad configuration: a first line ``# expect: <words>`` that its error must
contain, then keys merged over the tiny config (``--configfile tiny.yaml bad.yaml``); a file marked
``# as: config.yaml`` is the workflow's own config file instead (YAML syntax and encoding errors, which Snakemake
itself reports without naming the file when they are in a ``--configfile``).
"""

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, TINY, run_snakemake, tree_hashes

from implicitreg.config.check import ConfigError, validate

BAD = sorted((ROOT / "tests/configs/bad").glob("*.yaml"))


def header(path: Path, key: str) -> str | None:
    for line in path.read_bytes().decode("utf-8", "replace").splitlines():
        if line.startswith(f"# {key}: "):
            return line.split(": ", 1)[1]
    return None


def refuse(path: Path, base: Path):
    """Run Snakemake on bad config ``path`` in a directory holding the committed figures and claims."""
    workdir = base / path.stem
    shutil.copytree(ROOT / "figures", workdir / "figures")
    (workdir / "results/tables").mkdir(parents=True)
    shutil.copy2(ROOT / "results/tables/claims.csv", workdir / "results/tables/claims.csv")
    before = tree_hashes(workdir)
    if header(path, "as") == "config.yaml":
        shutil.copy2(path, workdir / "config.yaml")
        proc = run_snakemake(workdir, "--cores", "1", config=None)
    else:
        proc = run_snakemake(workdir, "--cores", "1", config=[TINY, path])
    return proc, before, tree_hashes(workdir), workdir


@pytest.fixture(scope="module")
def refused(tmp_path_factory):
    base = tmp_path_factory.mktemp("bad")
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(BAD, pool.map(lambda p: refuse(p, base), BAD)))


def test_there_are_enough_bad_configs():
    assert len(BAD) >= 60
    assert all(header(p, "expect") for p in BAD)


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_config_is_refused_before_any_job(refused, path):
    proc, before, after, workdir = refused[path]
    assert proc.returncode != 0
    assert header(path, "expect") in proc.stderr, proc.stderr[-2000:]
    assert "ConfigError" in proc.stderr, proc.stderr[-2000:]
    assert after == before, "a refused config changed files under results/ or figures/"
    jobs = [p for p in (workdir / ".snakemake").rglob("*") if p.is_file() and "log" not in p.parts]
    assert not jobs and not (workdir / "logs").exists()


def test_every_violation_is_listed():
    config = yaml.safe_load(TINY.read_text())
    config["seed"] = -1
    config["experiments"]["staircase"]["eta"] = []
    config["datasets"]["coloured"]["lam"] = [float("nan"), 0.5, 1.0]
    with pytest.raises(ConfigError) as err:
        validate(config)
    assert str(err.value).splitlines() == [
        "config key 'datasets.coloured.lam[0]': must be a finite number, got nan",
        "config key 'experiments.staircase.eta': must list at least 1 value(s), got [] (an empty sweep runs nothing)",
        "config key 'seed': must be >= 0, got -1",
    ]
