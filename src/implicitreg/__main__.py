"""Command line: ``python -m implicitreg verify | explain | claims | check-config | run``.

- ``verify`` re-hashes every output listed in the manifest (and the source files it records) and prints every
  difference; then, when the run used the config of the committed reference manifest
  (``results/MANIFEST.reference.tsv``, the default config's outputs), compares the run with the reference file by
  file (``docs/VERIFY.md`` says how to read a difference); exit status 1 on any difference. ``verify
  --write-reference`` rewrites the reference from a run that passes its own check.
- ``explain PATH`` prints one output's lineage back to the config: rules, parameters, seeds, inputs with their hashes,
  code files and package versions (``io.lineage.explain``); exit status 1 when the manifest does not record PATH.
- ``claims`` prints the claims table, one line a claim (id, kind, verdict, measured against criterion); exit
  status 1 when a ``paper`` or ``derived`` claim fails (boundary rows are findings, not failures).
- ``check-config FILE...`` merges the files (as ``snakemake --configfile`` does) and checks the result, listing every
  violation; YAML errors name the file, line and column (Snakemake reads ``--configfile`` files before the workflow
  and reports their syntax errors without the file name).
- ``run RUN_ID`` finds a run in the run store (its shard is a pure function of its run id, its row the shard's
  ``run_id`` column) and prints its keys, scalars and array shapes; ``--npz FILE`` writes the run as a ``.npz`` of
  the results contract's run keys, to replay it with its dataset.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from implicitreg.io import contract, provenance, reference


def verify(args) -> int:
    manifest = Path(args.workdir) / args.manifest
    args.reference = args.reference or str(Path(args.root) / provenance.REFERENCE)
    try:
        head, rows = provenance.read_manifest(manifest)
        problems = provenance.verify(args.manifest, args.workdir, args.root)
    except (OSError, ValueError) as err:
        print(f"verify: cannot read the manifest: {err}", file=sys.stderr)
        return 2
    for line in problems:
        print(line)
    commit, dirty = head.get("code_commit", "unknown"), head.get("code_dirty", "unknown")
    verdict = f"{len(problems)} difference(s)" if problems else "all match"
    print(f"verify: {len(rows)} outputs, code {commit} (dirty: {dirty}): {verdict}", file=sys.stderr)
    if args.write_reference:
        if problems:
            print(f"verify: {args.reference} not written: this run does not match its own manifest", file=sys.stderr)
            return 1
        n = reference.write_reference(manifest, args.reference)
        print(f"verify: wrote {args.reference} ({n} outputs)", file=sys.stderr)
        return 0
    if not Path(args.reference).is_file():
        print(f"verify: no reference manifest at {args.reference}: not compared", file=sys.stderr)
        return 1 if problems else 0
    differences, summary = reference.compare_reference(manifest, args.reference)
    for line in differences:
        print(line)
    print(f"verify: {summary}", file=sys.stderr)
    return 1 if problems or differences else 0


def explain(args) -> int:
    from implicitreg.io import lineage

    try:
        print("\n".join(lineage.explain(args.path, f"{args.workdir}/{args.manifest}")))
    except (OSError, ValueError, KeyError) as err:
        print(f"explain: {err.args[0] if isinstance(err, KeyError) else err}", file=sys.stderr)
        return 1
    return 0


def claims(args) -> int:
    from implicitreg.claims import report

    try:
        table = contract.read_table("claims", args.table)
    except OSError as err:
        print(f"claims: cannot read {args.table}: {err} (run snakemake first)", file=sys.stderr)
        return 2
    print("\n".join(report.lines(table)))
    print(report.summary(table))
    return 1 if len(report.loud_failures(table)) else 0


def check_config(args) -> int:
    from snakemake.utils import update_config

    from implicitreg.config import check, loader

    config = {}
    try:
        for path in args.files:
            update_config(config, loader.load(path))
        check.validate(config)
    except check.ConfigError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"check-config: {', '.join(args.files)}: valid")
    return 0


def run(args) -> int:
    from implicitreg.io import files, store

    try:
        path = store.shard_of_run(args.run_id, Path(args.workdir))
        arrays = store.load_run(path, args.run_id)
    except (FileNotFoundError, KeyError) as err:
        print(f"run: {err.args[0]}", file=sys.stderr)
        return 1
    print(f"{args.run_id}  in {path}  (log: {store.metadata(path).get('implicitreg.log', 'W')})")
    for key, value in arrays.items():
        print(f"  {key:<16} {value.item() if value.ndim == 0 else f'array {value.dtype} {value.shape}'}")
    if args.npz:
        files.save_npz(args.npz, **arrays)
        print(f"wrote {args.npz}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m implicitreg", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="re-hash the outputs against the manifest; exit 1 on any difference")
    v.add_argument("--manifest", default=provenance.MANIFEST, help="manifest path, relative to --workdir")
    v.add_argument("--workdir", default=".", help="the directory the pipeline ran in")
    v.add_argument("--root", default=".", help="the project checkout that made the run (its sources are checked)")
    v.add_argument(
        "--reference", help=f"the reference manifest (default: the committed one, --root/{provenance.REFERENCE})"
    )
    v.add_argument("--write-reference", action="store_true", help="write --reference from this run (which must verify)")
    v.set_defaults(run=verify)
    e = sub.add_parser("explain", help="print one output's lineage: rules, params, seeds, inputs, code, packages")
    e.add_argument("path", help="an output path as the manifest records it, e.g. figures/F1_staircase.png")
    e.add_argument("--manifest", default=provenance.MANIFEST, help="manifest path, relative to --workdir")
    e.add_argument("--workdir", default=".", help="the directory the pipeline ran in")
    e.set_defaults(run=explain)
    c = sub.add_parser("claims", help="print the claims table; exit 1 if a paper or derived claim fails")
    c.add_argument("--table", default=contract.path("claims"), help="the claims table")
    c.set_defaults(run=claims)
    k = sub.add_parser("check-config", help="check config files merged in order; exit 1 listing every violation")
    k.add_argument("files", nargs="+", help="config files, later ones merged over earlier ones")
    k.set_defaults(run=check_config)
    r = sub.add_parser("run", help="one run from the run store: its keys and arrays; --npz writes it out")
    r.add_argument("run_id", help="a run id, as runs.csv or dmf_runs.csv lists it")
    r.add_argument("--workdir", default=".", help="the directory the pipeline ran in")
    r.add_argument("--npz", help="write the run's arrays to this .npz file")
    r.set_defaults(run=run)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
