"""Dispatch on a config enum through a table: an unknown value is an error naming the key, never a silent default.

Each table maps every value the schema allows for one key to its implementation; a test ties each table's keys
to the schema's enum (``tests/test_dispatch.py``).
"""

from __future__ import annotations


def choose(table: dict, key: str, value):
    """``table[value]``; a value the table does not hold raises ``ValueError`` naming ``key`` and the known values."""
    try:
        return table[value]
    except KeyError:
        raise ValueError(f"{key}: unknown value {value!r} (known: {', '.join(map(str, table))})") from None
