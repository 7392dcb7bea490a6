"""Bad configurations are refused through Snakemake before any job runs, each naming what is wrong, and nothing under
``results/`` or ``figures/`` changes.

Every file of ``tests/configs/bad/`` is one bad configuration: a first line ``# expect: <words>`` that its error must
contain, then keys merged over the tiny config (``--configfile tiny.yaml bad.yaml``); a file marked
``# as: config.yaml`` is the workflow's own config file instead (YAML syntax and encoding errors, which Snakemake
itself reports without naming the file when they are in a ``--configfile``).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from helpers import ROOT, TINY, snakemake_args, tree_hashes

from implicitreg.config.check import ConfigError, validate

BAD = sorted((ROOT / "tests/configs/bad").glob("*.yaml"))


def header(path: Path, key: str) -> str | None:
    for line in path.read_bytes().decode("utf-8", "replace").splitlines():
        if line.startswith(f"# {key}: "):
            return line.split(": ", 1)[1]
    return None


def prepare(path: Path, base: Path) -> dict:
    """A directory holding the committed figures and claims, and the Snakemake job of bad config ``path`` in it."""
    workdir = base / path.stem
    shutil.copytree(ROOT / "figures", workdir / "figures")
    (workdir / "results/tables").mkdir(parents=True)
    shutil.copy2(ROOT / "results/tables/claims.csv", workdir / "results/tables/claims.csv")
    configs = [TINY, path]
    if header(path, "as") == "config.yaml":
        shutil.copy2(path, workdir / "config.yaml")
        configs = None
    args = snakemake_args("--cores", "1", config=configs)
    return {"cwd": str(workdir), "args": args, "stdout": str(base / f"{path.stem}.out"),
            "stderr": str(base / f"{path.stem}.err")}  # fmt: skip


@pytest.fixture(scope="module")
def refused(tmp_path_factory):
    """Every bad config through Snakemake (forked_snakemake.py: one start of Snakemake for all of them):
    path -> (process, hashes before, hashes after, directory)."""
    base = tmp_path_factory.mktemp("bad")
    jobs = [prepare(path, base) for path in BAD]
    before = [tree_hashes(Path(job["cwd"])) for job in jobs]
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("forked_snakemake.py")), "2"],
        input=json.dumps(jobs), capture_output=True, text=True, timeout=900,
        env=os.environ | {"PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    codes = json.loads(proc.stdout)
    results = {}
    for path, job, hashes, code in zip(BAD, jobs, before, codes, strict=True):
        out = SimpleNamespace(returncode=code, stdout=Path(job["stdout"]).read_text(),
                              stderr=Path(job["stderr"]).read_text())  # fmt: skip
        results[path] = (out, hashes, tree_hashes(Path(job["cwd"])), Path(job["cwd"]))
    return results


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
