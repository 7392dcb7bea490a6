"""The manifest of every output, re-verifiable: ``results/MANIFEST.tsv``.

- ``write_manifest`` / ``read_manifest``: one row per output with its SHA-256, the rule that made it, its
  wildcards, resolved parameters (seeds included) and inputs, under a header naming the code version, the
  package versions, the config hash and the SHA-256 of every source file.
- ``verify``: re-hash the files on disk against a manifest and list every difference.
- ``refuse_not_as_written``: the one tamper check, used before the first job and by ``write_manifest(
  check_written=True)``: outputs whose bytes differ from what their producer wrote (``fileio``'s write-time
  records) are refused. ``deleted_outputs`` lists the outputs of the last manifest that are gone.

The manifest holds no timestamps or absolute paths: the same config and code give the same bytes. The project
root (the checkout holding the sources and ``environment.yml``) is always given by the caller (the workflow's
base directory), never guessed from where this package is installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import yaml

from implicitreg.io import files as fileio
from implicitreg.io.files import atomic_path, sha256

COLUMNS = ["path", "sha256", "bytes", "rule", "wildcards", "params", "inputs"]
OUTPUT_DIRS = ("results", "figures")
MANIFEST = "results/MANIFEST.tsv"
REFERENCE = "results/MANIFEST.reference.tsv"  # committed: path and SHA-256 of every output of the default config


class NotAsWrittenError(ValueError):
    """Outputs whose bytes differ from what their producer wrote: the manifest will not certify them."""


def config_hash(config: dict) -> str:
    """SHA-256 of the resolved config as canonical JSON (sorted keys, no whitespace)."""
    return hashlib.sha256(canonical_json(config).encode()).hexdigest()


def canonical_json(obj) -> str:
    """Sorted-key compact JSON; values JSON cannot hold (paths, numpy scalars) become their ``str``."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def git_version(root: str | os.PathLike) -> tuple[str, str]:
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
    deps = yaml.safe_load(Path(environment_yml).read_text())["dependencies"]
    return [re.match(r"[A-Za-z0-9_.-]+", d).group(0) for d in deps if isinstance(d, str)]


def header(config: dict, sources: list[str], root: str | os.PathLike) -> list[tuple[str, str]]:
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
    return sorted(rel for rel in found if rel not in (MANIFEST, REFERENCE))


def recorded_inputs(paths, root: str | os.PathLike, workdir: str | os.PathLike = ".") -> list[str]:
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


def output_records(jobs, root: str | os.PathLike) -> dict[str, dict]:
    """``{output path: {rule, wildcards, params, inputs}}`` of ``jobs``, sorted by path: the records of
    ``write_manifest``.

    Each job is ``(rule, wildcards, params, outputs, inputs)``; of its outputs, those under ``OUTPUT_DIRS`` are
    recorded, each with the job's inputs as ``recorded_inputs`` gives them (project files relative to ``root``).
    """
    records = {}
    for rule, wildcards, params, outputs, inputs in jobs:
        record = {"rule": rule, "wildcards": wildcards, "params": params, "inputs": recorded_inputs(inputs, root)}
        records |= {path: record for path in outputs if path.startswith(OUTPUT_DIRS)}
    return dict(sorted(records.items()))


def write_manifest(
    path, records: dict[str, dict], head: list[tuple[str, str]], workdir=".", *, check_written: bool = False
) -> None:
    """``records`` maps each output path to ``{rule, wildcards, params, inputs}``; rows are sorted by path.

    Header lines are ``# key<TAB>value``; then a ``COLUMNS`` row and one row per output file, with wildcards,
    params and inputs (a list of paths, ``recorded_inputs``) as canonical JSON. A directory output contributes
    every file in it; a missing output is an error (the manifest must run after every job it records). With
    ``check_written``, a file whose SHA-256 differs from its write-time record (or that has none) raises
    ``NotAsWrittenError`` listing every such file and the command that rebuilds it; nothing is written then.
    """
    workdir = Path(workdir)
    files = {}
    for rel, rec in records.items():
        full = workdir / rel
        if not full.exists():
            raise FileNotFoundError(f"{rel} (rule {rec['rule']}) is not on disk: the manifest cannot record it")
        inside = sorted(p for p in full.rglob("*") if p.is_file()) if full.is_dir() else [full]
        files |= {p.relative_to(workdir).as_posix(): rec for p in inside}
    if check_written:
        refuse_not_as_written({rel: rec["rule"] for rel, rec in files.items()}, workdir)
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


