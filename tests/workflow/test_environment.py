"""environment.yml (conda) and pyproject.toml (pip) describe the same dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def normalize(spec: str) -> tuple[str, str]:
    """(name, version range) of a requirement; pip extras (``snakemake[reports]``) are dropped."""
    name, version = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^]]*\])?\s*(.*)$", spec.strip()).groups()
    return name.lower().replace("_", "-"), version.replace(" ", "")


def test_dependency_lists_are_in_step():
    pip = dict(normalize(s) for s in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(normalize(s) for s in env["dependencies"] if isinstance(s, str))
    python = conda.pop("python")
    assert pip == conda
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert python == requires
