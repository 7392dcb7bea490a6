"""The run as a Workflow Run RO-Crate (Provenance Run Crate profile 0.5), built from ``results/MANIFEST.tsv``.

The crate's root is the directory the pipeline ran in; ``ro-crate-metadata.json`` sits there, beside
``ro-crate-config.json`` (the resolved config as canonical JSON, so its SHA-256 is the manifest's
``config_sha256``). It holds:

- every output of the manifest as a ``File`` with its ``sha256`` and ``contentSize``;
- the ``Snakefile`` as the main ``ComputationalWorkflow`` (version: the code commit), each rule as a tool
  (``SoftwareApplication``, its code files as ``hasPart``) and a ``HowToStep`` of the workflow;
- one ``CreateAction`` per job (the manifest rows sharing rule, wildcards, params and inputs): the rule's
  tool as ``instrument``, its inputs (outputs of other jobs, code files) and its parameters
  (``PropertyValue``) as ``object``, its outputs as ``result``; a ``ControlAction`` ties it to its step;
- the whole run as a ``CreateAction`` of the workflow (``object``: the config file, ``result``: every
  output) and an ``OrganizeAction`` of Snakemake that orchestrated the job actions;
- every source file with the SHA-256 the manifest header recorded, and the package versions as
  ``SoftwareApplication`` entities (the workflow's and each tool's ``softwareRequirements``).

Every action has the contributors' organization as its ``agent``; every package its PyPI (Python: python.org)
release page as ``@id`` and ``url``; each rule the code commit as its version and the rules file that defines it
as its ``url`` (its source, a file of the crate); the workflow its README as ``url`` (its documentation);
``README.md`` is about the crate. Each job's action has the ``startTime`` and ``endTime`` Snakemake recorded for the
job that made its outputs (``recorded_times``); the run's, and Snakemake's orchestration, span them all. Nothing
in it is read from the clock: ``datePublished`` is the commit's date (the manifest's modification time outside a
git checkout), so the same run gives the same bytes. Two RECOMMENDED checks stay failing, for what the project
does not have (tests/io/test_crate.py, docs/REVIEWER.md): an ``http`` ``@id`` for the rules and the workflow (the
profile allows a local id, or the path of a file in the crate, for tools not described on the web) and a ``url``
for the contributors' organization.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
from pathlib import Path, PurePosixPath

from rocrate.model.contextentity import ContextEntity
from rocrate.rocrate import ROCrate
from snakemake.io import IOFile
from snakemake.persistence.file import FilePersistence

from implicitreg.io import provenance

METADATA = "ro-crate-metadata.json"
CONFIG = "ro-crate-config.json"
WORKFLOW = "Snakefile"
PROFILES = {
    "https://w3id.org/ro/wfrun/process/0.5": "Process Run Crate",
    "https://w3id.org/ro/wfrun/workflow/0.5": "Workflow Run Crate",
    "https://w3id.org/ro/wfrun/provenance/0.5": "Provenance Run Crate",
    "https://w3id.org/workflowhub/workflow-ro-crate/1.0": "Workflow RO-Crate",
}
WORKFLOW_RO_CRATE = "https://w3id.org/workflowhub/workflow-ro-crate/1.0"
AUTHOR = "implicitreg contributors"
# Terms beyond the RO-Crate 1.1 context, and the Bioschemas types spelled as in that context (which
# RO-Crate 1.3 moved to https://bioschemas.org/terms/), so that the crate reads the same under either.
EXTRA_TERMS = {
    "sha256": "https://w3id.org/ro/terms/workflow-run#sha256",
    "ComputationalWorkflow": "https://bioschemas.org/ComputationalWorkflow",
}
SNAKEMAKE = "https://snakemake.github.io"
BIOSCHEMAS_WORKFLOW = "https://bioschemas.org/profiles/ComputationalWorkflow/1.0-RELEASE"
README = "README.md"
RO_CRATE = "1.1"  # the RO-Crate version the Provenance Run Crate 0.5 profile builds on


def jobs_of(rows: list[dict[str, str]]) -> dict[tuple[str, str, str, str], list[dict[str, str]]]:
    """Manifest rows grouped by job: rows that share rule, wildcards, params and inputs came from one job."""
    jobs: dict[tuple[str, str, str, str], list[dict[str, str]]] = {}
    for r in rows:
        jobs.setdefault((r["rule"], r["wildcards"], r["params"], r["inputs"]), []).append(r)
    return jobs


def files_under(path: str, outputs: dict[str, dict]) -> list[str]:
    """The manifest's files at ``path``: the file itself, or every file in the directory ``path``."""
    if path in outputs:
        return [path]
    return [p for p in outputs if p.startswith(path.rstrip("/") + "/")]


