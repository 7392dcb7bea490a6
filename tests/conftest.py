"""Shared fixtures: one end-to-end Snakemake run of the tiny config, reused by every workflow test."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests/configs/tiny.yaml"


def run_snakemake(workdir, *args, config=TINY, timeout=900):
    """``snakemake -s <repo>/Snakefile --configfile <config...> ARGS`` in ``workdir`` (no --configfile for None)."""
    configs = [] if config is None else [config] if isinstance(config, str | Path) else list(config)
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "-s",
        str(ROOT / "Snakefile"),
        *(["--configfile", *map(str, configs)] if configs else []),
        *args,
    ]
    return subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def e2e_workdir(tmp_path_factory):
    """A directory where the whole DAG of the tiny config has run (``--cores 2``)."""
    wd = tmp_path_factory.mktemp("e2e")
    proc = run_snakemake(wd, "--cores", "2")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return wd


def mutated(config, path, value):
    """A deep copy of ``config`` with ``path`` set to ``value`` (deleted when ``value`` is ``KeyError``)."""
    config = copy.deepcopy(config)
    node = config
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return config


def pytest_collection_modifyitems(config, items):
    """Every test that runs Snakemake (under tests/workflow/, or using the shared end-to-end run) is marked
    ``e2e``; ``pytest -m "not e2e"`` is the quick loop."""
    for item in items:
        if "e2e_workdir" in item.fixturenames or "workflow" in item.path.parts[-2:-1]:
            item.add_marker(pytest.mark.e2e)
