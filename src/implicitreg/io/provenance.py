"""Provenance: which code a script runs, and a manifest of every output that can be re-verified.

- ``code_files``: the files a workflow script depends on, found by static parsing of its imports of
  ``implicitreg`` modules (transitively), so that a job reruns when any of them changes.
- ``write_manifest`` / ``read_manifest``: ``results/MANIFEST.tsv``, one row per output with its SHA-256,
  the rule that made it, its wildcards, resolved parameters (seeds included) and inputs, under a header naming
  the code version, the package versions, the config hash and the SHA-256 of every source file.
- ``verify``: re-hash the files on disk against a manifest and list every difference.

The manifest holds no timestamps or absolute paths: the same config and code give the same bytes.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from implicitreg.io.files import atomic_path

PACKAGE = "implicitreg"
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/implicitreg/
ROOT = PACKAGE_DIR.parents[1]  # the project root
COLUMNS = ["path", "sha256", "bytes", "rule", "wildcards", "params", "inputs"]
OUTPUT_DIRS = ("results", "figures")
MANIFEST = "results/MANIFEST.tsv"


def sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@functools.cache  # the DAG asks for the same few sources dozens of times: parse each once
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


def module_closure(script: str | os.PathLike, package_dir: str | os.PathLike = PACKAGE_DIR, modules=()) -> list[Path]:
    """The package modules ``script`` runs: its imports and the dotted ``modules`` it loads by name, theirs, and
    so on, with every ``__init__.py`` on the way (Python runs them on import); sorted."""
    package_dir = Path(package_dir)
    todo = set(imported_modules(Path(script).read_text())) | set(modules)
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
        todo |= imported_modules(path.read_text())
    return sorted(files)


def code_files(script: str | os.PathLike, root: str | os.PathLike = ROOT, modules=()) -> list[Path]:
    """Every file a job of ``script`` depends on: the script, its package modules (and those of ``modules``), and
    ``environment.yml``."""
    root = Path(root)
    return [Path(script), *module_closure(script, root / "src" / PACKAGE, modules), root / "environment.yml"]


def config_hash(config: dict) -> str:
    """SHA-256 of the resolved config as canonical JSON (sorted keys, no whitespace)."""
    return hashlib.sha256(canonical_json(config).encode()).hexdigest()


def canonical_json(obj) -> str:
    """Sorted-key compact JSON; values JSON cannot hold (paths, numpy scalars) become their ``str``."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def git_version(root: str | os.PathLike = ROOT) -> tuple[str, str]:
    """``(commit, dirty)`` of the checkout at ``root``; dirty is ``true`` when code or config differ from it.

    Only what the computation reads counts (``src``, ``workflow``, ``Snakefile``, ``config.yaml``,
    ``environment.yml``, ``pyproject.toml``); ``unknown`` outside a git checkout.
    """

    def git(*args):
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        return proc.stdout.strip() if proc.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return "unknown", "unknown"
    paths = ["src", "workflow", "Snakefile", "config.yaml", "environment.yml", "pyproject.toml"]
    status = git("status", "--porcelain", "--untracked-files=all", "--", *paths)
    return commit, "unknown" if status is None else str(bool(status)).lower()


def package_versions(names: list[str]) -> dict[str, str]:
    """Installed version of each distribution in ``names`` (``python`` is the interpreter)."""
    out = {}
    for name in sorted(set(names)):
        if name == "python":
            out[name] = ".".join(map(str, sys.version_info[:3]))
            continue
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def environment_packages(environment_yml: str | os.PathLike) -> list[str]:
    """Distribution names listed in a conda ``environment.yml`` (version specifiers dropped)."""
    import re

    import yaml

    deps = yaml.safe_load(Path(environment_yml).read_text())["dependencies"]
    return [re.match(r"[A-Za-z0-9_.-]+", d).group(0) for d in deps if isinstance(d, str)]


def header(config: dict, sources: list[str], root: str | os.PathLike = ROOT) -> list[tuple[str, str]]:
    """The manifest's ``(key, value)`` header: code version, config hash, packages, source hashes."""
    root = Path(root)
    commit, dirty = git_version(root)
    lines = [("code_commit", commit), ("code_dirty", dirty), ("config_sha256", config_hash(config))]
    lines += [(f"package {k}", v) for k, v in package_versions(environment_packages(root / "environment.yml")).items()]
    for rel in sorted(set(sources)):
        lines.append((f"source {rel}", sha256(root / rel)))
    return lines


def output_files(workdir: str | os.PathLike = ".", dirs=OUTPUT_DIRS) -> list[str]:
    """Every file under ``dirs`` of ``workdir`` (relative POSIX paths, sorted, hidden ones too), bar the manifest."""
    workdir = Path(workdir)
    found = [p.relative_to(workdir).as_posix() for d in dirs for p in (workdir / d).rglob("*") if p.is_file()]
    return sorted(rel for rel in found if rel != MANIFEST)


