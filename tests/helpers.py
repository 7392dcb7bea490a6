"""Helpers the tests import: the checkout, the tiny config, Snakemake command lines, config mutation, output
hashes and subprocesses in a new PID namespace."""

import copy
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from processes import run

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests/configs/tiny.yaml"


def snakemake_args(*args, config=TINY):
    """The arguments ``-s <repo>/Snakefile --configfile <config...> ARGS`` (no --configfile for None)."""
    configs = [] if config is None else [config] if isinstance(config, str | Path) else list(config)
    return ["-s", str(ROOT / "Snakefile"), *(["--configfile", *map(str, configs)] if configs else []), *args]


def snakemake_command(*args, config=TINY):
    """``snakemake`` (this interpreter's) with ``snakemake_args(*args, config=config)``."""
    return [sys.executable, "-m", "snakemake", *snakemake_args(*args, config=config)]


def run_snakemake(workdir, *args, config=TINY, timeout=900):
    """Run ``snakemake_command(*args, config=config)`` in ``workdir``, capturing its output."""
    return run(snakemake_command(*args, config=config), timeout=timeout, cwd=workdir)


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
