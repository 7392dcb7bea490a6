"""Command line: ``python -m implicitreg verify [--manifest results/MANIFEST.tsv] [--workdir .]``.

``verify`` re-hashes every output listed in the manifest (and the source files it records) and prints
every difference; the exit status is 1 when there is any, 0 when everything matches.
"""

from __future__ import annotations

import argparse
import sys

from implicitreg.io import provenance


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m implicitreg", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="re-hash the outputs against the manifest; exit 1 on any difference")
    v.add_argument("--manifest", default=provenance.MANIFEST, help="manifest path, relative to --workdir")
    v.add_argument("--workdir", default=".", help="the directory the pipeline ran in")
    args = parser.parse_args(argv)
    try:
        head, rows = provenance.read_manifest(f"{args.workdir}/{args.manifest}")
        problems = provenance.verify(args.manifest, args.workdir)
    except (OSError, ValueError) as err:
        print(f"verify: cannot read the manifest: {err}", file=sys.stderr)
        return 2
    for line in problems:
        print(line)
    commit, dirty = head.get("code_commit", "unknown"), head.get("code_dirty", "unknown")
    verdict = f"{len(problems)} difference(s)" if problems else "all match"
    print(f"verify: {len(rows)} outputs, code {commit} (dirty: {dirty}): {verdict}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
