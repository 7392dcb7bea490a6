"""One output's lineage back to the config, read from ``results/MANIFEST.tsv`` (``python -m implicitreg explain``).

For the output and, recursively, every output among its inputs: the rule and wildcards of the job that
made it, its parameters, the seeds among them (parameters named ``seed`` or ``seeds``, at any depth),
its inputs with their SHA-256 and its code files with the SHA-256 the manifest header recorded. Then the
run's code commit, config SHA-256 and package versions. An output met a second time is named, not repeated.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from implicitreg.io import provenance

SEED_KEYS = ("seed", "seeds")


def seeds(params, prefix: str = "") -> list[str]:
    """``key.path=value`` of every parameter named ``seed`` or ``seeds``, at any depth of ``params``."""
    found = []
    items = params.items() if isinstance(params, dict) else enumerate(params) if isinstance(params, list) else []
    for key, value in items:
        path = f"{prefix}.{key}" if prefix else str(key)
        if key in SEED_KEYS:
            found.append(f"{path}={provenance.canonical_json(value)}")
        else:
            found += seeds(value, path)
    return found


def explain(path: str, manifest: str | os.PathLike = provenance.MANIFEST) -> list[str]:
    """The lines of ``path``'s lineage (see the module docstring); ``KeyError`` when the manifest lacks it."""
    head, rows = provenance.read_manifest(manifest)
    outputs = {r["path"]: r for r in rows}
    sources = {k.removeprefix("source "): v for k, v in head.items() if k.startswith("source ")}
    path = Path(path).as_posix()
    if path not in outputs:
        raise KeyError(f"{path} is not an output recorded in {manifest}")
    lines: list[str] = []
    done: set[tuple[str, ...]] = set()

    def job_of(row: dict[str, str]) -> tuple[str, ...]:
        return row["rule"], row["wildcards"], row["params"], row["inputs"]

    def describe(row: dict[str, str], depth: int) -> None:
        """The job that made ``row``: once in full, later by name."""
        pad = "  " * depth
        if job_of(row) in done:
            lines.append(f"{pad}made by rule {row['rule']} {row['wildcards']}: lineage given above")
            return
        done.add(job_of(row))
        params = json.loads(row["params"])
        lines.append(f"{pad}rule {row['rule']}  wildcards {row['wildcards']}")
        lines.append(f"{pad}params {provenance.canonical_json(params)}")
        lines.append(f"{pad}seeds {', '.join(seeds(params)) or '(none)'}")
        inputs = json.loads(row["inputs"])
        for src in (p for p in inputs if p in sources):
            lines.append(f"{pad}code {src}  sha256 {sources[src]}")
        for inp in (p for p in inputs if p not in sources):
            inside = [outputs[p] for p in outputs if p == inp or p.startswith(inp.rstrip("/") + "/")]
            if not inside:
                lines.append(f"{pad}input {inp}  (not recorded: a temporary or external file)")
                continue
            lines.append(f"{pad}input {inp}" + ("" if inside[0]["path"] == inp else f"  ({len(inside)} files)"))
            for r in inside:
                lines.append(f"{pad}  {r['path']}  sha256 {r['sha256']}  ({r['bytes']} bytes)")
            for r in {job_of(r): r for r in inside}.values():
                describe(r, depth + 2)

    row = outputs[path]
    lines.append(f"{path}  sha256 {row['sha256']}  ({row['bytes']} bytes)")
    describe(row, 1)
    lines.append(
        f"code commit {head.get('code_commit', 'unknown')} (uncommitted changes: {head.get('code_dirty', 'unknown')})"
    )
    lines.append(f"config sha256 {head.get('config_sha256', 'unknown')}")
    packages = {k.removeprefix("package "): v for k, v in head.items() if k.startswith("package ")}
    lines.append("packages " + ", ".join(f"{k} {v}" for k, v in sorted(packages.items())))
    return lines
