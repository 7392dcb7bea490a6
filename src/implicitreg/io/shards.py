"""Shards: an experiment's runs split into simulation jobs, the shard of a run a pure function of its run id.

An experiment of ``n`` runs has ``K = 2^b`` shards, ``b`` the fewest bits with ``n / 2^b <= shard_size``. Run ``r``
belongs to shard ``h(r) >> (32 - b)``, the top ``b`` bits of ``h(r)``, the first 32 bits of SHA-256 of its run id.
While ``K`` stays, adding runs never moves an old one; when ``K`` doubles, each shard splits in two. Shards that
no run falls in have no job. Within a shard, runs keep the experiment's order, so tables merged from shards are in
the same order whatever the shard size.
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

SHARD = "{root}/{experiment}/shard-{shard}-of-{count}.parquet"
HASH_BITS = 32


def run_hash(run_id: str) -> int:
    """The first 32 bits of SHA-256 of ``run_id``."""
    return int.from_bytes(hashlib.sha256(run_id.encode()).digest()[:4], "big")


def shard_bits(n_runs: int, shard_size: int) -> int:
    """The fewest bits ``b`` with ``n_runs / 2^b <= shard_size`` (0: one shard)."""
    return max(0, math.ceil(math.log2(n_runs / shard_size))) if n_runs > shard_size else 0


def shard_of(run_id: str, bits: int) -> int:
    """The shard of a run among ``2^bits``: the top ``bits`` bits of its hash."""
    return run_hash(run_id) >> (HASH_BITS - bits) if bits else 0


def split(runs: list, shard_size: int) -> dict[tuple[int, int], list]:
    """``{(shard, count): runs}`` for the shards that hold runs, in shard order; each keeps the runs' order."""
    bits = shard_bits(len(runs), shard_size)
    out: dict[tuple[int, int], list] = {}
    for run in runs:
        out.setdefault((shard_of(run.run_id, bits), 2**bits), []).append(run)
    return dict(sorted(out.items()))


def shard_path(root: str, experiment: str, shard: int, count: int) -> str:
    """``{root}/{experiment}/shard-{shard}-of-{count}.parquet``."""
    return SHARD.format(root=root, experiment=experiment, shard=shard, count=count)


def check_shard(path, runs: list) -> None:
    """Raise ``ValueError`` unless every run belongs to the shard that ``path`` names (``shard-{k}-of-{K}``)."""
    name = Path(path).name
    match = re.fullmatch(r"shard-(\d+)-of-(\d+)\.parquet", name)
    if not match or Path(path).parent.name != (runs[0].experiment if runs else None):
        raise ValueError(f"output {path} is not a shard file of experiment {runs[0].experiment if runs else '?'}")
    shard, count = int(match[1]), int(match[2])
    bits = count.bit_length() - 1
    for run in runs:
        if run.experiment != Path(path).parent.name or shard_of(run.run_id, bits) != shard:
            raise ValueError(f"run {run.run_id} does not belong to shard {path}")