def publication_date(head: dict[str, str], manifest: Path, root: Path | None) -> str:
    """ISO date-time of the code commit (``git show``), else of the manifest file's last change (UTC)."""
    commit = head.get("code_commit", "unknown")
    if root is not None and commit != "unknown":
        proc = subprocess.run(
            ["git", "-C", str(root), "show", "-s", "--format=%cI", commit], capture_output=True, text=True
        )
        if proc.returncode == 0 and proc.stdout.strip():
            return proc.stdout.strip()
    return datetime.datetime.fromtimestamp(manifest.stat().st_mtime, datetime.UTC).isoformat(timespec="seconds")


def snakemake_records(workdir: Path) -> FilePersistence | None:
    """Snakemake's persistence of the run in ``workdir`` (its records under ``.snakemake/metadata``), else None."""
    if not (workdir / ".snakemake" / "metadata").is_dir():
        return None
    return FilePersistence(nolock=True, path=(workdir / ".snakemake").absolute())


def recorded_times(persistence: FilePersistence | None, paths: list[str]) -> dict[str, str]:
    """``startTime`` and ``endTime`` of the job that made ``paths``, as Snakemake recorded them, else nothing.

    Snakemake's persistence holds, per output, when its job started and when the output was last written (its
    modification time); a file inside a directory output has its directory's record. The job ran from the earliest
    start to the latest end of its outputs' records (ISO 8601, UTC, to the millisecond).
    """
    if persistence is None:
        return {}
    records = [r for p in paths if (r := output_record(persistence, p)) is not None]
    if not records:
        return {}
    return {
        "startTime": iso_time(min(r.starttime for r in records)),
        "endTime": iso_time(max(r.endtime for r in records)),
    }


def output_record(persistence: FilePersistence, path: str):
    """Snakemake's metadata record of the output ``path``, or of the directory output holding it, else None."""
    for key in [path, *(p.as_posix() for p in PurePosixPath(path).parents if p.name)]:
        record = persistence.metadata(IOFile(key))
        if record is not None:
            return record
    return None


def iso_time(seconds: float) -> str:
    """POSIX time as ISO 8601 in UTC to the millisecond, ``2026-01-02T03:04:05.678+00:00``."""
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).isoformat(timespec="milliseconds")


def span(times: list[dict[str, str]]) -> dict[str, str]:
    """The ``startTime`` and ``endTime`` covering every action of ``times`` (ISO 8601 UTC strings sort by time)."""
    starts, ends = [t["startTime"] for t in times if t], [t["endTime"] for t in times if t]
    return {"startTime": min(starts), "endTime": max(ends)} if ends else {}


def package_url(name: str, version: str) -> str:
    """The release page of a package of the run: Python's at python.org, any other on PyPI."""
    if name == "python":
        return f"https://www.python.org/downloads/release/python-{version.replace('.', '')}/"
    return f"https://pypi.org/project/{name}/{version}/"


def entity(crate: ROCrate, identifier: str, type_: str | list[str], **props) -> ContextEntity:
    """A contextual entity added to ``crate``; a one-element list is given as its single value."""
    props = {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in props.items()}
    return crate.add(ContextEntity(crate, identifier, properties={"@type": type_, **props}))


def property_value(crate: ROCrate, job_id: str, name: str, value) -> ContextEntity:
    """One parameter of a job; values that are not numbers, strings or booleans are given as canonical JSON."""
    if not isinstance(value, bool | int | float | str):
        value = provenance.canonical_json(value)
    return entity(crate, f"{job_id}/param/{name}", "PropertyValue", name=name, value=value)


