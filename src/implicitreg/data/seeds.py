"""Seeds derived from the configuration, never from the clock.

Every random stream is ``numpy.random.SeedSequence(entropy=seed, spawn_key=keys)`` where
``seed`` is the config's integer seed and ``keys`` are stable integer hashes of the names that
identify the stream (dataset name, run id, ...). The same config therefore gives the same
numbers whatever the order or the number of cores the jobs run on.
"""

from __future__ import annotations

import hashlib

import numpy as np


def name_key(name: str) -> int:
    """A stable 32-bit integer for a name: the first 4 bytes of its SHA-256."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big")


def seed_sequence(seed: int, *names: str) -> np.random.SeedSequence:
    """The seed sequence of the stream named ``names`` under the config seed ``seed``."""
    return np.random.SeedSequence(entropy=int(seed), spawn_key=tuple(name_key(n) for n in names))


def rng(seed: int, *names: str) -> np.random.Generator:
    """A PCG64 generator for the stream named ``names``."""
    return np.random.default_rng(seed_sequence(seed, *names))
