"""A non-editable install of the package (``pip install .``) is self-contained: ``python -m implicitreg
check-config`` finds its schema as package data, with no checkout around it. Builds a wheel: marked ``e2e``."""

import os
import shutil
import subprocess
import sys

import pytest
from helpers import ROOT


@pytest.mark.e2e
def test_installed_package_checks_a_config(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet"]
    subprocess.run([*pip, "--target", str(site), str(tree)], check=True, capture_output=True, cwd=tmp_path)
    shutil.rmtree(tree)  # nothing of a checkout is left
    assert (site / "implicitreg/config/config.schema.yaml").is_file()

    def check_config(*files):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(site)}
        cmd = [sys.executable, "-c", "import implicitreg; print(implicitreg.__file__)"]
        where = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, check=True).stdout
        assert where.startswith(str(site)), where  # the installed copy, not this checkout
        cmd = [sys.executable, "-m", "implicitreg", "check-config", *map(str, files)]
        return subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True)

    ok = check_config(ROOT / "config.yaml")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("n_log: 1\n")
    refused = check_config(ROOT / "config.yaml", bad)
    assert refused.returncode == 1 and "n_log" in refused.stdout + refused.stderr