def build(
    workdir: str | os.PathLike, config: dict, root: str | os.PathLike | None, rule_files: dict[str, str]
) -> ROCrate:
    """The Provenance Run Crate of the run in ``workdir``, from its manifest and Snakemake's records of its jobs.

    ``config`` must hash to the manifest's ``config_sha256`` (``provenance.config_hash``); it is written by
    ``write``, which this only describes. ``root`` is the project checkout (for the commit date); ``rule_files``
    names the rules file (relative to it) that defines each rule.
    """
    workdir = Path(workdir)
    manifest = workdir / provenance.MANIFEST
    head, rows = provenance.read_manifest(manifest)
    if provenance.config_hash(config) != head.get("config_sha256"):
        raise ValueError(f"{manifest}: config_sha256 {head.get('config_sha256')} is not the hash of the given config")
    outputs = {r["path"]: r for r in rows}
    sources = {k.removeprefix("source "): v for k, v in head.items() if k.startswith("source ")}
    packages = {k.removeprefix("package "): v for k, v in head.items() if k.startswith("package ")}
    commit, dirty = head.get("code_commit", "unknown"), head.get("code_dirty", "unknown")

    crate = ROCrate(gen_preview=False, version=RO_CRATE)
    crate.metadata.extra_terms.update(EXTRA_TERMS)
    crate.name = "implicitreg: a run of the reproduction pipeline"
    crate.description = (
        f"Outputs of the implicitreg Snakemake workflow with the provenance of every file: code commit {commit} "
        f"(uncommitted changes: {dirty}), config SHA-256 {head.get('config_sha256', 'unknown')}."
    )
    crate.license = entity(crate, "https://spdx.org/licenses/MIT", "CreativeWork", name="MIT License")
    author = entity(crate, "#implicitreg-contributors", "Organization", name=AUTHOR)
    crate.root_dataset["author"] = crate.root_dataset["publisher"] = author
    crate.metadata["conformsTo"] = [{"@id": f"https://w3id.org/ro/crate/{RO_CRATE}"}, {"@id": WORKFLOW_RO_CRATE}]
    crate.datePublished = publication_date(head, manifest, Path(root) if root else None)
    crate.root_dataset["conformsTo"] = [{"@id": p} for p in PROFILES]
    for pid, name in PROFILES.items():
        entity(crate, pid, "CreativeWork", name=name, version=pid.rsplit("/", 1)[1])

    requirements = [
        entity(crate, url, "SoftwareApplication", name=name, version=version, url=url)
        for name, version in sorted(packages.items())
        for url in [package_url(name, version)]
    ]
    engine = entity(
        crate, SNAKEMAKE, "SoftwareApplication", name="Snakemake", version=packages.get("snakemake", ""), url=SNAKEMAKE
    )
    code = {
        rel: crate.add_file(
            dest_path=rel, properties={"name": rel, "sha256": digest, "encodingFormat": media_type(rel)}
        )
        for rel, digest in sorted(sources.items())
    }
    files = {
        rel: crate.add_file(
            dest_path=rel,
            properties={
                "name": rel,
                "sha256": r["sha256"],
                "contentSize": int(r["bytes"]),
                "encodingFormat": media_type(rel),
            },
        )
        for rel, r in sorted(outputs.items())
    }
    config_file = crate.add_file(
        dest_path=CONFIG,
        properties={
            "name": "resolved config (canonical JSON)",
            "sha256": head.get("config_sha256", ""),
            "encodingFormat": "application/json",
        },
    )

    rules = sorted({r["rule"] for r in rows})
    tools, steps = {}, {}
    for position, rule in enumerate(rules):
        rule_code = sorted({s for r in rows if r["rule"] == rule for s in json.loads(r["inputs"]) if s in code})
        tools[rule] = entity(
            crate,
            f"#rule/{rule}",
            "SoftwareApplication",
            name=f"rule {rule}",
            version=commit,
            url=code[rule_files[rule]],
            hasPart=[code[s] for s in rule_code],
            softwareRequirements=requirements,
        )
        steps[rule] = entity(
            crate, f"#step/{rule}", "HowToStep", name=rule, position=str(position), workExample=tools[rule]
        )

    readme = crate.add_file(
        dest_path=README,
        properties={"name": "the project's README", "about": crate.root_dataset, "encodingFormat": media_type(README)},
    )
    workflow = crate.add_file(
        dest_path=WORKFLOW,
        properties={
            "@type": ["File", "SoftwareSourceCode", "ComputationalWorkflow", "HowTo"],
            "name": "implicitreg workflow",
            "version": commit,
            "url": readme,
            "sha256": sources.get(WORKFLOW, ""),
            "encodingFormat": media_type(WORKFLOW),
            "conformsTo": {"@id": BIOSCHEMAS_WORKFLOW},
            "programmingLanguage": entity(
                crate, "#snakemake-language", "ComputerLanguage", name="Snakemake", url=SNAKEMAKE
            ),
            "hasPart": list(tools.values()),
            "step": list(steps.values()),
            "softwareRequirements": requirements,
        },
    )
    crate.mainEntity = workflow

    controls, times, persistence = [], [], snakemake_records(workdir)
    for (rule, wildcards, params, inputs), job_rows in jobs_of(rows).items():
        wc = json.loads(wildcards)
        job_id = f"#job/{rule}" + "".join(f"/{k}={v}" for k, v in wc.items())
        label = f"rule {rule}" + (f" ({', '.join(f'{k}={v}' for k, v in wc.items())})" if wc else "")
        used = []
        for path in json.loads(inputs):
            if path in code:
                used.append(code[path])
            else:
                used += [files[p] for p in files_under(path, outputs)]
        used += [property_value(crate, job_id, k, v) for k, v in sorted(json.loads(params).items())]
        times.append(recorded_times(persistence, [r["path"] for r in job_rows]))
        action = entity(
            crate,
            job_id,
            "CreateAction",
            name=label,
            description=f"The job of {label}: its inputs and parameters (object) made its outputs (result).",
            instrument=tools[rule],
            agent=author,
            object=used,
            result=[files[r["path"]] for r in job_rows],
            **times[-1],
        )
        controls.append(
            entity(
                crate,
                f"{job_id}/control",
                "ControlAction",
                name=label,
                instrument=steps[rule],
                object=action,
                agent=author,
            )
        )

    run = entity(
        crate,
        "#run",
        "CreateAction",
        name="snakemake run of the implicitreg workflow",
        description="The whole run: the resolved config (object) made every output (result).",
        instrument=workflow,
        agent=author,
        object=[config_file],
        result=list(files.values()),
        **span(times),
    )
    entity(
        crate,
        "#engine-run",
        "OrganizeAction",
        name="Snakemake orchestration",
        instrument=engine,
        agent=author,
        object=controls,
        result=run,
        **span(times),
    )
    crate.root_dataset["mentions"] = [run, *(c["object"] for c in controls)]
    return crate


def media_type(path: str) -> str:
    """IANA media type of an output, from its extension (``application/octet-stream`` when unknown)."""
    types = {
        ".csv": "text/csv",
        ".tsv": "text/tab-separated-values",
        ".json": "application/json",
        ".png": "image/png",
        ".pdf": "application/pdf",
        ".parquet": "application/vnd.apache.parquet",
        ".npz": "application/octet-stream",
        ".py": "text/x-python",
        ".smk": "text/x-python",
        ".yaml": "application/yaml",
        ".yml": "application/yaml",
        ".md": "text/markdown",
        ".rst": "text/x-rst",
    }
    if Path(path).name == WORKFLOW:
        return "text/x-python"
    return types.get(Path(path).suffix, "application/octet-stream")


def write(workdir: str | os.PathLike, config: dict, root: str | os.PathLike | None, rule_files: dict[str, str]) -> Path:
    """Write ``ro-crate-config.json`` and ``ro-crate-metadata.json`` into ``workdir`` (``build``); return the
    metadata path."""
    workdir = Path(workdir)
    crate = build(workdir, config, root, rule_files)
    (workdir / CONFIG).write_text(provenance.canonical_json(config))
    crate.metadata.write(workdir)
    return workdir / METADATA
