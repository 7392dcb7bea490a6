"""Shared fixtures: one end-to-end Snakemake run of the tiny config, reused by every workflow test."""

import copy
import hashlib
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


def tree_hashes(workdir):
    """SHA-256 of every file (hidden ones included) under results/ and figures/, by relative path."""
    return {
        p.relative_to(workdir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for d in ("results", "figures")
        for p in sorted((workdir / d).rglob("*"))
        if p.is_file()
    }


UNSHARE = ["unshare", "--pid", "--fork", "--mount-proc"]


def python(*args, namespace=False, **kw):
    """``python -c ...`` with this checkout's package, in a new PID namespace (with its own /proc) if asked."""
    cmd = [*(UNSHARE if namespace else []), sys.executable, "-c", *args]
    return subprocess.Popen(cmd, env={"PYTHONPATH": str(ROOT / "src")}, stdout=subprocess.PIPE, text=True, **kw)


def unshare_works():
    try:
        return subprocess.run([*UNSHARE, "true"], capture_output=True).returncode == 0
    except OSError:
        return False


needs_unshare = pytest.mark.skipif(not unshare_works(), reason="unshare --pid needs root (CAP_SYS_ADMIN)")
