"""The architecture holds: imports follow the data flow, the config schema is strict, names are not reused."""

import ast

from helpers import ROOT

from implicitreg.config import check

PACKAGE = ROOT / "src" / "implicitreg"
# The data flow, upstream first. A module may import from its own subpackage and from any earlier layer.
LAYERS = [{"io"}, {"data"}, {"config"}, {"linear", "dmf"}, {"tables"}, {"claims", "figures"}]
LAYER = {pkg: i for i, layer in enumerate(LAYERS) for pkg in layer}


def imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import (the package imports absolutely)"
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        yield from (n.split(".")[1] for n in names if n.startswith("implicitreg."))


def test_no_import_runs_back_up_the_flow():
    subpackages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert subpackages == set(LAYER)
    for pkg in subpackages:
        for module in (PACKAGE / pkg).glob("*.py"):
            for target in imports(module):
                assert target == pkg or LAYER[target] < LAYER[pkg], f"{module.relative_to(ROOT)} imports {target}"


def test_scripts_and_modules_do_not_share_names():
    modules = {p.stem for p in PACKAGE.rglob("*.py")}
    scripts = {p.stem for p in (ROOT / "workflow/scripts").glob("*.py")}
    assert not modules & scripts


def walk(node, key=""):
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            yield key, node
        for k, v in node.items():
            yield from walk(v, f"{key}.{k}" if key else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{key}[{i}]")


def test_schema_is_strict_and_described_at_every_level():
    schema = check.load_schema()
    objects = list(walk(schema))
    assert len(objects) > 10
    for key, node in objects:
        assert node.get("additionalProperties") is False, f"{key} accepts unknown keys"
        for name, prop in node["properties"].items():
            assert "description" in prop, f"{key}.{name} has no description"
