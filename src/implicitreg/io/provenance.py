"""Provenance: which code a script runs, and a manifest of every output that can be re-verified.

- ``code_files``: the files a workflow script depends on, found by static parsing of its imports of
  ``implicitreg`` modules (transitively), so that a job reruns when any of them changes.
- ``write_manifest`` / ``read_manifest``: ``results/MANIFEST.tsv``, one row per output with its SHA-256,
  the rule that made it, its wildcards, resolved parameters (seeds included) and inputs, under a header naming
  the code version, the package versions, the config hash and the SHA-256 of every source file.
- ``verify``: re-hash the files on disk against a manifest and list every difference;
  ``compare_reference``: compare a run's manifest with the committed reference of the default config.
- ``write_manifest(check_written=True)`` refuses a file whose bytes differ from what its producer wrote
  (``fileio``'s write-time records); ``deleted_outputs`` lists the outputs of the last manifest that are gone.
- ``record_lock_owner`` / ``clear_stale_locks``: Snakemake's locks carry only file names; the run that holds
  them records who it is (host, boot id, PID namespace, PID and its start time), and a lock is cleared only
  when that process is provably dead.

The manifest holds no timestamps or absolute paths: the same config and code give the same bytes.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import socket
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from implicitreg.io import files as fileio
from implicitreg.io.files import atomic_path, sha256

PACKAGE = "implicitreg"
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/implicitreg/
ROOT = PACKAGE_DIR.parents[1]  # the project root
COLUMNS = ["path", "sha256", "bytes", "rule", "wildcards", "params", "inputs"]
OUTPUT_DIRS = ("results", "figures")
MANIFEST = "results/MANIFEST.tsv"
REFERENCE = "results/MANIFEST.reference.tsv"  # committed: path and SHA-256 of every output of the default config
REFERENCE_COLUMNS = ["path", "sha256"]


class NotAsWrittenError(ValueError):
    """Outputs whose bytes differ from what their producer wrote: the manifest will not certify them."""


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
    return sorted(rel for rel in found if rel not in (MANIFEST, REFERENCE))


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
        refuse_not_as_written(files, workdir)
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


def refuse_not_as_written(files: dict[str, dict], workdir=".") -> None:
    """Raise ``NotAsWrittenError`` when any of ``files`` (path -> record with ``rule``) is not as its producer wrote it.

    Every file is re-hashed and compared with its write-time record (``fileio.written_record``).
    """
    problems = {}
    for rel in sorted(files):
        rule, record = files[rel]["rule"], fileio.written_record(rel, workdir)
        if record is None:
            problems[rel] = f"no write-time record from rule {rule} (written outside the workflow?)"
        elif now := fileio.changed_since_written(rel, workdir, full=True):
            problems[rel] = f"sha256 {now[:12]} on disk, rule {rule} wrote {record['sha256'][:12]}"
    if problems:
        raise NotAsWrittenError(
            "the manifest will not certify outputs whose bytes differ from what their producer wrote:\n"
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


def write_reference(manifest, reference) -> int:
    """Write ``reference``: path and SHA-256 of every row of ``manifest``, under its config hash and commit.

    Returns the number of outputs. Run after ``snakemake`` with the default config whenever its outputs change.
    """
    head, rows = read_manifest(manifest)
    lines = [f"# {k}\t{head.get(k, 'unknown')}" for k in ("config_sha256", "code_commit")]
    lines.append("\t".join(REFERENCE_COLUMNS))
    lines += [f"{r['path']}\t{r['sha256']}" for r in rows]
    with atomic_path(reference) as tmp:
        tmp.write_text("\n".join(lines) + "\n")
    return len(rows)


def read_reference(path) -> tuple[dict[str, str], dict[str, str]]:
    """``(header, {path: sha256})`` of a reference written by ``write_reference``."""
    head, columns, cells = read_table_file(path)
    digests = {rel: digest for rel, digest in cells}
    if columns != REFERENCE_COLUMNS:
        raise ValueError(f"{path}: not a reference manifest (expected columns {REFERENCE_COLUMNS}, got {columns})")
    return head, digests


def compare_reference(manifest, reference) -> tuple[list[str], str]:
    """``(differences, verdict)`` between a run's ``manifest`` and the committed ``reference``, file by file.

    Differences are ``differs`` (another SHA-256), ``missing`` (in the reference only) and ``new`` (in the
    run only). A run of another config than the reference's is not compared: the verdict says so.
    """
    head, rows = read_manifest(manifest)
    ref_head, ref = read_reference(reference)
    if head.get("config_sha256") != ref_head.get("config_sha256"):
        return [], (
            f"reference not compared: this run's config ({head.get('config_sha256', '?')[:12]}) is not the "
            f"reference's ({ref_head.get('config_sha256', '?')[:12]}, the default config.yaml)"
        )
    ours = {r["path"]: r["sha256"] for r in rows}
    problems = []
    for rel in sorted(ours.keys() | ref.keys()):
        if rel not in ours:
            problems.append(f"missing  {rel} (in the reference, not in this run)")
        elif rel not in ref:
            problems.append(f"new      {rel} (not in the reference)")
        elif ours[rel] != ref[rel]:
            problems.append(f"differs  {rel} (sha256 {ours[rel][:12]}, reference {ref[rel][:12]})")
    verdict = f"{len(problems)} difference(s)" if problems else "all match"
    return problems, f"reference (code {ref_head.get('code_commit', 'unknown')}): {len(ref)} outputs, {verdict}"


def lock_owner_file(state: str | os.PathLike, pid: int) -> Path:
    """The record of the run with ``pid`` that holds locks: beside Snakemake's locks, removed with them."""
    return Path(state) / "locks" / f"owner-{pid}.json"


