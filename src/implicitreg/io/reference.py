"""The committed reference manifest of the default config (path and SHA-256 of every output), and the file-by-file
comparison of a run's manifest with it."""

from __future__ import annotations

from implicitreg.io.files import atomic_path
from implicitreg.io.provenance import read_manifest, read_table_file

COLUMNS = ["path", "sha256"]


def write_reference(manifest, reference) -> int:
    """Write ``reference``: path and SHA-256 of every row of ``manifest``, under its config hash and commit.

    Returns the number of outputs. Run after ``snakemake`` with the default config whenever its outputs change.
    """
    head, rows = read_manifest(manifest)
    lines = [f"# {k}\t{head.get(k, 'unknown')}" for k in ("config_sha256", "code_commit")]
    lines.append("\t".join(COLUMNS))
    lines += [f"{r['path']}\t{r['sha256']}" for r in rows]
    with atomic_path(reference) as tmp:
        tmp.write_text("\n".join(lines) + "\n")
    return len(rows)


def read_reference(path) -> tuple[dict[str, str], dict[str, str]]:
    """``(header, {path: sha256})`` of a reference written by ``write_reference``."""
    head, columns, cells = read_table_file(path)
    digests = {rel: digest for rel, digest in cells}
    if columns != COLUMNS:
        raise ValueError(f"{path}: not a reference manifest (expected columns {COLUMNS}, got {columns})")
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