def recorded_inputs(paths, root: str | os.PathLike = ROOT, workdir: str | os.PathLike = ".") -> list[str]:
    """A job's inputs as the manifest records them: sorted, unique, no absolute paths.

    Outputs of other jobs (under ``results/``, ``figures/``) stay as given (relative to ``workdir``); project
    files (code, environment) become paths relative to the project ``root``, the keys of the header's
    ``source`` lines; anything else stays as given.
    """
    root, out = Path(root).resolve(), set()
    for p in map(str, paths):
        full = (Path(workdir) / p).resolve()
        if p.startswith(OUTPUT_DIRS) or not full.is_relative_to(root):
            out.add(Path(p).as_posix())
        else:
            out.add(full.relative_to(root).as_posix())
    return sorted(out)


def write_manifest(path, records: dict[str, dict], head: list[tuple[str, str]], workdir=".") -> None:
    """``records`` maps each output path to ``{rule, wildcards, params, inputs}``; rows are sorted by path.

    Header lines are ``# key<TAB>value``; then a ``COLUMNS`` row and one row per output file, with wildcards,
    params and inputs (a list of paths, ``recorded_inputs``) as canonical JSON. A directory output contributes
    every file in it; a missing output is an error (the manifest must run after every job it records).
    """
    workdir = Path(workdir)
    files = {}
    for rel, rec in records.items():
        full = workdir / rel
        if not full.exists():
            raise FileNotFoundError(f"{rel} (rule {rec['rule']}) is not on disk: the manifest cannot record it")
        inside = sorted(p for p in full.rglob("*") if p.is_file()) if full.is_dir() else [full]
        files |= {p.relative_to(workdir).as_posix(): rec for p in inside}
    lines = [f"# {k}\t{v}" for k, v in head]
    lines.append("\t".join(COLUMNS))
    for rel in sorted(files):
        rec = files[rel]
        full = workdir / rel
        cells = [rel, sha256(full), str(full.stat().st_size), rec["rule"]]
        cells += [canonical_json(rec.get("wildcards", {})), canonical_json(rec.get("params", {}))]
        cells.append(canonical_json(rec.get("inputs", [])))
        lines.append("\t".join(cells))
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join(lines) + "\n")


def read_manifest(path) -> tuple[dict[str, str], list[dict[str, str]]]:
    """``(header, rows)`` of a manifest written by ``write_manifest``."""
    head, rows, columns = {}, [], None
    for line in Path(path).read_text().splitlines():
        if line.startswith("# "):
            key, _, value = line[2:].partition("\t")
            head[key] = value
        elif columns is None:
            columns = line.split("\t")
        elif line:
            rows.append(dict(zip(columns, line.split("\t"))))
    if columns != COLUMNS:
        raise ValueError(f"{path}: not a manifest (expected columns {COLUMNS}, got {columns})")
    return head, rows


def verify(manifest=MANIFEST, workdir=".", root: str | os.PathLike | None = ROOT) -> list[str]:
    """Every difference between the files on disk and ``manifest``; empty when everything matches.

    Outputs: missing, changed (SHA-256) or not in the manifest (extra files under ``results/``,
    ``figures/``). Sources (when ``root`` holds them): changed or missing since the manifest was written.
    """
    workdir = Path(workdir)
    head, rows = read_manifest(workdir / manifest)
    problems = []
    listed = {r["path"] for r in rows}
    for r in rows:
        p = workdir / r["path"]
        if not p.is_file():
            problems.append(f"missing  {r['path']} (made by rule {r['rule']})")
        elif sha256(p) != r["sha256"]:
            problems.append(f"changed  {r['path']} (sha256 {sha256(p)[:12]}, manifest {r['sha256'][:12]})")
    for rel in output_files(workdir):
        if rel not in listed:
            problems.append(f"extra    {rel} (not in the manifest)")
    for key, digest in sorted(head.items()):
        if root is None or not key.startswith("source "):
            continue
        src = Path(root) / key.removeprefix("source ")
        if not src.is_file():
            problems.append(f"missing  source {src.relative_to(root).as_posix()}")
        elif sha256(src) != digest:
            problems.append(f"changed  source {src.relative_to(root).as_posix()} since the outputs were made")
    return problems


def clear_stale_locks(state: str | os.PathLike, pid: int) -> bool:
    """Drop Snakemake's directory locks under ``state`` (``.snakemake``) when the run that took them is gone.

    The invocation ``pid`` that finds no live owner records itself in ``state/owner.pid``; one that finds
    locks whose recorded owner is no longer a running snakemake process removes them, so that rerunning
    the command of a killed run completes it. A live run's locks are never touched. Returns whether
    stale locks were removed.
    """
    state = Path(state)
    owner, locks = state / "owner.pid", state / "locks"
    if owner.is_file() and snakemake_alive(int(owner.read_text().strip() or 0)):
        return False
    stale = sorted(locks.glob("*.lock")) if locks.is_dir() else []
    for lock in stale:
        lock.unlink(missing_ok=True)
    state.mkdir(exist_ok=True)
    owner.write_text(f"{pid}\n")
    return bool(stale)


def snakemake_alive(pid: int) -> bool:
    """Whether ``pid`` is a running snakemake process (any running process where ``/proc`` is missing)."""
    if pid <= 0:
        return False
    try:
        if Path("/proc").is_dir():
            return b"snakemake" in Path(f"/proc/{pid}/cmdline").read_bytes()
        os.kill(pid, 0)
    except PermissionError:
        return True
    except OSError:
        return False
    return True