def process_identity(pid: int | None = None) -> dict:
    """Who process ``pid`` (default: this one) is, as this process sees it.

    ``host`` (hostname), ``boot_id`` (``/proc/sys/kernel/random/boot_id``, new at every boot), ``pid_ns``
    (the PID namespace, ``/proc/self/ns/pid``), ``pid`` and ``start`` (its start time in clock ticks since
    boot, ``/proc/{pid}/stat`` field 22, which tells a reused PID from the original). Unknown parts are None.
    """
    pid = os.getpid() if pid is None else pid
    return {
        "host": socket.gethostname(),
        "boot_id": read_text("/proc/sys/kernel/random/boot_id"),
        "pid_ns": read_link("/proc/self/ns/pid"),
        "pid": pid,
        "start": (process_stat(pid) or {}).get("start"),
    }


def read_text(path) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def read_link(path) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def process_stat(pid: int) -> dict | None:
    """``{state, start}`` of process ``pid`` from ``/proc/{pid}/stat`` (fields 3 and 22), None when there is none."""
    text = read_text(f"/proc/{pid}/stat")
    if text is None:
        return None
    fields = text.rpartition(")")[2].split()  # the command name, in parentheses, may hold spaces
    return {"state": fields[0], "start": int(fields[19])}


def record_lock_owner(state: str | os.PathLike, locks, pid: int | None = None) -> Path:
    """Record that this process (``pid``) holds the Snakemake lock files ``locks`` under ``state/locks``."""
    identity = process_identity(pid)
    path = lock_owner_file(state, identity["pid"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(json.dumps(identity | {"locks": sorted(Path(lock).name for lock in locks)}, sort_keys=True))
    os.replace(tmp, path)
    return path


def owner_dead(owner: dict, here: dict) -> bool | str:
    """True when ``owner`` (a lock owner record) is provably a dead process; else why it cannot be cleared.

    Provably dead means: same host, same boot, same PID namespace as ``here`` (this process), a ``/proc``
    of this namespace, and no process with its PID and start time (or only a zombie).
    """
    who = f"snakemake pid {owner.get('pid')} on host {owner.get('host')}"
    if owner.get("host") != here["host"]:
        return f"its owner, {who}, runs on another host, where this process cannot see it"
    if owner.get("boot_id") is None or owner.get("boot_id") != here["boot_id"]:
        return f"its owner, {who}, was started under another boot id (a reboot, or another machine of that name)"
    if owner.get("pid_ns") is None or owner.get("pid_ns") != here["pid_ns"]:
        return (
            f"its owner, {who}, runs in another PID namespace ({owner.get('pid_ns')}; this one is "
            f"{here['pid_ns']}: a container or another job step), where its PID cannot be checked"
        )
    if (process_stat(os.getpid()) or {}).get("start") != here["start"] or here["start"] is None:
        return "this process's /proc is not of its own PID namespace, so no PID can be checked"
    now = process_stat(int(owner["pid"]))
    if now is not None and now["start"] == owner.get("start") and now["state"] not in ("Z", "X"):
        return f"its owner, {who}, is running"
    return True


def clear_stale_locks(state: str | os.PathLike) -> tuple[list[str], list[str]]:
    """Remove the Snakemake locks under ``state/locks`` whose recorded owner is provably dead.

    Returns ``(removed, kept)``: the removed lock paths, and for every lock kept a message naming it, why it
    is kept and ``snakemake --unlock``. A lock with no owner record (a run killed before it started jobs, or
    one that did not record itself) is kept: nothing proves its owner dead. Owner records all of whose locks
    are gone, and whose process is dead, are removed too.
    """
    locks = Path(state) / "locks"
    if not locks.is_dir():
        return [], []
    here = process_identity()
    owners: dict[str, tuple[Path, dict]] = {}
    for path in sorted(locks.glob("owner-*.json")):
        try:
            owner = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        owners |= {name: (path, owner) for name in owner.get("locks", [])}
    removed, kept = [], []
    for lock in sorted(locks.glob("*.lock")):
        _, owner = owners.get(lock.name, (None, None))
        verdict = owner_dead(owner, here) if owner else "it has no owner record, so nothing proves its owner dead"
        if verdict is True:
            lock.unlink(missing_ok=True)
            removed.append(lock.as_posix())
        else:
            kept.append(
                f"lock {lock.as_posix()} kept: {verdict}. If no snakemake runs in this directory, remove it "
                "with `snakemake --unlock`"
            )
    for path, owner in {p: o for p, o in owners.values()}.items():
        if not any((locks / name).exists() for name in owner["locks"]) and owner_dead(owner, here) is True:
            path.unlink(missing_ok=True)
    return removed, kept