def read_table_file(path) -> tuple[dict[str, str], list[str], list[list[str]]]:
    """``(header, columns, rows)`` of a manifest-like TSV: ``# key<TAB>value`` lines, a column row, data rows."""
    head, columns, rows = {}, None, []
    for line in Path(path).read_text().splitlines():
        if line.startswith("# "):
            key, _, value = line[2:].partition("\t")
            head[key] = value
        elif columns is None:
            columns = line.split("\t")
        elif line:
            rows.append(line.split("\t"))
    return head, columns or [], rows


def read_manifest(path) -> tuple[dict[str, str], list[dict[str, str]]]:
    """``(header, rows)`` of a manifest written by ``write_manifest``."""
    head, columns, cells = read_table_file(path)
    rows = [dict(zip(columns, c)) for c in cells]
    if columns != COLUMNS:
        raise ValueError(f"{path}: not a manifest (expected columns {COLUMNS}, got {columns})")
    return head, rows


def verify(manifest=MANIFEST, workdir=".", root: str | os.PathLike | None = None) -> list[str]:
    """Every difference between the files on disk and ``manifest``; empty when everything matches.

    Outputs: missing, changed (SHA-256) or not in the manifest (extra files under ``results/``,
    ``figures/``). Sources (when the project ``root`` is given): changed or missing since the manifest was written.
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


def refuse_not_as_written(files: dict[str, str], workdir=".", *, full: bool = True, unrecorded: bool = False) -> None:
    """Raise ``NotAsWrittenError`` when any of ``files`` (path -> the rule that makes it) is not as its rule wrote it.

    Each file is compared with its write-time record (``fileio.changed_since_written``): re-hashed when ``full``,
    else only when its size or mtime differ from the record's. A file with no record is refused unless
    ``unrecorded`` (it was written outside the workflow). The one message names every file and the command that
    rebuilds it.
    """
    problems = {}
    for rel in sorted(files):
        rule, record = files[rel], fileio.written_record(rel, workdir)
        if record is None:
            if not unrecorded:
                problems[rel] = f"no write-time record from rule {rule} (written outside the workflow?)"
        elif now := fileio.changed_since_written(rel, workdir, full=full):
            problems[rel] = f"sha256 {now[:12]} on disk, rule {rule} wrote {record['sha256'][:12]}"
    if problems:
        raise NotAsWrittenError(
            "outputs changed after their producer wrote them (tampered, truncated or edited by hand); "
            "no job will read them and the manifest will not certify them:\n"
            + "".join(f"  {rel}: {why}\n" for rel, why in problems.items())
            + "rebuild them (and everything computed from them) with:\n  "
            + fileio.regenerate_command(" ".join(problems))
        )


def deleted_outputs(config: dict, manifest=MANIFEST, workdir=".") -> list[str]:
    """Outputs listed in the last ``manifest`` of the same config that are no longer on disk, sorted.

    Snakemake rebuilds a missing file only when a job that must run needs it; a deleted dataset or run file
    whose consumers' outputs exist is otherwise never rebuilt. The manifest rule takes these as inputs.
    An unreadable manifest, or one of another config, gives none.
    """
    try:
        head, rows = read_manifest(Path(workdir) / manifest)
    except (OSError, ValueError):
        return []
    if head.get("config_sha256") != config_hash(config):
        return []
    return sorted(r["path"] for r in rows if not (Path(workdir) / r["path"]).exists())
