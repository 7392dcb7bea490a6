"""The code a workflow script runs: its imports of ``implicitreg`` modules, found by static parsing, transitively.

As inputs of the rule that runs the script, these files make a job rerun when any of them changes.
"""

from __future__ import annotations

import ast
import functools
import os
from pathlib import Path

PACKAGE = "implicitreg"
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # this package's own directory: src/implicitreg/ or site-packages


def imported_modules(source: str, package: str = PACKAGE) -> frozenset[str]:
    """Dotted names that Python source imports from ``package`` (the package's own code imports absolutely).

    ``from implicitreg.x import y`` gives ``implicitreg.x`` and ``implicitreg.x.y`` (``y`` may be a module or a
    name; names that are not modules are dropped by ``module_closure``); ``import implicitreg.x.y`` gives
    ``implicitreg.x.y``.
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == package}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == package:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return frozenset(found)


def module_file(name: str, package_dir: Path) -> Path | None:
    """The file of dotted module ``name`` (a module or a package's ``__init__.py``), or None."""
    parts = name.split(".")[1:]
    base = package_dir.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if parts and path.is_file():
            return path
    return None


@functools.cache  # the DAG asks for the closures of a few dozen scripts over the same modules: parse each once
def _file_imports(path: Path, mtime_ns: int) -> frozenset[str]:
    return imported_modules(path.read_text())


def file_imports(path: Path) -> frozenset[str]:
    """``imported_modules`` of the file ``path`` (read again when it has changed)."""
    return _file_imports(path, path.stat().st_mtime_ns)


def module_closure(script: str | os.PathLike, package_dir: str | os.PathLike = PACKAGE_DIR, modules=()) -> list[Path]:
    """The package modules ``script`` runs: its imports and the dotted ``modules`` it loads by name, theirs, and
    so on, with every ``__init__.py`` on the way (Python runs them on import); sorted."""
    package_dir = Path(package_dir)
    todo = set(file_imports(Path(script))) | set(modules)
    files: set[Path] = {package_dir / "__init__.py"}
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        path = module_file(name, package_dir)
        if name in seen or path is None:
            continue
        seen.add(name)
        files.add(path)
        parents = name.split(".")
        todo |= {".".join(parents[:i]) for i in range(2, len(parents))}
        todo |= file_imports(path)
    return sorted(files)


def code_files(script: str | os.PathLike, root: str | os.PathLike, modules=()) -> list[Path]:
    """Every file a job of ``script`` depends on: the script, its package modules (and those of ``modules``), and
    ``environment.yml`` of the project ``root`` (the workflow's base directory)."""
    root = Path(root)
    return [Path(script), *module_closure(script, root / "src" / PACKAGE, modules), root / "environment.yml"]


def workflow_sources(root: str | os.PathLike) -> list[str]:
    """Every file of the workflow at ``root``: each script with the files it runs (``code_files``), every package
    module, the rules, the Snakefile and the config schema; sorted paths relative to ``root``."""
    root = Path(root)
    package = root / "src" / PACKAGE
    files = {f for s in (root / "workflow/scripts").glob("*.py") for f in code_files(s, root)}
    files |= {*package.rglob("*.py"), *(root / "workflow/rules").glob("*.smk"), root / "Snakefile"}
    files |= {*package.rglob("*.yaml")}  # package data: the config schema
    return sorted(f.relative_to(root).as_posix() for f in files)
