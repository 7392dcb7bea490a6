"""The code is lint-clean: ruff (lint and format) on the Python, snakefmt on the Snakefile and rules, and no rules
file imports a name the workflow never uses (ruff does not read ``.smk`` files)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = [ROOT / "Snakefile", *sorted((ROOT / "workflow/rules").glob("*.smk"))]


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_ruff(args):
    ruff = shutil.which("ruff") or pytest.skip("ruff not installed")
    proc = subprocess.run([ruff, *args, "src", "workflow/scripts", "tests"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_snakefmt():
    snakefmt = shutil.which("snakefmt") or pytest.skip("snakefmt not installed")
    proc = subprocess.run([snakefmt, "--check", *map(str, WORKFLOW)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]


def imported_names(text):
    """The names the top-level ``import`` and ``from ... import`` lines of a rules file bind."""
    for line in text.splitlines():
        if m := re.match(r"from \S+ import (.+)$", line):
            yield from (n.split(" as ")[-1].strip() for n in m[1].strip("()").split(","))
        elif m := re.match(r"import (\S+)(?: as (\w+))?$", line):
            yield m[2] or m[1].split(".")[0]


def unused_imports(text):
    """The names a rules file imports and never uses itself (as ruff's F401 would say of a Python file)."""
    code = "\n".join(line for line in text.splitlines() if not re.match(r"(from|import) ", line))
    return [n for n in imported_names(text) if not re.search(rf"\b{n}\b", code)]


def test_every_name_a_rules_file_imports_is_used_there():
    assert {p.name: unused_imports(p.read_text()) for p in WORKFLOW} == {p.name: [] for p in WORKFLOW}


def test_the_unused_import_check_finds_one():
    text = "from a.b import c, d as e\nimport os\nimport x.y as z\n\nrule r:\n    input: c(os.sep, z)\n"
    assert list(imported_names(text)) == ["c", "e", "os", "z"]
    assert unused_imports(text) == ["e"]
