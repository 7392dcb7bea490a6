"""Every dispatch table over a config enum holds exactly the values the schema allows, and an unknown value fails."""

import pytest

from implicitreg.config import check, grid
from implicitreg.data import spectra
from implicitreg.io.dispatch import choose
from implicitreg.linear import experiment
from implicitreg.tables import run_tables

SCHEMA = check.load_schema()


def enums(node, key):
    """Every ``enum`` of a property named ``key`` anywhere in the schema."""
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict) and "enum" in node["properties"].get(key, {}):
            yield node["properties"][key]["enum"]
        for value in node.values():
            yield from enums(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from enums(value, key)


@pytest.mark.parametrize(
    ("key", "table"),
    [
        ("init", experiment.INITS),
        ("method", experiment.METHODS),
        ("log", experiment.LOGGED),
        ("log", run_tables.COMPONENTS_OF),
        ("basis", spectra.BASES),
        ("kind", spectra.KINDS),
        ("dmf_size", grid.SIZES),
    ],
)
def test_table_holds_exactly_the_schema_enum(key, table):
    found = list(enums(SCHEMA, key))
    assert len(found) == 1, f"{key}: {len(found)} enums in the schema"
    assert sorted(table) == sorted(found[0])


def test_an_unknown_value_is_an_error_naming_its_key():
    with pytest.raises(ValueError, match=r"init: unknown value 'orthogonal' \(known: aligned, random\)"):
        choose(experiment.INITS, "init", "orthogonal")


def test_an_unknown_init_is_refused_not_drawn_at_random():
    data = spectra.make_dataset(
        {"kind": "population", "d": 2, "p": 2, "lam": [1.0, 1.0], "sigma": [2.0, 1.0], "basis": "identity"}, None
    )
    run = grid.RunSpec("e", "ds", 2, 2, 0.1, 3.0, "orthogonal", 0)
    with pytest.raises(ValueError, match="init: unknown value 'orthogonal'"):
        experiment.initial_factors(run, data, seed=0)
